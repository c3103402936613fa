import hashlib
import hmac
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from analytics import keyed, store
from analytics.assessment.reviews import record_review
from analytics.governance import privacy
from analytics.governance.access import SAFETY_CHAMPION, User
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

HANDLES = ["@ValeLad86", "angrypundit32", "Colin Firth", "mill_eye12"]


def _unreferenced_council(con) -> None:
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(
        con,
        [
            incident(f"2026-0{month}-05", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref=handle)
            for month, handle in enumerate(HANDLES, start=1)
        ],
    )


def _keys(con) -> list[str]:
    return [key for (key,) in con.execute("SELECT incident_key FROM incidents ORDER BY occurred_on").fetchall()]


def _md5_attack(con) -> list[str]:
    """Each incident's visible fields with every candidate handle, as md5, against the keys: the handles found."""
    return [
        handle
        for (handle,) in con.execute(
            """SELECT c.handle FROM incidents i, (SELECT unnest(?) AS handle) c
                WHERE 'row:' || md5(concat_ws(chr(31), i.occurred_on, i.councillor_key,
                                              coalesce(i.ward_code, lower(i.ward)), i.channel,
                                              array_to_string(i.abuse_types, '; '), lower(c.handle))) || ':1'
                      IN (SELECT incident_key FROM incidents)""",
            [HANDLES],
        ).fetchall()
    ]


def test_the_hmac_in_sql_is_rfc_2104_hmac_sha256(con):
    message = "2026-01-05\x1fc001\x1fénorme ☃"
    expected = hmac.new(keyed.secret(con).encode(), message.encode(), hashlib.sha256).hexdigest()
    in_sql = con.execute(f"SELECT {keyed.hmac_sql('$message')}", keyed.hmac_parameters(con) | {"message": message})
    assert in_sql.fetchone()[0] == expected


def test_an_incident_without_a_reference_cannot_be_worked_back_to_its_perpetrator(con):
    _unreferenced_council(con)
    keys = _keys(con)
    assert all(key.startswith("row:") for key in keys)
    assert _md5_attack(con) == []
    for key in keys:
        assert all(hashlib.md5(handle.lower().encode()).hexdigest() not in key for handle in HANDLES)


def test_the_same_file_imported_again_finds_the_same_incidents(con):
    _unreferenced_council(con)
    first = _keys(con)
    _unreferenced_council(con)
    assert _keys(con) == first and len(first) == len(HANDLES)


def test_each_database_keys_the_same_incident_differently(tmp_path):
    found = []
    for name in ("one", "two"):
        con = store.connect(tmp_path / f"{name}.duckdb")
        _unreferenced_council(con)
        found.append(_keys(con))
        con.close()
    assert set(found[0]).isdisjoint(found[1])


def test_an_older_database_is_rekeyed_with_its_reviews_and_versions(db_path):
    con = store.connect(db_path)
    _unreferenced_council(con)
    keyed_now = _keys(con)
    record_review(con, keyed_now[0], reviewed_on=date(2026, 2, 1), attendees=["councillor"], what_happened="Threats",
                  what_worked=None, lessons=None, mitigations={}, actions=[])  # fmt: skip
    con.execute(
        """UPDATE incidents SET incident_key = 'row:' || md5(concat_ws(chr(31), occurred_on, councillor_key,
               coalesce(ward_code, lower(ward)), channel, array_to_string(abuse_types, '; '),
               lower(perpetrator_ref))) || ':1'"""
    )
    con.execute("UPDATE incident_reviews SET incident_key = (SELECT arg_min(incident_key, occurred_on) FROM incidents)")
    con.execute("DELETE FROM schema_version WHERE version > ?", [store.MIGRATIONS.index(keyed.rekey_incidents)])
    assert len(_md5_attack(con)) == len(HANDLES), "the older file's keys gave every perpetrator away"
    con.close()

    upgraded = store.connect(db_path)
    assert _keys(upgraded) == keyed_now
    assert _md5_attack(upgraded) == []
    assert upgraded.execute("SELECT incident_key FROM incident_reviews").fetchall() == [(keyed_now[0],)]


def test_simultaneous_first_uses_of_the_secret_find_one_secret(db_path):
    con = store.connect(db_path)
    champion = User("champion", "Champion", SAFETY_CHAMPION)

    together = threading.Barrier(10)

    def shown(_):
        cursor = con.cursor()
        together.wait()  # every page asks at the same moment
        return privacy.perpetrator_shown(cursor, champion, "fernwicktruth")

    with ThreadPoolExecutor(10) as pool:
        pseudonyms = set(pool.map(shown, range(10)))
    assert len(pseudonyms) == 1
    assert con.execute("SELECT count(*) FROM settings WHERE name = ?", [keyed.SECRET_SETTING]).fetchone()[0] == 1
