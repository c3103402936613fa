"""The incident log as each role may see it: which incidents, whether their descriptions, and who the perpetrators
are, on a small hand-built council where one person is written three ways against two councillors."""

import pytest

from analytics.exports import to_csv_bytes
from analytics.governance.access import (
    ADMINISTRATOR,
    COUNCILLOR,
    SAFETY_CHAMPION,
    SAFETY_OFFICER,
    VIEWER,
    User,
    reads_description,
)
from analytics.governance.privacy import perpetrator_shown
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import (
    export_rows,
    export_rows_for,
    incident_detail,
    incident_detail_for,
)
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

LOG = [
    incident("2025-03-01", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref="INC-1",
             perpetrator_ref="@JaneDoe", description="Shouted at the surgery"),
    incident("2025-06-10", "Ann Abbot", "Abbey", "Facebook", "threat of violence", incident_ref="INC-2",
             perpetrator_ref="https://x.com/JaneDoe", description="Threatening post"),
    incident("2025-09-20", "Bob Brook", "Brook", "in person", "intimidation", incident_ref="INC-3",
             perpetrator_ref="janedoe", description="Followed home"),
    incident("2026-01-15", "Bob Brook", "Brook", "letter", "verbal abuse", incident_ref="INC-4",
             description="Abusive letter"),
]  # fmt: skip
DESCRIPTIONS = {"Shouted at the surgery", "Threatening post", "Followed home", "Abusive letter"}
OFFICER = User("officer", "Officer", SAFETY_OFFICER)
CHAMPION = User("champion", "Champion", SAFETY_CHAMPION)


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey"), councillor("Bob Brook", "Brook")])
    load_incidents(con, LOG)


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def key_of(con, ref: str) -> str:
    return con.execute("SELECT incident_key FROM incidents WHERE incident_ref = ?", [ref]).fetchone()[0]


def councillor_user(con, name: str) -> User:
    key = con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()[0]
    return User(f"cllr-{key}", name, COUNCILLOR, key)


@pytest.mark.parametrize("role", [SAFETY_OFFICER, ADMINISTRATOR])
def test_an_officer_sees_each_incident_as_recorded(council, role):
    user = User("someone", "Someone", role)
    detail = incident_detail_for(council, user, key_of(council, "INC-3"))
    assert detail == incident_detail(council, key_of(council, "INC-3"))
    assert (detail["perpetrator_ref"], detail["description"]) == ("janedoe", "Followed home")
    assert detail["related"]["same_perpetrator"] == 2
    assert export_rows_for(council, user, IncidentFilter()).equals(export_rows(council, IncidentFilter()))


def test_a_champion_sees_no_description_and_one_pseudonym_for_every_spelling(council):
    pseudonym = perpetrator_shown(council, CHAMPION, "janedoe")
    assert pseudonym.startswith("Person ")
    for ref in ("INC-1", "INC-2", "INC-3"):
        detail = incident_detail_for(council, CHAMPION, key_of(council, ref))
        assert "description" not in detail
        assert detail["perpetrator_ref"] == detail["perpetrator_key"] == pseudonym
    assert incident_detail_for(council, CHAMPION, key_of(council, "INC-3"))["related"]["same_perpetrator"] == 2
    assert incident_detail_for(council, CHAMPION, key_of(council, "INC-4"))["perpetrator_ref"] is None


def test_a_champions_export_leaves_the_description_out_and_names_no_one(council):
    rows = export_rows_for(council, CHAMPION, IncidentFilter())
    expected = [column for column in export_rows(council, IncidentFilter()).columns if column != "Description"]
    assert rows.columns.tolist() == expected
    assert rows["Perpetrator"].tolist()[:3] == [perpetrator_shown(council, CHAMPION, "janedoe")] * 3
    assert rows["Perpetrator"].isna().tolist() == [False, False, False, True]
    written = to_csv_bytes(rows).decode("utf-8-sig").lower()
    assert "janedoe" not in written and not any(text.lower() in written for text in DESCRIPTIONS)


def test_a_councillor_sees_only_their_own_incidents_with_descriptions_and_pseudonyms(council):
    ann = councillor_user(council, "Ann Abbot")
    rows = export_rows_for(council, ann, IncidentFilter())
    assert rows["Reference"].tolist() == ["INC-1", "INC-2"]
    assert set(rows["Councillor"]) == {"Ann Abbot"}
    assert rows["Description"].tolist() == ["Shouted at the surgery", "Threatening post"]
    assert set(rows["Perpetrator"]) == {perpetrator_shown(council, ann, "janedoe")}
    assert export_rows_for(council, ann, IncidentFilter(channels=("email",)))["Reference"].tolist() == ["INC-1"]


def test_a_councillor_opens_only_their_own_incidents_and_counts_related_ones_among_them(council):
    bob = councillor_user(council, "Bob Brook")
    assert incident_detail_for(council, bob, key_of(council, "INC-1")) is None
    detail = incident_detail_for(council, bob, key_of(council, "INC-3"))
    assert detail["description"] == "Followed home"
    assert detail["perpetrator_ref"] == perpetrator_shown(council, bob, "janedoe")
    assert detail["related"] == {"same_perpetrator": 0, "same_councillor": 0}


@pytest.mark.parametrize(
    "user", [User("viewer", "Viewer", VIEWER), User("unlinked", "Unlinked councillor", COUNCILLOR)]
)
def test_someone_with_no_record_access_sees_no_incident(council, user):
    assert export_rows_for(council, user, IncidentFilter()) is None
    assert incident_detail_for(council, user, key_of(council, "INC-1")) is None


def test_who_may_read_a_description(council):
    ann = councillor_user(council, "Ann Abbot")
    assert reads_description(OFFICER, None) and reads_description(OFFICER, "anyone")
    assert reads_description(ann, ann.councillor_key)
    assert not reads_description(ann, "someone else") and not reads_description(ann, None)
    assert not reads_description(CHAMPION, ann.councillor_key)


def test_the_export_is_in_date_order_not_in_the_order_of_its_written_dates(council):
    rows = export_rows_for(council, OFFICER, IncidentFilter())
    assert rows["Date of incident"].dt.strftime("%d/%m/%Y").tolist() == [
        "01/03/2025",
        "10/06/2025",
        "20/09/2025",
        "15/01/2026",
    ]
