"""Survey tools' own exports, stored as survey waves: every question and every answer, as text.

Recognised from the file's header rows (or named by the caller): Microsoft Forms (.xlsx), Google Forms (.csv),
SurveyMonkey (.csv/.xlsx, two header rows), Qualtrics (.csv, three header rows, or the legacy two) and a plain
table with one header row. Columns that identify people (names, e-mail and IP addresses, locations) are never
stored (see analytics.surveys.identities: by heading, sub-heading or values), nor are e-mail addresses, phone numbers or
those names in the answers; the tools' own bookkeeping columns (times, status, progress) are not questions.

Each upload is one wave, found by its label ("2025"). Re-importing is keyed on respondent: a respondent's
answers are compared as a whole with what the wave holds, so an unchanged respondent adds nothing, a changed
one has their answers replaced, and a new one (a later export with more responses) is added.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import duckdb
import pandas as pd

from analytics import clock, keyed
from analytics.errors import ImportRefused
from analytics.ingest.reading import read_rows
from analytics.store import transaction
from analytics.surveys import identities
from analytics.text import cut
from analytics.text_input import storable, storable_or_none

TOOLS = {
    "microsoft_forms": "Microsoft Forms",
    "google_forms": "Google Forms",
    "surveymonkey": "SurveyMonkey",
    "qualtrics": "Qualtrics",
    "plain": "a plain table",
}

# The tools' bookkeeping columns: not questions (the respondent id among them becomes the respondent).
_METADATA = {
    "microsoft_forms": {"id", "starttime", "completiontime", "lastmodifiedtime"},
    "google_forms": {"timestamp", "score"},
    "surveymonkey": {"respondentid", "collectorid", "startdate", "enddate", "customdata", "customdata1"},
    "qualtrics": {
        "startdate",
        "enddate",
        "status",
        "progress",
        "durationinseconds",
        "finished",
        "recordeddate",
        "responseid",
        "responseset",
        "externalreference",
        "externaldatareference",
        "distributionchannel",
        "userlanguage",
        "locationaccuracy",
        "duration",
    },
    "plain": set(),
}
_RESPONDENT_ID = {
    "microsoft_forms": {"id"},
    "google_forms": set(),
    "surveymonkey": {"respondentid"},
    "qualtrics": {"responseid"},
    "plain": {"id", "respondentid", "responseid"},
}
_QUALTRICS_TEXT_IQ = re.compile(r" - (parent topics|topics|sentiment( polarity| score)?)$", re.IGNORECASE)
_QUALTRICS_CHECKS = "Q_"  # Q_RecaptchaScore, Q_RelevantIDDuplicate, ...: the tool's fraud checks, not answers
_IMPORT_ID = re.compile(r"""\{\s*(['"])ImportId\1\s*:\s*(['"])(?P<id>[^'"]*)\2""")  # older exports quote with '
_SURVEYMONKEY_SUBHEADS = {"Response", "Open-Ended Response"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?")
_TEXT_LENGTH = 100  # an answer this long is free text, not a choice
_MAX_CHOICES = 10  # more distinct answers than this (and than half the answers) make free text


@dataclass(frozen=True)
class _Column:
    position: int  # label in the grid
    keys: tuple[str, ...]  # normalised names, matched against _METADATA
    name: str  # the header as the user sees it, for warnings
    text: str  # question text
    group: int  # columns of one question spanning columns (SurveyMonkey) share a group
    headings: tuple[str, ...]  # every header cell over the column, as written: any may name a person
    option: str = ""  # SurveyMonkey: the option text under a spanning question
    field_id: str = ""  # Qualtrics: the question's own id
    hint: str = ""  # Qualtrics: the kind its ImportId gives away ("text" or "single")


@dataclass(frozen=True)
class _Question:
    question_id: str
    text: str
    kind: str
    options: list[str] | None
    answers: pd.Series  # answer text, indexed by grid row; a row repeats for each option chosen


@dataclass
class SurveyImportResult:
    batch_id: str  # the wave's id: one wave per label, shared by every import into it
    wave: str
    tool: str
    file_name: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    respondents: int
    questions: int
    warnings: list[str] = field(default_factory=list)

    @property
    def wave_id(self) -> str:
        return self.batch_id

    def summary(self) -> dict:
        """The CLI's one-line JSON report: ImportResult.summary() plus respondents and questions."""
        keys = ["batch_id", "rows_read", "inserted", "updated", "unchanged", "rejected", "warnings"]
        keys += ["respondents", "questions"]
        return {name: value for name, value in asdict(self).items() if name in keys}


def import_survey(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    wave: str,
    tool: str | None = None,
    sheet: str | None = None,
    survey_name: str | None = None,
) -> SurveyImportResult:
    """Read one survey export and store it as (or into) the wave `wave`, in one transaction."""
    label, file_name, survey_name = storable(wave.strip()), storable(file_name), storable_or_none(survey_name)
    if not label:
        raise ImportRefused("A survey import needs a wave label, such as the year of the survey, e.g. 2025.")
    if tool is not None and tool not in TOOLS:
        raise ImportRefused(f"'{tool}' is not a survey tool this import knows; use one of {', '.join(TOOLS)}.")
    rows = read_rows(data, file_name, sheet=sheet)
    grid = _without_blank_columns(rows.grid)
    tool = tool or detect_tool(grid)
    columns, header_rows = _LAYOUTS[tool](grid)
    body = grid.iloc[header_rows:]
    if body.empty:
        raise ImportRefused("This survey export has header rows but no responses; export it again with responses.")
    body = body.apply(lambda cells: cells.str.strip())
    kept, asked, body, removed = _without_identities(body, columns, tool)
    respondents, notes = _respondents(body, kept, tool)
    questions = _questions(body, asked, tool)
    answers = _answer_frame(questions, respondents)
    answered = answers["respondent"].nunique()
    warnings = rows.warnings + removed + notes + _unanswered_note(len(body) - answered)
    result = SurveyImportResult(
        batch_id="",
        wave=label,
        tool=tool,
        file_name=file_name,
        rows_read=len(body),
        inserted=0,
        updated=0,
        unchanged=0,
        rejected=len(body) - answered,
        respondents=answered,
        questions=len(questions),
        warnings=warnings,
    )
    sha256 = hashlib.sha256(data).hexdigest()
    return _commit(con, result, questions, answers, sha256, survey_name)


# --- recognising the tool and its header rows ----------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _clean(text: str) -> str:
    return " ".join(text.split())


def detect_tool(grid: pd.DataFrame) -> str:
    """The survey tool that wrote this grid, from the shape of its header rows."""
    first = [_key(cell) for cell in grid.iloc[0]]
    second = grid.iloc[1].tolist() if len(grid) > 1 else []
    third = grid.iloc[2].tolist() if len(grid) > 2 else []
    second_keys = {_key(cell) for cell in second}
    if _has_import_ids(third):
        return "qualtrics"
    if {"responseid", "finished"} <= set(first) | second_keys:
        return "qualtrics"
    if first and first[0] == "respondentid" and _SURVEYMONKEY_SUBHEADS & set(second):
        return "surveymonkey"
    if first[:3] == ["id", "starttime", "completiontime"]:
        return "microsoft_forms"
    if first and first[0] == "timestamp":
        return "google_forms"
    return "plain"


def _one_header(grid: pd.DataFrame) -> tuple[list[_Column], int]:
    columns = []
    for group, (position, cell) in enumerate(grid.iloc[0].items()):
        name = _clean(cell) or f"Column {position + 1}"
        columns.append(_Column(position, (_key(name),), name, name, group, (name,)))
    return columns, 1


def _surveymonkey(grid: pd.DataFrame) -> tuple[list[_Column], int]:
    """Row 1 the question (blank where it spans on), row 2 "Response" or each column's option text."""
    columns, question, group = [], "", -1
    for position, first, second in zip(grid.columns, _header_row(grid, 0), _header_row(grid, 1), strict=True):
        top, option = _clean(first), _clean(second)
        if top or group < 0:
            question, group = top or f"Column {position + 1}", group + 1
        option = "" if option in _SURVEYMONKEY_SUBHEADS else option
        name = f"{question} - {option}" if option else question
        headings = (question, option)
        columns.append(_Column(position, (_key(question),), name, question, group, headings, option=option))
    return columns, 2


def _qualtrics(grid: pd.DataFrame) -> tuple[list[_Column], int]:
    """Row 1 field ids, row 2 question text, row 3 (not in legacy exports) {"ImportId": ...}."""
    third = _header_row(grid, 2)
    header_rows = 3 if _has_import_ids(third) else 2
    columns = []
    for group, (position, first, second) in enumerate(
        zip(grid.columns, _header_row(grid, 0), _header_row(grid, 1), strict=True)
    ):
        field_id, text = _clean(first), _clean(second)
        hint = _import_id_hint(third[group]) if header_rows == 3 else ""
        keys = (_key(field_id), _key(text))
        name = field_id or text or f"Column {position + 1}"
        headings = (field_id, text)
        columns.append(_Column(position, keys, name, text or name, group, headings, field_id=field_id, hint=hint))
    return columns, header_rows


def _header_row(grid: pd.DataFrame, number: int) -> list[str]:
    """Header row `number` (from 0), blank where the file is shorter: it is then refused as having no responses."""
    return grid.iloc[number].tolist() if len(grid) > number else [""] * len(grid.columns)


def _has_import_ids(row: list[str]) -> bool:
    """Qualtrics' third header row: {"ImportId": "QID1"}, or {'ImportId': 'QID4-1-1'} as older exports write it."""
    return any(_IMPORT_ID.match(cell) for cell in row)


def _import_id_hint(cell: str) -> str:
    """ "text" for a text entry field (QID2_TEXT), "single" for a choice question (QID1), else ""."""
    found = _IMPORT_ID.match(cell)
    import_id = found["id"] if found else ""
    if re.fullmatch(r"QID\d+_TEXT", import_id):
        return "text"
    return "single" if re.fullmatch(r"QID\d+", import_id) else ""


_LAYOUTS: dict[str, Callable[[pd.DataFrame], tuple[list[_Column], int]]] = {
    "microsoft_forms": _one_header,
    "google_forms": _one_header,
    "surveymonkey": _surveymonkey,
    "qualtrics": _qualtrics,
    "plain": _one_header,
}


def _is_metadata(column: _Column, tool: str) -> bool:
    if tool == "qualtrics" and _QUALTRICS_TEXT_IQ.search(column.field_id):
        return True  # Qualtrics Text iQ's topics and sentiment: computed by the tool, not answered
    if tool == "qualtrics" and column.field_id.startswith(_QUALTRICS_CHECKS):
        return True
    return any(key in _METADATA[tool] | _RESPONDENT_ID[tool] for key in column.keys)


def _without_blank_columns(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid without columns blank from the header down, such as the empty ones some tools add at the end."""
    return grid[[label for label in grid.columns if (grid[label].str.strip() != "").any()]]


# --- identities ----------------------------------------------------------------------------------------


def _without_identities(
    body: pd.DataFrame, columns: list[_Column], tool: str
) -> tuple[list[_Column], list[_Column], pd.DataFrame, list[str]]:
    """(the columns kept, those of them that are questions, the body with e-mail addresses, phone numbers and the
    dropped columns' names taken out of the answers, the warnings saying what was dropped or taken out).

    Refused when nothing is left to ask about: a file of names, addresses and timestamps is no survey."""
    named = [c for c in columns if _asks_for_identity(c, body)]
    rest = [c for c in columns if c not in named]
    found = {c: identities.identifying_values(body[c.position]) for c in rest if not _is_metadata(c, tool)}
    by_values = {c: kind for c, kind in found.items() if kind}
    kept = [c for c in rest if c not in by_values]
    asked = [c for c in kept if not _is_metadata(c, tool)]
    if not asked:
        raise ImportRefused(_no_questions(columns))
    names = _person_names(body, named, asked)
    body, removed = _answers_without_identities(body, asked, names)
    return kept, asked, body, _dropped_note(named, by_values) + removed


def _asks_for_identity(column: _Column, body: pd.DataFrame) -> bool:
    """A heading or sub-heading over the column asks for a name or contact detail. A SurveyMonkey option column
    holding nothing but its own option when ticked ("Email" under "How were you contacted?") is a choice."""
    headings = [heading for heading in column.headings if heading]
    if column.option and body[column.position].map(_clean).isin(["", column.option]).all():
        headings.remove(column.option)
    return any(identities.names_a_person(heading) for heading in headings)


def _shown(column: _Column) -> str:
    """The column's heading for a warning: cut short, and never a heading that is itself an address or number."""
    if identities.kind_of_value(column.name):
        return f"column {column.position + 1}"
    return cut(column.name, 60)


def _no_questions(columns: list[_Column]) -> str:
    listed = ", ".join(f"'{_shown(column)}'" for column in columns[:4]) + (", ..." if len(columns) > 4 else "")
    return (
        f"This file has no survey questions, only columns that identify people or that the survey tool adds "
        f"({listed}); export the survey again with its questions' answers."
    )


def _dropped_note(named: list[_Column], by_values: dict[_Column, str]) -> list[str]:
    listed = [f"'{_shown(column)}'" for column in named]
    listed += [f"'{_shown(column)}' (its answers are {kind})" for column, kind in by_values.items()]
    return [f"Did not store these columns because they identify people: {', '.join(listed)}."] if listed else []


def _person_names(body: pd.DataFrame, named: list[_Column], asked: list[_Column]) -> identities.PersonNames:
    """The names in the columns dropped for their heading, less any that is a whole answer to a question."""
    values = pd.unique(body[[c.position for c in named]].to_numpy().ravel())
    return identities.PersonNames.of(values, answers=pd.unique(body[[c.position for c in asked]].to_numpy().ravel()))


def _answers_without_identities(
    body: pd.DataFrame, asked: list[_Column], names: identities.PersonNames
) -> tuple[pd.DataFrame, list[str]]:
    body = body.copy()
    contacts: dict[_Column, int] = {}
    named: dict[_Column, int] = {}
    for column in asked:
        body[column.position], contacts[column], named[column] = _column_cleaned(body[column.position], names)
    notes = []
    if any(contacts.values()):
        notes.append(f"Took the e-mail addresses and phone numbers out of {_answer_counts(contacts)}.")
    if any(named.values()):
        notes.append(f"Took the names given in the columns not stored out of {_answer_counts(named)}.")
    return body, notes


def _column_cleaned(cells: pd.Series, names: identities.PersonNames) -> tuple[pd.Series, int, int]:
    """(the answers cleaned, how many had e-mail addresses or phone numbers, how many had names)."""
    cleaned = {value: _cleaned(value, names) for value in cells.unique()}
    outcome = pd.DataFrame(cells.map(cleaned).tolist(), index=cells.index, columns=["answer", "contacts", "names"])
    return outcome["answer"], int(outcome["contacts"].sum()), int(outcome["names"].sum())


def _cleaned(value: str, names: identities.PersonNames) -> tuple[str, bool, bool]:
    """(the answer without e-mail addresses, phone numbers and names, whether it had any of the first two, of names)."""
    value, had_contacts = identities.contacts_removed(value)
    value, had_names = identities.names_removed(value, names)
    return value, had_contacts, had_names


def _answer_counts(counts: dict[_Column, int]) -> str:
    """ "1 answer to 'Anything else?' and 3 answers to 'Comments'"."""
    parts = [f"{n} answer{'s' if n > 1 else ''} to '{_shown(column)}'" for column, n in counts.items() if n]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _unanswered_note(count: int) -> list[str]:
    return [f"{count} responses answered no questions, so they were not stored."] if count else []


def _respondents(body: pd.DataFrame, columns: list[_Column], tool: str) -> tuple[pd.Series, list[str]]:
    """The tool's own response id where it has one, else the row number in the file."""
    row_numbers = pd.Series(body.index + 1, index=body.index).astype(str)
    ids = _RESPONDENT_ID[tool]
    id_column = next((c for c in columns if ids.intersection(c.keys)), None)
    if id_column is None:
        return row_numbers, []
    values = body[id_column.position]
    if identities.identifying_values(values):
        note = f"The response ids in '{_shown(id_column)}' identify people, so respondents are numbered by row."
        return row_numbers, [note]
    if (values == "").any() or values.duplicated().any():
        note = f"The response ids in '{id_column.name}' are blank or repeated, so respondents are numbered by row."
        return row_numbers, [note]
    return values, []


# --- questions and their answers -----------------------------------------------------------------------


def _questions(body: pd.DataFrame, columns: list[_Column], tool: str) -> list[_Question]:
    groups: dict[int, list[_Column]] = defaultdict(list)
    for column in columns:
        groups[column.group].append(column)
    questions: list[_Question] = []
    for number, members in enumerate(groups.values(), start=1):
        question_id = members[0].field_id or f"Q{number}"
        if len(members) == 1:
            questions.append(_column_question(question_id, members[0], body[members[0].position], tool))
        else:
            questions.extend(_spanning_questions(question_id, members, body))
    return questions


def _column_question(question_id: str, column: _Column, cells: pd.Series, tool: str) -> _Question:
    values = cells[cells != ""]
    kind = column.hint or _kind(values, tool)
    if kind == "multi":
        chosen = _split_multi(values, tool).explode()
        return _Question(question_id, column.text, kind, _distinct(chosen), chosen)
    options = _distinct(values) if kind == "single" else None
    return _Question(question_id, column.text, kind, options, values)


def _kind(values: pd.Series, tool: str) -> str:
    if tool == "microsoft_forms" and values.str.endswith(";").any():
        return "multi"  # Forms ends every choice of a multi-select answer with ";"
    if values.empty:
        return "text"
    if tool == "google_forms" and _google_multi(_split_multi(values, tool)):
        return "multi"
    if _looks_like_free_text(values):
        return "text"
    if pd.to_numeric(values, errors="coerce").notna().all():
        return "number"
    if values.str.fullmatch(_DATE).all():
        return "date"
    return "single"


def _google_multi(chosen: pd.Series) -> bool:
    """Some answer has several options, and the options are few and short, unlike pieces of free text."""
    return bool((chosen.str.len() > 1).any()) and not _looks_like_free_text(chosen.explode())


def _looks_like_free_text(values: pd.Series) -> bool:
    if values.str.contains("\n").any() or (values.str.len() > _TEXT_LENGTH).any():
        return True
    distinct = values.nunique()
    return distinct > _MAX_CHOICES and distinct > len(values) / 2


def _split_multi(values: pd.Series, tool: str) -> pd.Series:
    """Each answer as the list of options chosen."""
    if tool == "microsoft_forms":
        return values.str.split(";").map(lambda parts: [part.strip() for part in parts if part.strip()])
    segments = _google_checkbox_segments(values.unique())
    return values.map(segments)


def _google_checkbox_segments(answers) -> dict[str, list[str]]:
    """Google Forms checkbox answers split into options, learning from the data which ", " joins two options.

    Google joins the chosen options with ", " even when an option's own text has a comma. A piece after a
    ", " continues the previous option (as in "Yes, definitely" or "Other, please specify") when, across all
    the column's answers, it only ever follows that same piece and begins with a lower-case letter, or when
    the option so far has an unclosed bracket ("Social media (Facebook, X)"). Otherwise it starts a new
    option: Google's option texts begin with a capital, and an option ever chosen first or after a different
    option is one in its own right. The data alone cannot tell an option "A, B" from options A and B that
    were always ticked together, which is why the capital letter decides.
    """
    pieces = {answer: answer.split(", ") for answer in answers}
    before: dict[str, set[str | None]] = defaultdict(set)
    for parts in pieces.values():
        for position, piece in enumerate(parts):
            before[piece].add(parts[position - 1] if position else None)

    def continues(option: str, piece: str) -> bool:
        unclosed = option.count("(") > option.count(")")
        return unclosed or (before[piece] == {option.rsplit(", ", 1)[-1]} and piece[:1].islower())

    segments = {}
    for answer, parts in pieces.items():
        options = [parts[0]]
        for piece in parts[1:]:
            if continues(options[-1], piece):
                options[-1] += ", " + piece
            else:
                options.append(piece)
        segments[answer] = options
    return segments


def _spanning_questions(question_id: str, members: list[_Column], body: pd.DataFrame) -> list[_Question]:
    """A SurveyMonkey question spanning columns: a multi-select (each column holds its option text when
    ticked) becomes one question; a matrix or ranking (each column a row of it) one question per column."""
    ticks = [c for c in members if body[c.position].map(_clean).isin(["", c.option]).all()]
    questions = []
    if len(ticks) >= 2 and any((body[c.position] != "").any() for c in ticks):
        chosen = pd.concat([_ticked(body[c.position], c.option) for c in ticks]).sort_index(kind="stable")
        options = [c.option for c in ticks]
        questions.append(_Question(question_id, members[0].text, "multi", options, chosen))
        members = [c for c in members if c not in ticks]
    for number, column in enumerate(members, start=1):
        part = _Column(column.position, column.keys, column.name, column.name, column.group, column.headings)
        questions.append(_column_question(f"{question_id}_{number}", part, body[column.position], "surveymonkey"))
    return questions


def _ticked(cells: pd.Series, option: str) -> pd.Series:
    ticked = cells[cells != ""]
    return pd.Series(option, index=ticked.index, dtype=object)


def _distinct(values: pd.Series) -> list[str]:
    return [str(value) for value in pd.unique(values.dropna())]


def _answer_frame(questions: list[_Question], respondents: pd.Series) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "respondent": respondents.loc[question.answers.index].to_numpy(),
                "question_id": question.question_id,
                "answer": question.answers.to_numpy(dtype=object),
            }
        )
        for question in questions
    ]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["respondent", "question_id"])
    frame = frame.astype({"respondent": str, "question_id": str, "answer": str})
    return frame.drop_duplicates(ignore_index=True)


