"""What an insider's browser receives holds no way back to a perpetrator. Streamlit sends a table's hidden columns
and a chart's whole figure, so this reads every message the server sends, not what is drawn: for a safety champion,
a councillor and a viewer walked through every page they may open, no perpetrator's name, key or hash of one, and no
incident identifier a dictionary of handles could be tried against."""

import hashlib
import re
import shutil
from collections.abc import Iterator

import pyarrow as pa
import pytest
from playwright.sync_api import expect

from analytics import store
from analytics.governance import access
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, VIEWER
from tests.browser.conftest import WAIT, Dashboard, Received, open_from_navigation, open_signed_in, serve, settled
from tests.browser.helpers import HEADINGS
from tests.builders import incident, load_incidents

UNREFERENCED = 12  # incidents logged without a reference, so keyed on what identifies them


def _without_references(database) -> None:
    """The newest incidents of the councillor with an account, logged again without a reference: the incidents an
    md5 key of the date, councillor, ward, channel, abuse types and perpetrator used to identify."""
    con = store.connect(database)
    councillor = con.execute("SELECT name, ward FROM councillors ORDER BY name LIMIT 1").fetchone()
    rows = con.execute(
        """SELECT strftime(occurred_on, '%Y-%m-%d'), channel, array_to_string(abuse_types, '; '), perpetrator_ref
           FROM incidents WHERE perpetrator_ref IS NOT NULL ORDER BY occurred_on DESC LIMIT ?""",
        [UNREFERENCED],
    ).fetchall()
    load_incidents(
        con,
        [
            incident(day, councillor[0], councillor[1], channel, abuse, perpetrator_ref=who, threat_level="high")
            for day, channel, abuse, who in rows
        ],
    )
    con.close()


@pytest.fixture(scope="module")
def unreferenced_council(sample_council, tmp_path_factory):
    database = tmp_path_factory.mktemp("unreferenced") / "council.duckdb"
    shutil.copy(sample_council, database)
    _without_references(database)
    return database


@pytest.fixture
def dashboard(unreferenced_council, tmp_path) -> Iterator[Dashboard]:
    copy = tmp_path / "council.duckdb"
    shutil.copy(unreferenced_council, copy)
    with serve(copy, tmp_path) as running:
        yield running


def _everything_received(received: Received) -> str:
    """Every text the browser was sent: each message's fields, every cell and column of every table (hidden ones
    too) and every chart's figure."""
    parts = [str(message) for message in received.messages]
    for element in received.elements():
        kind = element.WhichOneof("type")
        if kind in ("dataframe", "table", "arrow_data_frame") and getattr(element, kind).arrow_data.data:
            frame = pa.ipc.open_stream(getattr(element, kind).arrow_data.data).read_all().to_pandas()
            parts.append(" ".join(map(str, frame.columns)))
            parts.extend(str(cell) for cell in frame.to_numpy().ravel())
        if kind == "plotly_chart":
            parts.append(element.plotly_chart.spec)
    return "\n".join(parts)


def _dictionary_attack(dashboard: Dashboard, seen: str) -> list[str]:
    """The attack that worked: every `row:` key in what was received, tried against every incident's visible fields
    with every handle in a list of candidates (here every handle the council has logged), as md5 of the fields the
    import once keyed such incidents on. Returns the perpetrators recovered."""
    keys = sorted(set(re.findall(r"row:([0-9a-f]{32,64})", seen)))
    if not keys:
        return []
    recovered = dashboard.rows(
        f"""WITH candidates AS (SELECT DISTINCT perpetrator_ref AS handle FROM incidents
                                WHERE perpetrator_ref IS NOT NULL)
            SELECT DISTINCT c.handle
            FROM incidents i, candidates c
            WHERE md5(concat_ws(chr(31), i.occurred_on, i.councillor_key, coalesce(i.ward_code, lower(i.ward)),
                                i.channel, array_to_string(i.abuse_types, '; '), lower(c.handle)))
                  IN ({", ".join("?" * len(keys))})""",
        keys,
    )
    return [handle for (handle,) in recovered]


def _walk(page, dashboard: Dashboard, role: str) -> None:
    open_signed_in(page, dashboard, "", role)
    user = access.User(role, role, role)
    for name, heading in HEADINGS.items():
        if user.may_open(name):
            open_from_navigation(page, name)
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=WAIT)
            settled(page)


@pytest.mark.parametrize("role", [SAFETY_CHAMPION, COUNCILLOR, VIEWER])
def test_no_perpetrator_can_be_recovered_from_what_the_browser_receives(dashboard, page, received, role):
    _walk(page, dashboard, role)
    if role != VIEWER:  # the incident log sends this role's incidents: the unreferenced ones are the newest
        open_from_navigation(page, "incident_log")
        expect(page.get_by_role("heading", name=HEADINGS["incident_log"])).to_be_visible(timeout=WAIT)
        settled(page)
    seen = _everything_received(received).lower()
    page.close()
    handles = dashboard.rows(
        "SELECT DISTINCT perpetrator_key FROM incident_facts WHERE length(perpetrator_key) >= 6"
    )  # shorter ones ('bob') match ordinary words
    names = [handle for (handle,) in handles]
    assert len(names) > 100
    assert [name for name in names if name in seen] == []
    hashes = {
        hashlib.new(algorithm, name.encode()).hexdigest(): name
        for name in names
        for algorithm in ("md5", "sha1", "sha256")
    }
    assert [name for digest, name in hashes.items() if digest in seen] == []
    assert _dictionary_attack(dashboard, seen) == []
    assert "incident_key" not in seen and "perpetrator_key" not in seen
    assert re.findall(r"row:[0-9a-f]{16,}", seen) == [], "an incident's key reached the browser"
