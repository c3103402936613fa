"""New reports and requests, the officers' queue, as an officer works it and as a safety champion sees it."""

import re
from datetime import date, datetime

import pytest

from analytics import audit, store
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, User
from analytics.support.evidence import attach, download_name
from analytics.support.reports import Report, report_incident
from analytics.support.requests import INCIDENT_REPORT, SUPPORT_REQUEST, add_note, raise_request
from tests.analytics.support.helpers import council
from tests.pages.helpers import audit_rows, everything_shown, open_app, table_with, taken, text_of


def _raised(con, councillor_key, threat, when, kind=SUPPORT_REQUEST) -> str:
    request_id = raise_request(con, kind, councillor_key, raised_by="ann", threat=threat, summary=f"A {threat} one")
    con.execute("UPDATE requests SET raised_at = ? WHERE request_id = ?", [when, request_id])
    return request_id


def plain(app) -> str:
    return text_of(app).replace("**", "")


@pytest.fixture
def queued(database):
    """Three open: a low request from early November (overdue), a high report from Thursday 19 November (overdue:
    due Friday), a critical report raised this morning (Tuesday 24 November 2026)."""
    con = store.connect(database)
    council(con)
    references = {
        "low": _raised(con, "c1", "low", datetime(2026, 11, 2, 9)),
        "high": _raised(con, "c2", "high", datetime(2026, 11, 19, 9), INCIDENT_REPORT),
        "critical": _raised(con, "c1", "critical", datetime(2026, 11, 24, 9), INCIDENT_REPORT),
    }
    con.close()
    return references


def test_the_queue_is_most_serious_first_with_overdue_flagged(database, queued):
    app = open_app("pages/requests.py", SAFETY_OFFICER)
    assert app.title[0].value == "New reports and requests"
    assert (
        "3 reports and requests are open: 3 not yet acknowledged (2 overdue); 0 acknowledged, 0 in progress."
        in plain(app)
    )
    listed = table_with(app, "request_id")
    assert listed["request_id"].tolist() == [queued["critical"], queued["high"], queued["low"]]
    assert listed["overdue"].tolist() == ["", "overdue", "overdue"]
    assert listed["councillor"].tolist() == ["Ann Abbot", "Ben Brook", "Ann Abbot"]
    assert "incident_key" not in listed.columns


def test_an_officer_acknowledges_takes_and_notes_one_every_change_audited(database, queued):
    app = open_app("pages/requests.py", SAFETY_OFFICER)
    app.selectbox(key="queue_request").set_value(queued["critical"])
    app.run()
    app.button(key="queue_acknowledged").click()
    app.run()
    assert not app.exception, app.exception
    assert f"{queued['critical']}: acknowledged." in text_of(app)
    assert "2 not yet acknowledged" in plain(app)
    assert [button.label for button in app.button if button.key.startswith("queue_")] == [
        "Start work",
        "Close",
        "Take it",
    ]
    app.button(key="queue_take").click()
    app.run()
    app.text_area(key="queue_note_text_0").input("Rang Ann; police told.")
    app.button(key="FormSubmitter:queue_note_0-Add the note").click()
    app.run()
    assert not app.exception, app.exception
    assert "Rang Ann; police told." in text_of(app)
    assert [detail for _, subject, detail in audit_rows(database, audit.CHANGED_REQUEST)] == [
        "new to acknowledged",
        f"owner: test-{SAFETY_OFFICER}",
        "note added",
    ]


def test_a_champion_sees_counts_only(database, queued):
    app = open_app("pages/requests.py", SAFETY_CHAMPION)
    assert [(metric.label, metric.value) for metric in app.metric][::3] == [
        ("Not yet acknowledged", "3"),
        ("Overdue", "2"),
    ]
    shown = everything_shown(app)
    assert not app.dataframe and not app.selectbox
    assert all(reference.lower() not in shown for reference in queued.values())
    assert "ann abbot" not in shown


