"""The sample council's individual risk assessments: loaded with it, dated before today, in force where newer than the
register's, removed with it."""

from analytics import clock
from analytics.incidents.risk import councillor_risks
from analytics.months import months_before
from analytics.sample import demo
from analytics.sample.sample_individual_risk import SAMPLE_ACCOUNT


def test_the_sample_brings_three_individual_assessments_and_takes_them_away(con):
    demo.load_sample(con)
    kept = con.execute(
        """SELECT c.name, a.assessed_on, a.level, len(a.offered), len(a.accepted), a.recorded_by
           FROM individual_risk_assessments a JOIN councillors c USING (councillor_key) ORDER BY a.assessed_on DESC"""
    ).fetchall()
    today = clock.today()
    assert [row[:3] for row in kept] == [
        ("Mark Tennant", months_before(today, 1), "high"),
        ("Lucy Haverill", months_before(today, 2), "high"),
        ("Mark Tennant", months_before(today, 8), "medium"),
    ]
    assert all(offered >= accepted > 0 and by == SAMPLE_ACCOUNT for *_, offered, accepted, by in kept)
    risks = {risk.name: risk for risk in councillor_risks(con, today)}
    assert not risks["Mark Tennant"].needs_escalation and not risks["Lucy Haverill"].needs_escalation
    assert risks["Jonathan Fairweather"].needs_escalation  # left for an officer to reassess
    demo.remove_sample(con)
    assert con.execute("SELECT count(*) FROM individual_risk_assessments").fetchone() == (0,)
