"""The queue's first step: raising a report or request."""

import pytest

from analytics import audit
from analytics.support.requests import INCIDENT_REPORT, NEW, SUPPORT_REQUEST, raise_request


def test_a_raised_request_is_new_and_audited_with_a_random_reference(con):
    first = raise_request(con, SUPPORT_REQUEST, "c1", raised_by="cllr", threat="medium", summary="Wants a call")
    second = raise_request(con, INCIDENT_REPORT, "c1", raised_by="cllr", threat="high", summary="Threat at surgery")
    assert first != second and first.startswith("R-")
    assert con.execute("SELECT state FROM requests WHERE request_id = ?", [first]).fetchall() == [(NEW,)]
    logged = con.execute("SELECT actor, subject FROM audit_log WHERE action = ?", [audit.RAISED_REQUEST]).fetchall()
    assert sorted(logged) == sorted([("cllr", first), ("cllr", second)])


def test_a_request_of_an_unknown_kind_or_threat_is_refused(con):
    with pytest.raises(ValueError):
        raise_request(con, "complaint", "c1", raised_by="cllr", threat="medium", summary="x")
    with pytest.raises(ValueError):
        raise_request(con, SUPPORT_REQUEST, "c1", raised_by="cllr", threat="urgent", summary="x")