def test_a_councillor_cannot_open_the_queue(database, queued):
    app = open_app("pages/requests.py", COUNCILLOR, "c1")
    assert "You do not have access to this page" in text_of(app)
    assert all(reference.lower() not in everything_shown(app) for reference in queued.values())


def test_an_officer_downloads_the_evidence_as_plain_bytes(database, queued, downloads):
    con = store.connect(database)
    councillor = User("ann", "Ann", COUNCILLOR, "c1")
    evidence_id = attach(con, councillor, queued["critical"], b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "<b>shot</b>.png")
    con.close()
    app = open_app("pages/requests.py", SAFETY_OFFICER)
    app.selectbox(key="queue_request").set_value(queued["critical"])
    app.run()
    assert "Evidence: 1 file attached." in plain(app)
    name = download_name(queued["critical"], evidence_id, "png")
    assert taken(downloads, re.compile(re.escape(name))).startswith(b"\x89PNG")
    assert audit_rows(database, audit.EXPORTED)[-1][1] == name


def test_an_administrator_changes_the_targets_and_who_contacts_councillors(database, queued):
    app = open_app("pages/requests.py", ADMINISTRATOR)
    app.number_input(key="queue_target_high").set_value(2)
    app.text_input(key="queue_contact").input("the democratic services team")
    app.button(key="FormSubmitter:queue_settings-Save the settings").click()
    app.run()
    assert not app.exception, app.exception
    assert "Settings saved." in plain(app)
    assert "high, 2 working days" in app.caption[0].value
    changed = [subject for _, subject, _ in audit_rows(database, audit.SETTING_CHANGED)]
    assert changed == ["acknowledge high", "who contacts councillors about reports"]
    report = open_app("pages/report.py", COUNCILLOR, "c1")
    assert "the democratic services team will contact you" in text_of(report)
    assert not open_app("pages/requests.py", SAFETY_OFFICER).expander


def test_typed_notes_and_file_names_are_drawn_as_written(database, queued):
    payload = "**bold** [a link](http://e.vil) <img src=x onerror=alert(1)>"
    con = store.connect(database)
    officer = User("officer", "Officer", SAFETY_OFFICER)
    add_note(con, officer, queued["critical"], payload)
    attach(con, officer, queued["critical"], b"%PDF-1.7 x", f"{payload}.pdf")
    con.close()
    app = open_app("pages/requests.py", SAFETY_OFFICER)
    app.selectbox(key="queue_request").set_value(queued["critical"])
    app.run()
    raw = "\n".join(element.value for element in app.markdown) + "".join(
        b.proto.label for b in app.get("download_button")
    )
    unescaped = [r"(?<!\\)<img", r"(?<!\\)\[a link", r"(?<!\\)\*bold"]
    assert [pattern for pattern in unescaped if re.search(pattern, raw)] == []
    assert payload in text_of(app)


def test_an_officer_reads_what_was_reported_and_it_is_audited_as_viewed(database):
    con = store.connect(database)
    council(con)
    receipt = report_incident(
        con, User("ann", "Ann", COUNCILLOR, "c1"), "c1",
        Report("Shouted threats at the surgery door.", date(2026, 11, 23), "ward surgery", threat="of violence"),
        "sub-1",
    )  # fmt: skip
    con.close()
    app = open_app("pages/requests.py", SAFETY_OFFICER)
    app.selectbox(key="queue_request").set_value(receipt.reference)
    app.run()
    assert "Shouted threats" not in text_of(app) and not audit_rows(database, audit.VIEWED_INCIDENT)
    app.toggle(key="queue_show_incident").set_value(True)
    app.run()
    assert not app.exception, app.exception
    assert "Shouted threats at the surgery door." in text_of(app)
    assert [detail for _, _, detail in audit_rows(database, audit.VIEWED_INCIDENT)] == ["new reports and requests"]