# --- storing -------------------------------------------------------------------------------------------


def _commit(
    con: duckdb.DuckDBPyConnection,
    result: SurveyImportResult,
    questions: list[_Question],
    answers: pd.DataFrame,
    sha256: str,
    survey_name: str | None,
) -> SurveyImportResult:
    """Store the wave, its questions and answers: all of it, or (on any failure) none of it."""
    token = uuid.uuid4().hex[:12]
    names = {"answers": f"survey_answers_{token}", "questions": f"survey_questions_{token}"}
    keyed_answers, plan = f"survey_keyed_{token}", f"survey_plan_{token}"
    con.register(names["answers"], answers)
    con.register(names["questions"], _question_frame(questions))
    try:
        _key_respondents(con, names["answers"], keyed_answers)
        with transaction(con):
            result.batch_id = _wave(con, result, sha256, survey_name)
            _replace_questions(con, result, names["questions"])
            counts = _merge_answers(con, result.batch_id, keyed_answers, plan)
            result.inserted, result.updated, result.unchanged = counts
            _update_wave(con, result.batch_id)
    finally:
        for name in names.values():
            con.unregister(name)
        con.execute(f"DROP TABLE IF EXISTS {keyed_answers}")
        con.execute(f"DROP TABLE IF EXISTS {plan}")
    return result


