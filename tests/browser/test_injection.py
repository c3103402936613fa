"""Imported text is drawn as text, never obeyed, for every role on every page (issue 12, point 4).

A council is imported through the real import path with every text field holding a payload: markdown images and
links, HTML tags, bold, KaTeX, bare addresses, an e-mail address, a heading, and a ward name of 100,000 characters.
Each role then walks every page it may open (with an incident chosen, a survey question split, and every expander
opened), and the test fails on: a request to any host but the dashboard (the `outside` guard: an image fetched from
an address in the data), a link whose address leaves 127.0.0.1, an image not served by the dashboard, bold,
italic, a heading or a KaTeX formula made from the data, and any element holding more than a few hundred
characters of the long ward name outside a table (a table draws its cells on a canvas, a cell at a time; the
copy it keeps for screen readers is left alone, as every table is: issue 12 keeps tables as they are).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from analytics import store
from analytics.governance.access import ROLES, User
from analytics.ingest import registers
from analytics.ingest.importing import import_file
from analytics.surveys.surveys import import_survey
from tests.browser.conftest import WAIT, add_accounts, open_from_navigation, open_signed_in, serve, settled
from tests.browser.helpers import HEADINGS

OUTSIDE = "203.0.113.9"  # TEST-NET-3: never a real host
PAYLOADS = [
    f"![x](http://{OUTSIDE}/x.png)",
    f"[link](http://{OUTSIDE})",
    f'<a href="http://{OUTSIDE}">a</a>',
    f"<img src=http://{OUTSIDE}/y>",
    "**bold**",
    "$x^2$",
    f"http://{OUTSIDE}/bare",
    "www.example.org",
    "someone@example.org",
    "# heading",
]
LONG_WARD = "Longward" + "W" * 99_992  # 100,000 characters
MOST_OF_LONG = 500  # characters of the long ward name any one element may hold
AUTHORITY = ("E07000001", "Testshire")
LAST_MONTH = date(2026, 10, 1)  # the pinned clock's latest complete month (tests.conftest.TODAY)


def _csv(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).fillna("").to_csv(index=False).encode()


def _imported(con, dataset: str, rows: list[dict]) -> None:
    result = import_file(con, dataset, _csv(rows), f"{dataset}.csv")
    assert result.rejected == 0, f"the payload {dataset} were rejected: see the quarantine of {result.batch_id}"


def _incidents(wards: list[str], councillors: list[str]) -> list[dict]:
    """A year of one incident a month in every ward, then a burst last month in the long ward (an unusual rise);
    every perpetrator targets two councillors (listed as a repeat perpetrator), and every text field a payload."""
    rows = []
    for month in range(13):
        day = (LAST_MONTH - timedelta(days=31 * (12 - month))).replace(day=5)
        for index, (ward, name) in enumerate(zip(wards, councillors, strict=True)):
            payload = PAYLOADS[(index + month) % len(PAYLOADS)]
            rows.append(_incident(day, name, ward, payload, f"{index}-{month}", "high" if month == 12 else "low"))
    burst = [_incident(LAST_MONTH + timedelta(days=n), councillors[-1], LONG_WARD, PAYLOADS[n % 10], f"b{n}", "high")
             for n in range(12)]  # fmt: skip
    return rows + burst


def _incident(day: date, councillor: str, ward: str, payload: str, ref: str, threat: str) -> dict:
    return {
        "incident_ref": f"{payload} {ref}",
        "occurred_on": day.isoformat(),
        "councillor": councillor,
        "ward": ward,
        "channel": "email",
        "platform": payload,
        "abuse_types": "verbal abuse",
        "perpetrator_ref": payload,
        "threat_level": threat,
        "police_reference": payload,
        "status": "open",
        "description": f"{payload} " + "D" * 3000,
    }


def _survey() -> bytes:
    """A Google Forms export of 40 councillors whose questions and answers are payloads."""
    questions = [f"{PAYLOADS[1]} Do you feel safe?", f"{PAYLOADS[2]} Your gender", f"{PAYLOADS[0]} Anything else?"]
    rows = [["Timestamp", *questions]]
    for n in range(40):
        rows.append([f"3/{1 + n % 28}/2025 9:{n:02d}:00", PAYLOADS[4 + n % 4], PAYLOADS[n % 2 * 5], PAYLOADS[n % 10]])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def build_payload_council(database: Path) -> Path:
    """Wards, councillors, incidents and a survey wave whose every text field is a payload, with an account for
    every role (the councillor's linked to the first councillor)."""
    con = store.connect(database)
    wards = [*(f"{payload} ward" for payload in PAYLOADS), LONG_WARD]
    _imported(con, "wards", [{"WD24CD": f"E05{n:06d}", "WD24NM": ward, "LAD24CD": AUTHORITY[0],
                              "LAD24NM": AUTHORITY[1]} for n, ward in enumerate(wards, start=1)])  # fmt: skip
    registers.choose_authority(con, AUTHORITY[0])
    councillors = [f"{payload} Cllr {n}" for n, payload in enumerate([*PAYLOADS, PAYLOADS[0]])]
    _imported(con, "councillors", [{"name": name, "ward": ward, "party": PAYLOADS[n % 10], "role": PAYLOADS[n % 10],
                                    "risk_level": "low"}
                                   for n, (name, ward) in enumerate(zip(councillors, wards, strict=True))])  # fmt: skip
    _imported(con, "incidents", _incidents(wards, councillors))
    import_survey(con, _survey(), f"{PAYLOADS[3]}.csv", wave=PAYLOADS[1])
    councillor = con.execute("SELECT councillor_key FROM councillors ORDER BY name LIMIT 1").fetchone()[0]
    con.close()
    add_accounts(database, councillor)
    return database


@pytest.fixture(scope="module")
def payload_council(tmp_path_factory) -> Path:
    return build_payload_council(tmp_path_factory.mktemp("injection") / "payloads.duckdb")


FOUND_IN_PAGE = """(longest) => {
    const own = (e) => e.getAttribute('href') || e.getAttribute('xlink:href') || '';
    const links = [...document.querySelectorAll('a')].map(own)
        .filter((href) => href && !href.startsWith('/') && !href.startsWith('#') && !href.startsWith('blob:')
                          && new URL(href, location.href).hostname !== location.hostname);
    const images = [...document.querySelectorAll('img, image')].map((e) => e.getAttribute('src') || own(e))
        .filter((src) => src && !src.startsWith('data:') && new URL(src, location.href).hostname !== location.hostname);
    const formatted = [...document.querySelectorAll('strong, b, em, i, h1, h2, h3, h4, h5, h6')]
        .map((e) => e.textContent).filter((t) => /^(bold|heading)$|heading ward|heading Cllr/.test(t.trim()));
    const katex = [...document.querySelectorAll('.katex, math')].map((e) => e.textContent);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const long = [];
    while (walker.nextNode()) {
        const run = (walker.currentNode.nodeValue.match(/W+/g) || []).reduce((a, b) => Math.max(a, b.length), 0);
        if (walker.currentNode.parentElement.closest('[data-testid=stDataFrame]')) continue;  // a table's cells
        const holder = walker.currentNode.parentElement.closest('[data-testid]');
        if (run > longest) long.push(`${run} in ${holder ? holder.dataset.testid : 'body'}`);
    }
    return {links, images, formatted, katex, long};
}"""


def _opened(page: Page) -> None:
    """Every expander on the page opened, so what it holds is drawn too."""
    for summary in page.locator("[data-testid=stExpander] summary").all():
        if summary.is_visible():
            summary.click()
    settled(page)


def _act(page: Page, name: str) -> None:
    """What a person does on the page to see more of the data: choose an incident, split a survey question."""
    if name == "incident_log":
        table = page.get_by_test_id("stDataFrame").first
        expect(table).to_be_visible(timeout=WAIT)
        box = table.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection box
        expect(page.get_by_text("Other incidents in the").first).to_be_visible(timeout=WAIT)
    elif name == "review":
        page.get_by_label("Incident to review").click()
        page.get_by_role("option").first.click()
        expect(page.get_by_text("Earlier reviews")).to_be_visible(timeout=WAIT)
    elif name == "surveys":
        page.get_by_label("Split the answers by").click()
        page.get_by_role("option").first.click()
        expect(page.get_by_test_id("stPlotlyChart").nth(1)).to_be_visible(timeout=WAIT)
    settled(page)


def _found(page: Page) -> dict:
    return page.evaluate(FOUND_IN_PAGE, MOST_OF_LONG)


@pytest.mark.parametrize("role", ROLES)
def test_imported_text_is_drawn_as_text_on_every_page(payload_council, tmp_path, page, received, role):
    user = User(role, role, role)
    found = {}
    with serve(payload_council, tmp_path) as dashboard:
        open_signed_in(page, dashboard, "", role)
        for name, heading in HEADINGS.items():
            if not user.may_open(name):
                continue
            open_from_navigation(page, name)
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=WAIT)
            settled(page)
            _act(page, name)
            _opened(page)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            found[name] = {kind: shown for kind, shown in _found(page).items() if shown}
    assert {
        name: {kind: sorted(set(shown)) for kind, shown in kinds.items()} for name, kinds in found.items() if kinds
    } == {}
    figures = [element.plotly_chart.spec for element in received.elements() if element.HasField("plotly_chart")]
    assert figures, "no chart was drawn from the payloads"
    assert not [spec for spec in figures if "<a " in spec or "<img" in spec or "W" * MOST_OF_LONG in spec]
