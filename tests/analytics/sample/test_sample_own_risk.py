"""The sample council's own risk assessments: loaded with it, dated before today, removed with it."""

from analytics import clock
from analytics.months import months_before
from analytics.sample import demo
from analytics.sample.sample_own_risk import SAMPLE_ACCOUNT


def test_the_sample_brings_three_own_assessments_and_one_request_and_takes_them_away(con):
    demo.load_sample(con)
    kept = con.execute(
        """SELECT c.name, a.completed_on, a.level, a.request_id IS NOT NULL FROM own_risk_assessments a
           JOIN councillors c USING (councillor_key) ORDER BY a.completed_on DESC"""
    ).fetchall()
    today = clock.today()
    assert [(name, on) for name, on, *_ in kept] == [
        ("Fatima Hussain-Carr", months_before(today, 1)),
        ("David Lorrimer", months_before(today, 2)),
        ("Mohammed Sadiq-Ellis", months_before(today, 5)),
    ]
    assert [(level, asked) for *_, level, asked in kept] == [("high", True), ("medium", False), ("low", False)]
    asked = "SELECT kind, threat, state, raised_at::DATE FROM requests WHERE raised_by = ?"
    assert con.execute(asked, [SAMPLE_ACCOUNT]).fetchall() == [("support request", "high", "in progress", kept[0][1])]
    demo.remove_sample(con)
    assert con.execute("SELECT count(*) FROM own_risk_assessments").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM requests").fetchone() == (0,)
