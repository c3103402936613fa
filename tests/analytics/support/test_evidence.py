"""Evidence with a report: PNG, JPEG or PDF by content, size-limited, kept once, and read only by those who may read
the incident's description."""

import pytest

from analytics.errors import Refusal
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, User
from analytics.support import evidence
from analytics.support.evidence import MAX_BYTES, attach, evidence_file, evidence_of, kind_of
from analytics.support.requests import INCIDENT_REPORT, raise_request

ANN = User("ann", "Ann", COUNCILLOR, "c1")
BEN = User("ben", "Ben", COUNCILLOR, "c2")
OFFICER = User("officer", "Officer", SAFETY_OFFICER)
CHAMPION = User("champion", "Champion", SAFETY_CHAMPION)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture
def report(con):
    return raise_request(con, INCIDENT_REPORT, "c1", raised_by="ann", threat="high", summary="Threat")


def test_a_file_is_known_by_its_content_not_its_name():
    assert kind_of(PNG) == "png" and kind_of(PDF) == "pdf" and kind_of(b"\xff\xd8\xff\xe0rest") == "jpeg"
    with pytest.raises(Refusal, match="PNG or JPEG"):
        kind_of(b"<html><script>alert(1)</script></html>")
    with pytest.raises(Refusal, match="MB"):
        kind_of(PNG + b"\x00" * MAX_BYTES)


def test_the_councillor_attaches_once_and_the_officer_downloads_it_under_a_name_of_ours(con, report):
    first = attach(con, ANN, report, PNG, "<b>screenshot</b>.html")
    assert attach(con, ANN, report, PNG, "again.png") is None  # the same file sent twice
    attach(con, OFFICER, report, PDF, "letter.pdf")
    listed = evidence_of(con, OFFICER, report)
    assert listed["kind"].tolist() == ["png", "pdf"]
    content, name = evidence_file(con, OFFICER, first)
    assert content == PNG and name == f"evidence-{report}-{first[:6]}.png"
    assert evidence.DOWNLOAD_TYPE == "application/octet-stream"
    assert evidence_file(con, ANN, first)[0] == PNG


def test_no_one_else_attaches_lists_or_opens_it(con, report):
    first = attach(con, ANN, report, PNG, "shot.png")
    for user in (BEN, CHAMPION):
        with pytest.raises(Refusal):
            attach(con, user, report, PDF, "x.pdf")
        assert evidence_of(con, user, report).empty
        with pytest.raises(Refusal):
            evidence_file(con, user, first)
