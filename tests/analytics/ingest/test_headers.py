"""Council logs with headers in their own words import without a mapping; columns that fit nothing stay out."""

from datetime import date

import pandas as pd
import pytest

from analytics.errors import ImportRefused
from analytics.exports import to_excel_bytes
from analytics.ingest import importing
from analytics.ingest.datasets import DATASETS
from analytics.ingest.headers import CHOSEN, GUESS, LIKELY, SURE, match_columns, words_of
from analytics.ingest.importing import import_file, read_upload
from tests.builders import councillor, load_councillors, load_wards

WORDINGS = [
    ("incidents", "Means of contact", "channel"),
    ("incidents", "Abuse category", "abuse_types"),
    ("incidents", "Councillor affected", "councillor"),
    ("incidents", "Division", "ward"),
    ("incidents", "Severity (1-4)", "threat_level"),
    ("incidents", "Reported to Police (Y/N)", "reported_to_police"),
    ("incidents", "Date & time of incident", "occurred_on"),
    ("incidents", "Date of incident (dd/mm/yyyy)", "occurred_on"),
    ("incidents", "Incident date", "occurred_on"),
    ("incidents", "When did it happen?", "occurred_on"),
    ("incidents", "Date of abuse", "occurred_on"),
    ("incidents", "Electoral division", "ward"),
    ("incidents", "Ward name", "ward"),
    ("incidents", "Ward/Division", "ward"),
    ("incidents", "Cllr", "councillor"),
    ("incidents", "Councillor name", "councillor"),
    ("incidents", "Elected member", "councillor"),
    ("incidents", "Member targeted", "councillor"),
    ("incidents", "How was it received?", "channel"),
    ("incidents", "Method of contact", "channel"),
    ("incidents", "Contact method:", "channel"),
    ("incidents", "Type(s) of abuse", "abuse_types"),
    ("incidents", "Nature of abuse", "abuse_types"),
    ("incidents", "ABUSE TYPES", "abuse_types"),
    ("incidents", "Type of abuse (select all that apply)", "abuse_types"),
    ("incidents", "Hate crime?", "protected_characteristics"),
    ("incidents", "Protected characteristic(s)", "protected_characteristics"),
    ("incidents", "Equality strand", "protected_characteristics"),
    ("incidents", "Alleged perpetrator", "perpetrator_ref"),
    ("incidents", "Perpetrator category", "perpetrator_type"),
    ("incidents", "Type of offender", "perpetrator_type"),
    ("incidents", "Risk rating", "threat_level"),
    ("incidents", "Police informed?", "reported_to_police"),
    ("incidents", "Police involved (yes/no)", "reported_to_police"),
    ("incidents", "Crime reference number", "police_reference"),
    ("incidents", "Police ref", "police_reference"),
    ("incidents", "Incident no.", "incident_ref"),
    ("incidents", "Case ref", "incident_ref"),
    ("incidents", "Action taken by the council", "council_action"),
    ("incidents", "Case status", "status"),
    ("incidents", "What happened", "description"),
    ("incidents", "Date logged", "reported_on"),
    ("incidents", "Social media platform", "platform"),
    ("councillors", "Cllr ID", "councillor_id"),
    ("councillors", "Full name", "name"),
    ("councillors", "Party/Group", "party"),
    ("councillors", "Year first elected", "first_elected"),
    ("councillors", "Date of last risk assessment", "risk_assessed_on"),
    ("councillors", "Safety measures in place", "mitigations"),
    ("councillors", "Personal safety training (date)", "safety_training_on"),
    ("wards", "Local authority", "authority_name"),
    ("wards", "WD24CD", "ward_code"),
]


@pytest.mark.parametrize(("dataset", "header", "field"), WORDINGS, ids=[row[1] for row in WORDINGS])
def test_a_header_in_the_councils_words_names_its_field(dataset, header, field):
    assert match_columns(DATASETS[dataset], [header], {})[header].field == field


def test_hints_case_punctuation_and_plurals_are_folded_away():
    hinted = words_of("Reported to Police (Y/N)")
    assert (hinted.words, hinted.hint) == (words_of("REPORTED TO POLICE?").words, "yes_no")
    assert words_of("Date of incident (dd/mm/yyyy)").hint == "date"
    assert words_of("Types of abuse") == words_of("type & abuse")


def test_columns_that_fit_no_field_are_not_imported():
    headers = ["Notes for office use", "Officer initials", "Follow up needed (Y/N)", "Column 12"]
    assert match_columns(DATASETS["incidents"], headers, {}) == {}