def _key_respondents(con, frame_name: str, keyed_answers: str) -> None:
    """The answers with each respondent keyed by the database's secret: a tool's response id is never stored, since
    whoever holds the tool's records could look the person up by it."""
    con.execute(
        f"CREATE TEMP TABLE {keyed_answers} AS "
        f"SELECT {keyed.respondent_sql()} AS respondent, question_id, answer FROM {frame_name}",
        keyed.hmac_parameters(con),
    )


def _question_frame(questions: list[_Question]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question_id": [q.question_id for q in questions],
            "position": range(1, len(questions) + 1),
            "text": [q.text for q in questions],
            "kind": [q.kind for q in questions],
            "options": pd.Series([q.options for q in questions], dtype=object),
        }
    )


def _wave(con, result: SurveyImportResult, sha256: str, survey_name: str | None) -> str:
    """The id of the wave with this label, created if new; refused if it came from another tool."""
    rows = con.execute("SELECT wave_id, tool FROM survey_waves WHERE label = ?", [result.wave]).fetchall()
    if not rows:
        wave_id = f"survey-{clock.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        con.execute(
            "INSERT INTO survey_waves VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)",
            [wave_id, result.wave, survey_name, result.tool, result.file_name, sha256, clock.now()],
        )
        return wave_id
    wave_id, tool = rows[0]
    if tool != result.tool:
        raise ImportRefused(
            f"Wave '{result.wave}' was imported from {TOOLS[tool]}, not {TOOLS[result.tool]}; "
            "import this file under a new wave label."
        )
    con.execute(
        "UPDATE survey_waves SET file_name = ?, file_sha256 = ?, imported_at = ?, "
        "survey_name = coalesce(?, survey_name) WHERE wave_id = ?",
        [result.file_name, sha256, clock.now(), survey_name, wave_id],
    )
    return wave_id


