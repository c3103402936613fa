"""The officers' queue: acknowledgement targets in working days, most serious first, overdue flags, states that only
move forward, owners and notes, every change audited, and each reporter seeing only what they raised."""

from datetime import date, datetime

import pytest

from analytics import audit
from analytics.acknowledgement import acknowledgement_targets
from analytics.errors import Refusal
from analytics.governance import accounts
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, User
from analytics.support.requests import (
    ACKNOWLEDGED,
    CLOSED,
    IN_PROGRESS,
    INCIDENT_REPORT,
    NEW,
    SUPPORT_REQUEST,
    add_note,
    assign,
    change_state,
    notes,
    queue,
    queue_counts,
    raise_request,
    raised_by_me,
    set_acknowledgement_target,
)

OFFICER = User("officer", "Officer", SAFETY_OFFICER)
CHAMPION = User("champion", "Champion", SAFETY_CHAMPION)
ANN = User("ann", "Ann", COUNCILLOR, "c-ann")
BEN = User("ben", "Ben", COUNCILLOR, "c-ben")


def test_targets_default_by_threat_and_can_be_changed_audited(con):
    assert acknowledgement_targets(con) == {"critical": 0, "high": 1, "medium": 3, "low": 5}
    set_acknowledgement_target(con, "admin", "medium", 2)
    assert acknowledgement_targets(con)["medium"] == 2
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = ?", [audit.SETTING_CHANGED]).fetchone()[0] == 1
    with pytest.raises(Refusal):
        set_acknowledgement_target(con, "admin", "medium", -1)


def _raise(con, councillor_key, threat, when, raised_by="ann", kind=SUPPORT_REQUEST):
    request_id = raise_request(con, kind, councillor_key, raised_by=raised_by, threat=threat, summary=f"{threat} one")
    con.execute("UPDATE requests SET raised_at = ? WHERE request_id = ?", [when, request_id])
    return request_id


def test_the_queue_is_most_serious_first_then_oldest_with_overdue_flagged(con):
    low = _raise(con, "c-ann", "low", datetime(2026, 11, 2, 9))
    high_old = _raise(con, "c-ann", "high", datetime(2026, 11, 19, 9))
    high_new = _raise(con, "c-ben", "high", datetime(2026, 11, 24, 9))
    critical = _raise(con, "c-ben", "critical", datetime(2026, 11, 24, 10), kind=INCIDENT_REPORT)
    frame, total = queue(con, datetime(2026, 11, 24, 12), most=10, skip=0)
    assert total == 4
    assert frame["request_id"].tolist() == [critical, high_old, high_new, low]
    assert frame["overdue"].tolist() == [False, True, False, True]  # high from Thursday was due Friday
    assert frame.loc[frame.request_id == high_old, "due_on"].item() == date(2026, 11, 20)
    page, _ = queue(con, datetime(2026, 11, 24, 12), most=2, skip=2)
    assert page["request_id"].tolist() == [high_new, low]


def test_acknowledged_ones_are_not_overdue_and_closed_ones_leave_the_queue(con):
    late = _raise(con, "c-ann", "high", datetime(2026, 11, 2, 9))
    done = _raise(con, "c-ann", "low", datetime(2026, 11, 2, 9))
    change_state(con, OFFICER, late, ACKNOWLEDGED)
    change_state(con, OFFICER, done, CLOSED)
    frame, total = queue(con, datetime(2026, 11, 24, 12), most=10, skip=0)
    assert (total, frame["request_id"].tolist(), frame["overdue"].tolist()) == (1, [late], [False])
    assert queue_counts(con, datetime(2026, 11, 24, 12)) == {NEW: 0, ACKNOWLEDGED: 1, IN_PROGRESS: 0, "overdue": 0}


def test_counts_by_state_and_overdue(con):
    _raise(con, "c-ann", "high", datetime(2026, 11, 2, 9))
    _raise(con, "c-ann", "low", datetime(2026, 11, 24, 9))
    counts = queue_counts(con, datetime(2026, 11, 24, 12))
    assert counts == {NEW: 2, ACKNOWLEDGED: 0, IN_PROGRESS: 0, "overdue": 1}