# Whole logs as councils write them: the same three incidents in four wordings.
INCIDENTS = [
    ("INC-1", "03/04/2025", "Cllr Joan Whitby", "Abbey", "Facebook", "Verbal abuse", "2", "Y"),
    ("INC-2", "14/04/2025", "Councillor Whitby", "Brook", "Email", "Threat to kill", "4", "N"),
    ("INC-3", "01/05/2025", "Cllr. J. Whitby", "Abbey", "Face to face", "Intimidation", "1", "No"),
]
LOGS = {
    "as in the issue": [
        "Ref",
        "Date & time of incident",
        "Councillor affected",
        "Division",
        "Means of contact",
        "Abuse category",
        "Severity (1-4)",
        "Reported to Police (Y/N)",
    ],
    "question headers": [
        "Incident no.",
        "When did it happen? (dd/mm/yyyy)",
        "Elected member",
        "Electoral division",
        "How was it received?",
        "Nature of abuse",
        "Risk rating",
        "Police informed?",
    ],
    "short headers": ["Log number", "Date", "Cllr", "Ward/Division", "Method", "Type(s)", "Severity", "Police"],
    "headers the values settle": ["ID", "Occurred", "Member", "Location", "How", "Type", "Level", "Reported"],
}
EXTRA = {
    "Notes for office use": ["seen by JW", "", "call back"],
    "Officer initials": ["JW", "AB", "JW"],
    "Logged by": ["J Wood", "A Bell", "J Wood"],
    "Follow up required (Y/N)": ["Y", "N", "Y"],
}


