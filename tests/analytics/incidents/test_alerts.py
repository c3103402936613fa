"""The weekly digest and `python -m analytics alerts`, on the hand-built council of test_rises."""

import json

from analytics import clock
from analytics.cli import main
from analytics.incidents.alerts import Alert, current_alerts
from tests.analytics.incidents.helpers import AS_OF, load_council
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

FIELDS = {"kind", "concerns", "figures", "sentence"}


def test_the_digest_lists_each_unusual_rise_with_its_figures(con):
    load_council(con)
    alerts = [alert for alert in current_alerts(con, AS_OF) if alert.kind == "unusual rise"]
    assert [alert.concerns for alert in alerts] == [
        "characteristic: race",
        "ward: Castle Hill",
        "channel: social media",
        "abuse type: verbal abuse",
        "all incidents",
    ]
    castle_hill = alerts[1]
    assert castle_hill.figures == {
        "period": "month",
        "period_label": "October 2026",
        "count": 10,
        "baseline": 2.08,
        "baseline_periods": 12,
        "p_value": 6.49e-05,
    }
    assert castle_hill.sentence.startswith("Incidents in Castle Hill ward: 10 in October 2026")
    assert all(json.loads(json.dumps(alert.figures)) == alert.figures for alert in alerts)


def test_no_incidents_no_alerts(con):
    assert current_alerts(con, AS_OF) == []


def test_the_alerts_command_prints_one_json_object_a_line(capsys, con, db_path):
    load_council(con)
    code = main(["alerts", "--db", str(db_path), "--as-of", "2026-11-24"])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert all(set(line) == FIELDS for line in lines)
    assert {line["kind"] for line in lines} <= {"unusual rise", "repeat perpetrator", "escalation"}
    assert [Alert(**line) for line in lines] == current_alerts(con, AS_OF)


def test_the_alerts_command_defaults_to_the_clocks_today(capsys, con, db_path, monkeypatch):
    load_council(con)
    assert main(["alerts", "--db", str(db_path)]) == 0  # the tests' clock says 24 November 2026: October's rises
    october = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Alert(**line) for line in october] == current_alerts(con, AS_OF)
    assert "October 2026" in october[0]["sentence"]
    monkeypatch.setenv(clock.CLOCK_ENV, "2027-02-10")
    assert main(["alerts", "--db", str(db_path)]) == 0
    february = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rises = [line["figures"]["period_label"] for line in february if line["kind"] == "unusual rise"]
    assert rises and "October 2026" not in rises  # October's month has passed; its quarter is the latest


def test_a_bad_as_of_date_is_refused_in_one_line(capsys, db_path):
    for written in ("24/11/2026", "2026-02-30", "yesterday"):
        assert main(["alerts", "--db", str(db_path), "--as-of", written]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1
        assert err.startswith(f"error: --as-of '{written}' is not a date") and "YYYY-MM-DD" in err


def test_the_digest_names_repeat_perpetrators_and_councillors_to_escalate(con):
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey", risk_level="low", risk_assessed_on="2026-09-01")])
    ann = ("Ann Abbot", "Abbey", "email")
    load_incidents(con, [
        incident("2026-08-01", *ann, "verbal abuse", perpetrator_ref="@Riser", threat_level="low"),
        incident("2026-09-01", *ann, "verbal abuse", perpetrator_ref="riser", threat_level="low"),
        incident("2026-10-01", *ann, "death threat", perpetrator_ref="https://x.com/Riser"),
    ])  # fmt: skip
    alerts = {alert.kind: alert for alert in current_alerts(con, AS_OF)}
    repeat, escalation = alerts["repeat perpetrator"], alerts["escalation"]
    assert repeat.concerns == "riser"
    assert (repeat.figures["incidents"], repeat.figures["highest_threat"], repeat.figures["threat_rising"]) == (
        3, "critical", True)  # fmt: skip
    assert "consider referral to the police" in repeat.sentence
    assert escalation.concerns == "Ann Abbot"
    assert escalation.figures["suggested"] == "high" and escalation.figures["recorded"] == "low"
    assert escalation.sentence.startswith("Ann Abbot needs escalating (suggested high, recorded low)")
