"""The incident log on a small hand-built council: counts, pages, orders, one incident in full, and the export."""

import io
from dataclasses import replace
from datetime import date

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import (
    SORTS,
    as_text,
    count_derived_threats,
    count_incidents,
    export_rows,
    incident_detail,
    incident_page,
    page_count,
)
from analytics.ingest.datasets import INCIDENTS
from analytics.ingest.importing import import_file
from analytics.ingest.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

# Threats: INC-1 high (recorded); INC-2 critical (threat of violence is high, and jdoe is behind three incidents);
# INC-3 medium (intimidation); INC-4 medium (recorded); the two unreferenced doorstep visits high.
INCIDENTS_LOG = [
    incident(
        "2025-03-01",
        "Ann Abbot",
        "Abbey",
        "email",
        "verbal abuse",
        incident_ref="INC-1",
        perpetrator_ref="jdoe",
        threat_level="high",
        reported_to_police="no",
        status="closed",
    ),
    incident(
        "2025-06-10",
        "Ann Abbot",
        "Abbey",
        "Facebook",
        "threat of violence",
        incident_ref="INC-2",
        perpetrator_ref="https://facebook.com/jdoe",
        reported_on="2025-06-12",
        council_action="warning letter; security provided",
    ),
    incident(
        "2025-09-20",
        "Bob Brook",
        "Brook",
        "in person",
        "intimidation",
        incident_ref="INC-3",
        protected_characteristics="race",
        reported_to_police="yes",
        police_reference="CR/123",
    ),
    incident(
        "2026-01-15",
        "Ann Abbot",
        "Abbey",
        "email",
        "verbal abuse; misinformation or defamation",
        incident_ref="INC-4",
        perpetrator_ref="jdoe",
        threat_level="medium",
        status="open",
    ),
    incident("2026-02-01", "Bob Brook", "Brook", "at home / doorstep", "verbal abuse", description="First visit"),
    incident("2026-02-01", "Bob Brook", "Brook", "at home / doorstep", "verbal abuse", description="Second visit"),
]
NO_REF = "-"


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 1})
    load_councillors(
        con,
        [
            councillor("Ann Abbot", "Abbey", gender="Woman"),
            councillor("Bob Brook", "Brook", party="Independent", gender="Man"),
        ],
    )
    load_incidents(con, INCIDENTS_LOG)


@pytest.fixture
def council(built_by):
    return built_by(build_council)


@pytest.fixture(scope="module")
def shared_council(tmp_path_factory):
    """The same council once for the module, for the property test's many examples."""
    connection = store.connect(tmp_path_factory.mktemp("log") / "log.duckdb")
    build_council(connection)
    yield connection
    connection.close()


def refs(frame) -> list[str]:
    return frame["ref"].fillna(NO_REF).tolist()


def key_of(con, ref: str) -> str:
    return con.execute("SELECT incident_key FROM incidents WHERE incident_ref = ?", [ref]).fetchone()[0]


@pytest.mark.parametrize(
    ("incident_filter", "expected"),
    [
        (IncidentFilter(), 6),
        (IncidentFilter(channels=("email",)), 2),
        (IncidentFilter(abuse_types=("verbal abuse",)), 4),
        (IncidentFilter(characteristics=("race",)), 1),
        (IncidentFilter(start=date(2026, 1, 1)), 3),
        (IncidentFilter(wards=("Abbey",)), 3),
        (IncidentFilter(councillor_groups=("party:independents",)), 3),
        (IncidentFilter(wards=("Abbey",), channels=("in person",)), 0),
    ],
)
def test_count_follows_the_filter(council, incident_filter, expected):
    assert count_incidents(council, incident_filter) == expected


def test_derived_threats_are_counted_under_the_filter(council):
    assert count_derived_threats(council, IncidentFilter()) == 4
    assert count_derived_threats(council, IncidentFilter(wards=("Abbey",))) == 1


@pytest.mark.parametrize(
    ("sort", "first_page", "second_page"),
    [
        ("newest first", ["INC-4", "INC-2"], ["INC-1"]),
        ("oldest first", ["INC-1", "INC-2"], ["INC-4"]),
        ("highest threat first", ["INC-2", "INC-1"], ["INC-4"]),
    ],
)
def test_pages_of_two_in_each_order(council, sort, first_page, second_page):
    abbey = IncidentFilter(wards=("Abbey",))
    assert refs(incident_page(council, abbey, page=1, page_size=2, sort=sort)) == first_page
    assert refs(incident_page(council, abbey, page=2, page_size=2, sort=sort)) == second_page
    assert incident_page(council, abbey, page=3, page_size=2, sort=sort).empty