def _log(headers: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(INCIDENTS, columns=headers, dtype=object)
    return frame.assign(**EXTRA)


@pytest.fixture
def register(con):
    load_wards(con, {"Abbey": 1, "Brook": 1})
    load_councillors(con, [councillor("Joan Whitby", "Abbey"), councillor("Ann Smith", "Brook")])
    return con


@pytest.mark.parametrize("write", ["csv", "xlsx"])
@pytest.mark.parametrize("wording", list(LOGS))
def test_a_log_in_the_councils_own_words_imports_without_a_mapping(register, wording, write):
    frame = _log(LOGS[wording])
    data = frame.to_csv(index=False).encode() if write == "csv" else to_excel_bytes(frame)
    result = import_file(register, "incidents", data, f"log.{write}")
    assert (result.rows_read, result.inserted, result.rejected) == (3, 3, 0)
    stored = register.execute(
        """SELECT incident_ref, occurred_on, councillor_key, ward, channel, abuse_types, threat_level,
                  reported_to_police, description FROM incidents ORDER BY incident_ref"""
    ).fetchall()
    [joan] = register.execute("SELECT councillor_key FROM councillors WHERE name = 'Joan Whitby'").fetchone()
    assert stored == [
        ("INC-1", date(2025, 4, 3), joan, "Abbey", "social media", ["verbal abuse"], "medium", True, None),
        ("INC-2", date(2025, 4, 14), joan, "Brook", "email", ["death threat"], "critical", False, None),
        ("INC-3", date(2025, 5, 1), joan, "Abbey", "in person", ["intimidation"], "low", False, None),
    ]
    office = "'Notes for office use', 'Officer initials', 'Logged by', 'Follow up required (Y/N)'"
    assert any(office in warning for warning in result.warnings)


def test_a_column_known_only_by_its_values_is_a_guess_and_a_clear_header_is_sure(register):
    upload = read_upload(register, "incidents", _log(LOGS["headers the values settle"]).to_csv(index=False).encode(),
                         "log.csv")  # fmt: skip
    assert (upload.mapping["Location"], upload.confidence["Location"]) == ("ward", GUESS)
    assert upload.mapping["How"] == "channel" and upload.mapping["Reported"] == "reported_to_police"
    clear = read_upload(register, "incidents", _log(LOGS["as in the issue"]).to_csv(index=False).encode(), "l.csv")
    assert clear.confidence["Means of contact"] == SURE


def test_a_name_that_could_be_two_councillors_is_not_linked_to_either(register):
    load_councillors(register, [councillor("Bob Smith", "Abbey")])
    log = "Date,Councillor,Ward,Channel,Type of abuse\n03/04/2025,Councillor Smith,Abbey,Email,Verbal abuse\n"
    import_file(register, "incidents", log.encode(), "log.csv")
    registered = {key for (key,) in register.execute("SELECT councillor_key FROM councillors").fetchall()}
    assert register.execute("SELECT councillor_key FROM incidents").fetchone()[0] not in registered


def test_a_missing_field_is_named_in_the_councils_words_with_the_closest_columns(con):
    log = "Date,Councillor,Ward,Channel,Abuse notes,Officer initials\n03/04/2025,Ann Lee,Abbey,Email,Shouted,JW\n"
    with pytest.raises(ImportRefused) as refused:
        import_file(con, "incidents", log.encode(), "log.csv")
    assert str(refused.value) == (
        "This file has no column for Type of abuse (the closest is 'Abuse notes'); "
        "map the columns on the Import page or pass --mapping, then import again."
    )
    log = "When logged?,Councillor,Ward,Channel,Type of abuse\nsoon,Ann Lee,Abbey,Email,Stalking\n"
    with pytest.raises(ImportRefused, match=r"no column for Date of incident \(the closest is 'When logged\?'\)"):
        import_file(con, "incidents", log.encode(), "log.csv")


def test_a_saved_choice_comes_before_a_sure_match_and_a_mapping_may_name_fields_in_the_councils_words(con):
    header = "Date,Councillor,Ward,Channel,Abuse,Type"
    first = csv_text(header, "03/04/2025,Ann Lee,Abbey,Email,Verbal abuse,Member of the public")
    mapping = {"Abuse": "Type of abuse", "Type": "Type of perpetrator"}
    assert import_file(con, "incidents", first, "a.csv", mapping=mapping).inserted == 1
    again = read_upload(con, "incidents", csv_text(header, "05/04/2025,Ann Lee,Abbey,Email,Stalking,Unknown"), "b.csv")
    assert (again.mapping["Type"], again.confidence["Type"]) == ("perpetrator_type", CHOSEN)
    assert match_columns(DATASETS["incidents"], ["Type"], {})["Type"].field == "abuse_types"  # from the header alone


def test_a_file_whose_every_column_was_saved_before_is_refused_on_the_saved_choices(con):
    """Found by the fuzz test: with no column left to score, weighing the values ended in a ValueError."""
    importing.save_mapping(con, "incidents", {"Date": "occurred_on", "Notes for office use": ""})
    with pytest.raises(ImportRefused, match="no column for Councillor, Ward, Channel or Type of abuse"):
        import_file(con, "incidents", csv_text("Date,Notes for office use", "03/04/2025,Call back"), "a.csv")


def csv_text(header: str, *rows: str) -> bytes:
    return "\n".join([header, *rows, ""]).encode()


def test_a_header_that_holds_the_placeholder_of_a_reason_is_quoted_as_written(con):
    log = "Ward {value},Date,Councillor,Channel,Type of abuse\nAbbey,03/04/2025,Ann Lee,Email,Stalking\n"
    log += "Narnia,04/04/2025,Ann Lee,Email,Stalking\n"
    load_wards(con, {"Abbey": 1})
    result = import_file(con, "incidents", log.encode(), "log.csv")
    assert result.rejected == 1
    [reasons] = con.execute("SELECT reasons FROM quarantine").fetchone()
    assert reasons == ["'Ward {value}' has 'Narnia', which is not a ward in the ward register"]


def test_a_header_two_fields_could_claim_is_made_surer_by_the_register_its_values_are_in(con):
    log = "Date,Who was targeted?,Ward,Channel,Type of abuse\n03/04/2025,Cllr Joan Whitby,Abbey,Email,Stalking\n"
    before = read_upload(con, "incidents", log.encode(), "log.csv")
    load_councillors(con, [councillor("Joan Whitby", "Abbey")])
    after = read_upload(con, "incidents", log.encode(), "log.csv")
    assert (before.confidence["Who was targeted?"], after.confidence["Who was targeted?"]) == (GUESS, LIKELY)
    assert after.mapping["Who was targeted?"] == "councillor"


def test_a_mapping_that_names_a_field_there_is_not_is_refused_naming_the_fields_there_are(con):
    with pytest.raises(ImportRefused) as refused:
        import_file(
            con, "incidents", csv_text("When,Who", "03/04/2025,Ann"), "a.csv", mapping={"When": "Date happened"}
        )
    assert str(refused.value).startswith(
        "The column mapping names fields the incident log does not have: Date happened; "
        "its fields are Reference, Date of incident, Date reported, Councillor, Ward,"
    )