def _replace_questions(con, result: SurveyImportResult, frame_name: str) -> None:
    """The file's questions replace the wave's, provided it still has every question the wave holds."""
    differing = con.execute(
        f"SELECT h.question_id FROM survey_questions h LEFT JOIN {frame_name} f USING (question_id) "
        "WHERE h.wave_id = ? AND f.text IS DISTINCT FROM h.text ORDER BY h.position LIMIT 1",
        [result.batch_id],
    ).fetchall()
    if differing:
        raise ImportRefused(
            f"This file's questions differ from those already imported as wave '{result.wave}' "
            f"(question {differing[0][0]}); import it under a new wave label."
        )
    con.execute("DELETE FROM survey_questions WHERE wave_id = ?", [result.batch_id])
    con.execute(
        f"INSERT INTO survey_questions SELECT ?, question_id, position, text, kind, options FROM {frame_name}",
        [result.batch_id],
    )


_RESPONDENT_HASH = "md5(string_agg(question_id || chr(31) || answer, chr(30) ORDER BY question_id, answer))"


def _merge_answers(con, wave_id: str, frame_name: str, plan: str) -> tuple[int, int, int]:
    """(inserted, updated, unchanged) respondents: each respondent's answers compared as a whole."""
    con.execute(
        f"""
        CREATE TEMP TABLE {plan} AS
        WITH incoming AS (SELECT respondent, {_RESPONDENT_HASH} AS h FROM {frame_name} GROUP BY respondent),
             held AS (
                 SELECT respondent, {_RESPONDENT_HASH} AS h FROM survey_answers WHERE wave_id = ? GROUP BY respondent
             )
        SELECT respondent,
               CASE WHEN held.h IS NULL THEN 'insert' WHEN held.h = incoming.h THEN 'unchanged' ELSE 'update' END
                   AS action
        FROM incoming LEFT JOIN held USING (respondent)
        """,
        [wave_id],
    )
    con.execute(
        f"DELETE FROM survey_answers WHERE wave_id = ? "
        f"AND respondent IN (SELECT respondent FROM {plan} WHERE action = 'update')",
        [wave_id],
    )
    con.execute(
        f"INSERT INTO survey_answers SELECT ?, f.respondent, f.question_id, f.answer FROM {frame_name} f "
        f"JOIN {plan} p USING (respondent) WHERE p.action <> 'unchanged'",
        [wave_id],
    )
    counts = dict(con.execute(f"SELECT action, count(*) FROM {plan} GROUP BY action").fetchall())
    return counts.get("insert", 0), counts.get("update", 0), counts.get("unchanged", 0)


def _update_wave(con, wave_id: str) -> None:
    con.execute(
        """
        UPDATE survey_waves SET
            respondents = (SELECT count(DISTINCT respondent) FROM survey_answers WHERE wave_id = $1),
            questions = (SELECT count(*) FROM survey_questions WHERE wave_id = $1)
        WHERE wave_id = $1
        """,
        [wave_id],
    )