def test_whole_log_in_each_order(council):
    def whole(sort):
        return refs(incident_page(council, IncidentFilter(), page=1, sort=sort))

    assert whole("newest first") == [NO_REF, NO_REF, "INC-4", "INC-3", "INC-2", "INC-1"]
    assert whole("oldest first") == ["INC-1", "INC-2", "INC-3", "INC-4", NO_REF, NO_REF]
    assert whole("highest threat first") == ["INC-2", NO_REF, NO_REF, "INC-1", "INC-4", "INC-3"]


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("page_size", [1, 2, 4, 5])
def test_pages_never_overfill_and_together_hold_each_incident_once(council, sort, page_size):
    everything = incident_page(council, IncidentFilter(), page=1, page_size=100, sort=sort)["incident_key"].tolist()
    pages = [
        incident_page(council, IncidentFilter(), page=number, page_size=page_size, sort=sort)
        for number in range(1, page_count(6, page_size) + 1)
    ]
    assert all(len(rows) <= page_size for rows in pages)
    assert len(pages[-1]) == 6 - page_size * (len(pages) - 1)
    assert [key for rows in pages for key in rows["incident_key"]] == everything


def test_page_count():
    assert [page_count(total, 50) for total in (0, 1, 50, 51, 412)] == [1, 1, 1, 2, 9]


def test_page_shows_the_log_as_read_in_sentence_case(council):
    row = incident_page(council, IncidentFilter(characteristics=("race",)), page=1).iloc[0]
    assert row["date"].date() == date(2025, 9, 20)
    assert (row["councillor"], row["ward"], row["channel"]) == ("Bob Brook", "Brook", "In person")
    assert (row["characteristics"], row["threat"], row["reported_to_police"]) == ("Race", "Medium (derived)", "Yes")
    many = incident_page(council, IncidentFilter(start=date(2026, 1, 15), end=date(2026, 1, 15)), page=1).iloc[0]
    assert (many["abuse_types"], many["threat"]) == ("Verbal abuse; Misinformation or defamation", "Medium")
    assert many["reported_to_police"] == "Not recorded"


@pytest.mark.parametrize(
    "arguments",
    [
        {"page": 0},
        {"page": "2"},
        {"page": 1.5},
        {"page": True},
        {"page": 1, "page_size": 0},
        {"page": 1, "sort": "occurred_on; DROP TABLE incidents"},
    ],
)
def test_page_refuses_anything_but_whole_numbers_and_a_named_order(council, arguments):
    with pytest.raises(ValueError):
        incident_page(council, IncidentFilter(), **arguments)


def test_detail_of_an_incident_with_a_derived_threat(council):
    detail = incident_detail(council, key_of(council, "INC-2"))
    assert detail["occurred_on"] == date(2025, 6, 10) and detail["reported_on"] == date(2025, 6, 12)
    assert (detail["channel"], detail["platform"]) == ("social media", "Facebook")
    assert detail["council_action"] == ["warning letter", "security provided"]
    assert detail["threat_level"] is None
    assert (detail["threat"], detail["threat_derived"]) == ("critical", True)
    assert detail["response"] == "Report to the police"
    assert detail["perpetrator_key"] == "jdoe"
    assert detail["related"] == {"same_perpetrator": 1, "same_councillor": 1}


def test_detail_of_an_incident_with_a_recorded_threat(council):
    detail = incident_detail(council, key_of(council, "INC-4"))
    assert (detail["threat"], detail["threat_derived"]) == ("medium", False)
    assert detail["response"] == "Council action, such as a warning letter"
    assert detail["related"] == {"same_perpetrator": 2, "same_councillor": 2}


def test_related_counts_look_back_twelve_months_and_include_the_same_day(council):
    detail = incident_detail(council, key_of(council, "INC-3"))
    assert detail["related"] == {"same_perpetrator": None, "same_councillor": 0}
    doorstep = council.execute("SELECT incident_key FROM incidents WHERE description = 'First visit'").fetchone()[0]
    assert incident_detail(council, doorstep)["related"] == {"same_perpetrator": None, "same_councillor": 2}


def test_detail_of_an_unknown_incident_is_none(council):
    assert incident_detail(council, "ref:NOPE") is None


def test_export_is_headed_in_the_councils_words_with_real_dates_and_sentence_case(council):
    rows = export_rows(council, IncidentFilter())
    assert list(rows.columns) == [field.label for field in INCIDENTS.fields] + ["Threat level (derived)"]
    assert len(rows) == 6
    by_ref = rows.set_index("Reference")
    assert by_ref.loc["INC-3", "Date of incident"] == pd.Timestamp(2025, 9, 20)
    assert by_ref.loc["INC-3", "Reported to police"] == "Yes" and by_ref.loc["INC-1", "Reported to police"] == "No"
    assert by_ref.loc["INC-4", "Type of abuse"] == "Verbal abuse; Misinformation or defamation"
    assert by_ref.loc["INC-2", "Action taken"] == "Warning letter; Security provided"
    assert by_ref.loc["INC-1", "Threat level"] == "High" and by_ref.isna().loc["INC-1", "Threat level (derived)"]
    assert by_ref.isna().loc["INC-2", "Threat level"] and by_ref.loc["INC-2", "Threat level (derived)"] == "Critical"