def test_states_only_move_forward_each_change_audited(con):
    request_id = _raise(con, "c-ann", "medium", datetime(2026, 11, 23, 9))
    change_state(con, OFFICER, request_id, IN_PROGRESS)  # starting it acknowledges it
    acknowledged_at, state = con.execute(
        "SELECT acknowledged_at, state FROM requests WHERE request_id = ?", [request_id]
    ).fetchone()
    assert state == IN_PROGRESS and acknowledged_at is not None
    change_state(con, OFFICER, request_id, IN_PROGRESS)  # a second press changes nothing
    with pytest.raises(Refusal, match="forward"):
        change_state(con, OFFICER, request_id, ACKNOWLEDGED)
    change_state(con, OFFICER, request_id, CLOSED)
    changes = con.execute(
        "SELECT actor, subject, detail FROM audit_log WHERE action = ? ORDER BY entry", [audit.CHANGED_REQUEST]
    ).fetchall()
    assert changes == [
        ("officer", request_id, "new to in progress"),
        ("officer", request_id, "in progress to closed"),
    ]


def test_only_the_queue_s_workers_change_it(con):
    request_id = _raise(con, "c-ann", "medium", datetime(2026, 11, 23, 9))
    for user in (CHAMPION, ANN):
        with pytest.raises(Refusal):
            change_state(con, user, request_id, ACKNOWLEDGED)
        with pytest.raises(Refusal):
            add_note(con, user, request_id, "A note")
    with pytest.raises(Refusal, match="no report or request"):
        change_state(con, OFFICER, "R-NOPE", ACKNOWLEDGED)


def test_an_owner_is_an_officer_and_notes_are_kept_audited(con):
    accounts.add_user(con, "officer", SAFETY_OFFICER, actor="test", display_name="Officer")
    accounts.add_user(con, "champion", SAFETY_CHAMPION, actor="test", display_name="Champion")
    request_id = _raise(con, "c-ann", "medium", datetime(2026, 11, 23, 9))
    assign(con, OFFICER, request_id, "officer")
    assert con.execute("SELECT owner FROM requests").fetchone()[0] == "officer"
    with pytest.raises(Refusal):
        assign(con, OFFICER, request_id, "champion")
    add_note(con, OFFICER, request_id, "  Rang the councillor.  ")
    with pytest.raises(Refusal):
        add_note(con, OFFICER, request_id, "   ")
    assert [note["note"] for note in notes(con, OFFICER, request_id)] == ["Rang the councillor."]
    logged = con.execute("SELECT detail FROM audit_log WHERE action = ?", [audit.CHANGED_REQUEST]).fetchall()
    details = [detail for (detail,) in logged]
    assert details == ["owner: officer", "note added"]


def test_a_councillor_sees_only_their_own_and_an_officer_what_they_raised(con):
    ann_own = _raise(con, "c-ann", "medium", datetime(2026, 11, 23, 9), raised_by="ann")
    for_ann = _raise(con, "c-ann", "high", datetime(2026, 11, 23, 10), raised_by="officer")
    ben_own = _raise(con, "c-ben", "low", datetime(2026, 11, 23, 11), raised_by="ben")
    assert set(raised_by_me(con, ANN)["request_id"]) == {ann_own, for_ann}
    assert set(raised_by_me(con, BEN)["request_id"]) == {ben_own}
    assert set(raised_by_me(con, OFFICER)["request_id"]) == {for_ann}
    assert raised_by_me(con, User("lost", "Lost", COUNCILLOR, None)).empty


def test_what_is_not_yet_acknowledged_comes_before_what_officers_are_working_on(con):
    worked_on = _raise(con, "c-ann", "critical", datetime(2026, 11, 2, 9))
    change_state(con, OFFICER, worked_on, ACKNOWLEDGED)
    waiting = _raise(con, "c-ben", "high", datetime(2026, 11, 24, 9), kind=INCIDENT_REPORT)
    frame, _ = queue(con, datetime(2026, 11, 24, 12), most=10, skip=0)
    assert frame["request_id"].tolist() == [waiting, worked_on]
