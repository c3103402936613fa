from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards


def test_a_hand_built_council_imports_whole(con):
    codes = load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(con, [councillor("Ann Abbot", "Abbey", gender="Woman", risk_level="low")])
    result = load_incidents(
        con, [incident("2026-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="@troll")]
    )
    assert result.inserted == 1
    assert con.execute("SELECT ward_code, perpetrator_key FROM incident_facts").fetchone() == (codes["Abbey"], "troll")