def test_an_exported_workbook_holds_real_dates(council):
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(export_rows(council, IncidentFilter())))).active
    headers = [cell.value for cell in sheet[1]]
    day = sheet.cell(row=2, column=headers.index("Date of incident") + 1)
    assert day.is_date and day.number_format == "dd/mm/yyyy"
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", f"A1:R{sheet.max_row}")


def test_export_follows_the_filter(council):
    assert export_rows(council, IncidentFilter(channels=("email",)))["Reference"].tolist() == ["INC-1", "INC-4"]


@pytest.mark.parametrize(("write", "name"), [(to_csv_bytes, "log.csv"), (to_excel_bytes, "log.xlsx")])
def test_an_export_imports_again_unchanged(council, write, name):
    before = council.execute("SELECT incident_key, content_hash FROM incidents ORDER BY 1").fetchall()
    result = import_file(council, "incidents", write(export_rows(council, IncidentFilter())), name)
    assert (result.inserted, result.updated, result.unchanged, result.rejected) == (0, 0, 6, 0)
    assert council.execute("SELECT incident_key, content_hash FROM incidents ORDER BY 1").fetchall() == before


@pytest.mark.parametrize("reference", ["INC-5", ""])
def test_an_exported_handle_imports_again_as_the_same_person(council, reference):
    handled = incident("2026-03-01", "Ann Abbot", "Abbey", "email", "other", perpetrator_ref="@jdoe")
    load_incidents(council, [handled | {"incident_ref": reference}])
    result = import_file(council, "incidents", to_csv_bytes(export_rows(council, IncidentFilter())), "log.csv")
    assert (result.inserted, result.updated) == (0, 0)


def test_a_description_that_looks_like_a_formula_is_exported_as_text(council):
    formula = '=HYPERLINK("http://example.com","click")'
    load_incidents(council, [incident("2026-03-01", "Ann Abbot", "Abbey", "email", "other", description=formula)])
    rows = export_rows(council, IncidentFilter(abuse_types=("other",)))
    assert to_csv_bytes(rows).decode("utf-8-sig").count("\"'=HYPERLINK") == 1
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(rows))).active
    description = [cell.value for cell in sheet[1]].index("Description") + 1
    cell = sheet.cell(row=2, column=description)
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == formula


dates = st.one_of(st.none(), st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 3, 1)))


def some(values) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), max_size=3, unique=True).map(tuple)


filters = st.builds(
    IncidentFilter,
    start=dates,
    end=dates,
    wards=some(["Abbey", "Brook"]),
    channels=some(CHANNELS),
    abuse_types=some(ABUSE_TYPES),
    characteristics=some(PROTECTED_CHARACTERISTICS),
    councillor_groups=some(["gender:women", "gender:men", "party:independents", "party:party members"]),
)


@st.composite
def narrower(draw, incident_filter: IncidentFilter) -> IncidentFilter:
    """The same filter with one more condition: a later start, an earlier end, or fewer of one list's values."""
    dimension = draw(st.sampled_from(["start", "end", "wards", "channels", "abuse_types", "characteristics"]))
    if dimension in ("start", "end"):
        day = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 3, 1)))
        current = getattr(incident_filter, dimension)
        if current is not None:
            day = max(day, current) if dimension == "start" else min(day, current)
        return replace(incident_filter, **{dimension: day})
    current = getattr(incident_filter, dimension)
    pool = (
        current
        or {
            "wards": ("Abbey", "Brook"),
            "channels": CHANNELS,
            "abuse_types": ABUSE_TYPES,
            "characteristics": PROTECTED_CHARACTERISTICS,
        }[dimension]
    )
    kept = draw(st.lists(st.sampled_from(list(pool)), min_size=1, max_size=len(pool), unique=True))
    return replace(incident_filter, **{dimension: tuple(kept)})


@settings(max_examples=150, deadline=None)
@given(data=st.data(), incident_filter=filters)
def test_another_condition_never_adds_incidents(shared_council, data, incident_filter):
    tighter = data.draw(narrower(incident_filter))
    assert count_incidents(shared_council, tighter) <= count_incidents(shared_council, incident_filter)
    assert len(export_rows(shared_council, tighter)) == count_incidents(shared_council, tighter)


def test_a_field_is_written_as_the_screen_and_the_meeting_pack_write_it():
    assert [as_text(True), as_text(False), as_text(None)] == ["Yes", "No", None]
    assert as_text(["verbal abuse", "intimidation"]) == "Verbal abuse; Intimidation"
    assert as_text([]) is None and as_text(date(2025, 4, 3)) == "3 April 2025"
