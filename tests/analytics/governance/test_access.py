"""The roles and what each may see (analytics.governance.access), and perpetrators as pseudonyms
(analytics.governance.privacy)."""

import pandas as pd

from analytics import store
from analytics.governance import access, privacy
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, VIEWER, User
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import count_incidents
from tests.builders import incident, load_incidents, load_wards


def test_only_the_administrator_administers_and_only_officers_see_identities_and_descriptions():
    def holders(capability):
        return {role for role in access.ROLES if User("x", "x", role).may(capability)}

    assert holders(access.ADMINISTER) == {ADMINISTRATOR}
    assert holders(access.IDENTITIES) == holders(access.DESCRIPTIONS) == {ADMINISTRATOR, SAFETY_OFFICER}
    assert holders(access.SMALL_NUMBERS) == {ADMINISTRATOR, SAFETY_OFFICER, SAFETY_CHAMPION}
    assert holders(access.AGGREGATES) == set(access.ROLES)
    assert holders(access.OWN_INCIDENTS) == {COUNCILLOR}


def test_an_unknown_role_may_do_nothing():
    assert not User("x", "x", "mayor").may_open("overview")


def test_a_councillor_sees_only_their_own_incidents_and_a_viewer_none(con):
    load_wards(con, {"Abbey": 1})
    load_incidents(
        con,
        [
            incident("2026-04-03", "Ann Lee", "Abbey", "email", "verbal abuse"),
            incident("2026-04-04", "Ann Lee", "Abbey", "email", "intimidation"),
            incident("2026-04-05", "Bo Diaz", "Abbey", "email", "verbal abuse"),
        ],
    )
    ann = con.execute("SELECT councillor_key FROM incidents WHERE councillor = 'Ann Lee' LIMIT 1").fetchone()[0]
    chosen = IncidentFilter(channels=("email",))
    councillor = access.incidents_visible_to(User("ann", "Ann", COUNCILLOR, ann), chosen)
    assert count_incidents(con, councillor) == 2 and councillor.channels == ("email",)
    assert access.incidents_visible_to(User("x", "x", COUNCILLOR), chosen) is None, "not linked to a councillor"
    assert access.incidents_visible_to(User("x", "x", VIEWER), chosen) is None
    assert access.incidents_visible_to(User("x", "x", SAFETY_CHAMPION), chosen) == chosen


def test_a_pseudonym_is_stable_different_per_person_and_per_database(tmp_path):
    first, second = store.connect(tmp_path / "a.duckdb"), store.connect(tmp_path / "b.duckdb")
    champion, officer = User("c", "c", SAFETY_CHAMPION), User("o", "o", SAFETY_OFFICER)
    shown = privacy.perpetrator_shown(first, champion, "janedoe")
    assert shown.startswith("Person ") and len(shown) == len("Person ABC123")
    assert privacy.perpetrator_shown(first, champion, "janedoe") == shown
    assert privacy.perpetrator_shown(first, champion, "johndoe") != shown
    assert privacy.perpetrator_shown(second, champion, "janedoe") != shown
    assert privacy.perpetrator_shown(first, officer, "janedoe") == "janedoe"
    column = privacy.perpetrators_shown(first, champion, pd.Series(["janedoe", None]))
    assert column.tolist()[0] == shown and pd.isna(column.tolist()[1])
