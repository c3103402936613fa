"""The toolkit's self-assessment: each section's statements scored 0, 1 or 2, saved, compared and exported.

The sections themselves are data: one JSON file a section in `analytics/assessment/frameworks/` (see its README).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from analytics import clock, store
from analytics.errors import Refusal
from analytics.exports import to_csv_bytes, write_cell
from analytics.ingest import dates

T = TypeVar("T")
FRAMEWORK_FOLDER = Path(__file__).resolve().parent / "frameworks"
OWN_RISK_FILE = "own-risk-assessment.json"  # the councillors' own questionnaire beside the sections, not a section
INDIVIDUAL_RISK_FILE = "individual-risk-offers.json"  # what each level of an officer's assessment calls for: not one
SCORES = (0, 1, 2)
_SECTION_FIELDS = {"section_id", "theme", "heading", "aim", "aim_statement", "scale", "statements"}
_REQUIRED_SECTION_FIELDS = {"section_id", "theme", "aim", "aim_statement", "scale", "statements"}
_SCALE_FIELDS = {"score", "label", "short_label", "description"}
_STATEMENT_FIELDS = {"id", "text"}


@dataclass(frozen=True)
class ScalePoint:
    score: int
    label: str  # "Partial Implementation"
    short_label: str  # "Partial", the toolkit's column heading
    description: str


@dataclass(frozen=True)
class Statement:
    id: str
    text: str


@dataclass(frozen=True)
class Section:
    section_id: str
    theme: str
    aim: str
    aim_statement: str
    scale: tuple[ScalePoint, ...]
    statements: tuple[Statement, ...]
    heading: str = ""

    @property
    def max_score(self) -> int:
        return max(point.score for point in self.scale) * len(self.statements)

    def point(self, score: int) -> ScalePoint:
        return next(point for point in self.scale if point.score == score)


@dataclass(frozen=True)
class Action:
    """An improvement action for a section, or for one statement of it (statement_id None: the whole section)."""

    section_id: str
    action: str
    owner: str | None = None
    due_on: date | None = None
    statement_id: str | None = None
    done_on: date | None = field(default=None)


# --- the framework ---------------------------------------------------------------------------------------------


def _check_fields(name: str, what: str, found: dict, allowed: set[str], required: set[str]) -> None:
    unknown = sorted(set(found) - allowed)
    if unknown:
        raise Refusal(
            f"The framework file {name} has {what} fields this dashboard does not know: {', '.join(unknown)}. "
            "Remove them or check their spelling."
        )
    missing = sorted(required - set(found))
    if missing:
        raise Refusal(f"The framework file {name} is missing {what} fields: {', '.join(missing)}.")


def _section_from(name: str, raw: object) -> Section:
    if not isinstance(raw, dict):
        raise Refusal(f"The framework file {name} should hold one section as a JSON object.")
    _check_fields(name, "section", raw, _SECTION_FIELDS, _REQUIRED_SECTION_FIELDS)
    scale = raw["scale"]
    if not isinstance(scale, list) or not all(isinstance(point, dict) for point in scale):
        raise Refusal(f"The framework file {name} should list its scale as objects with score, label and more.")
    for point in scale:
        _check_fields(name, "scale", point, _SCALE_FIELDS, _SCALE_FIELDS)
    if sorted(point["score"] for point in scale) != list(SCORES) or not all(
        isinstance(point[key], str) and point[key].strip()
        for point in scale
        for key in ("label", "short_label", "description")
    ):
        raise Refusal(
            f"The framework file {name} has a scale this dashboard cannot use: it must have the scores 0, 1 and 2 "
            "once each, each with a label, a short label and a description."
        )
    statements = raw["statements"]
    if not isinstance(statements, list) or not statements:
        raise Refusal(f"The framework file {name} has no statements to score.")
    for statement in statements:
        if not isinstance(statement, dict):
            raise Refusal(f"The framework file {name} should list its statements as objects with id and text.")
        _check_fields(name, "statement", statement, _STATEMENT_FIELDS, _STATEMENT_FIELDS)
    ids = [str(statement["id"]) for statement in statements]
    if len(set(ids)) != len(ids):
        raise Refusal(f"The framework file {name} uses a statement id more than once: each must be different.")
    return Section(
        section_id=str(raw["section_id"]),
        theme=raw["theme"],
        aim=raw["aim"],
        aim_statement=raw["aim_statement"],
        heading=raw.get("heading", ""),
        scale=tuple(ScalePoint(**point) for point in sorted(scale, key=lambda point: point["score"])),
        statements=tuple(Statement(id=str(statement["id"]), text=statement["text"]) for statement in statements),
    )


def read_council_file(path: str | Path, build: Callable[[object], T], refuse: Callable[[str], Refusal]) -> T:
    """A JSON file in the frameworks folder that a council may edit (the own risk questionnaire, the individual risk
    offers), built by `build`; a broken one is refused by `refuse(problem)` in one sentence."""
    try:
        return build(json.loads(Path(path).read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise refuse(f"is not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise refuse("is not laid out as the README describes") from exc


def load_framework(folder: str | Path = FRAMEWORK_FOLDER) -> list[Section]:
    """Every section file (*.json but the own risk questionnaire and the individual risk offers) in the folder, in
    order of section id; raises ValueError on a bad file."""
    sections = []
    for path in sorted(p for p in Path(folder).glob("*.json") if p.name not in (OWN_RISK_FILE, INDIVIDUAL_RISK_FILE)):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise Refusal(f"The framework file {path.name} is not valid JSON: {exc.msg} at line {exc.lineno}.") from exc
        sections.append(_section_from(path.name, raw))
    if not sections:
        raise Refusal(f"No framework files were found in {folder}: add a section file (see the README there).")
    ids = [section.section_id for section in sections]
    if len(set(ids)) != len(ids):
        raise Refusal("Two framework files have the same section id: each section must have its own.")
    return sorted(sections, key=lambda section: [int(p) if p.isdigit() else p for p in section.section_id.split(".")])


def max_score(sections: list[Section]) -> int:
    return sum(section.max_score for section in sections)


# --- saving ----------------------------------------------------------------------------------------------------


def _already_saved(
    con: duckdb.DuckDBPyConnection,
    assessed_on: date,
    assessed_by: str | None,
    scores: dict[tuple[str, str], int],
    evidence: dict[tuple[str, str], str],
) -> bool:
    """An assessment of the same day, by the same people, with the same scores and evidence is held already: the
    same submission sent twice (a second press of the button), which is not stored again."""
    held = con.execute(
        """SELECT a.assessment_id, s.section_id, s.statement_id, s.score, s.evidence
           FROM assessments a JOIN assessment_scores s USING (assessment_id)
           WHERE a.assessed_on = ? AND a.assessed_by IS NOT DISTINCT FROM ?""",
        [assessed_on, assessed_by],
    ).fetchall()
    submitted = {(s, t): (int(score), evidence.get((s, t)) or None) for (s, t), score in scores.items()}
    each = {}
    for assessment_id, section_id, statement_id, score, said in held:
        each.setdefault(assessment_id, {})[(section_id, statement_id)] = (score, said)
    return submitted in each.values()


def save_assessment(
    con: duckdb.DuckDBPyConnection,
    assessed_on: date,
    scores: dict[tuple[str, str], int],
    evidence: dict[tuple[str, str], str] | None = None,
    section_evidence: dict[str, str] | None = None,
    actions: list[Action] | None = None,
    assessed_by: str | None = None,
    sections: list[Section] | None = None,
) -> str:
    """Save one assessment in one transaction; every statement of every loaded section must be scored."""
    sections = sections if sections is not None else load_framework()
    evidence, section_evidence, actions = evidence or {}, section_evidence or {}, actions or []
    known = {(section.section_id, statement.id) for section in sections for statement in section.statements}
    missing = [f"{statement}" for section, statement in sorted(known - set(scores))]
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        raise Refusal(f"Score every statement before saving: {', '.join(missing)} {verb} no score yet.")
    unknown = sorted((set(scores) | set(evidence)) - known)
    if unknown:
        raise Refusal(f"These statements are not in the framework: {', '.join(s for _, s in unknown)}.")
    bad = sorted(key for key, score in scores.items() if score not in SCORES)
    if bad:
        raise Refusal(f"A score must be 0, 1 or 2: statement {bad[0][1]} has {scores[bad[0]]!r}.")
    section_ids = {section.section_id for section in sections}
    for action in actions:
        if action.section_id not in section_ids or (
            action.statement_id is not None and (action.section_id, action.statement_id) not in known
        ):
            raise Refusal(f"The action “{action.action}” is for a section or statement not in the framework.")
        if not action.action.strip():
            raise Refusal("Every improvement action needs a description of what will be done.")

    assessment_id = uuid.uuid4().hex
    with store.transaction(con):
        if _already_saved(con, assessed_on, assessed_by, scores, evidence) and not actions:
            raise Refusal("This assessment is already saved: it is in the history below.")
        con.execute(
            "INSERT INTO assessments VALUES (?, ?, ?, ?)", [assessment_id, assessed_on, assessed_by, clock.now()]
        )
        for section in sections:
            con.execute(
                "INSERT INTO assessment_sections VALUES (?, ?, ?)",
                [assessment_id, section.section_id, (section_evidence.get(section.section_id) or None)],
            )
        con.executemany(
            "INSERT INTO assessment_scores VALUES (?, ?, ?, ?, ?)",
            [[assessment_id, s, t, int(score), evidence.get((s, t)) or None] for (s, t), score in scores.items()],
        )
        for action in actions:
            con.execute(
                "INSERT INTO improvement_actions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    uuid.uuid4().hex,
                    assessment_id,
                    action.section_id,
                    action.statement_id,
                    action.action.strip(),
                    action.owner or None,
                    action.due_on,
                    action.done_on,
                ],
            )
    return assessment_id


# --- reading back ----------------------------------------------------------------------------------------------


def _ordered(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT assessment_id, assessed_on, assessed_by, saved_at FROM assessments ORDER BY assessed_on, saved_at"
    ).df()


def assessment_history(con: duckdb.DuckDBPyConnection, sections: list[Section] | None = None) -> pd.DataFrame:
    """One row a saved assessment, oldest first: assessment_id, assessed_on, total, max, and `section <id>` totals."""
    sections = sections if sections is not None else load_framework()
    history = _ordered(con)[["assessment_id", "assessed_on"]]
    history["assessed_on"] = pd.to_datetime(history["assessed_on"]).dt.date
    scores = con.execute("SELECT assessment_id, section_id, statement_id, score FROM assessment_scores").df()
    total = pd.Series(0, index=history.index, dtype="int64")
    for section in sections:
        ids = {statement.id for statement in section.statements}
        rows = scores[(scores["section_id"] == section.section_id) & scores["statement_id"].isin(ids)]
        sums = rows.groupby("assessment_id")["score"].sum()
        column = history["assessment_id"].map(sums).fillna(0).astype("int64")
        history[f"section {section.section_id}"] = column
        total = total + column
    history.insert(2, "total", total)
    history.insert(3, "max", max_score(sections))
    return history


def statement_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every score ever saved: assessed_on, section, statement, score (oldest assessment first)."""
    frame = con.execute(
        """
        SELECT a.assessed_on, s.section_id AS section, s.statement_id AS statement, s.score
        FROM assessment_scores s JOIN assessments a USING (assessment_id)
        ORDER BY a.assessed_on, a.saved_at, s.section_id, s.statement_id
        """
    ).df()
    frame["assessed_on"] = pd.to_datetime(frame["assessed_on"]).dt.date
    return frame


def latest_assessment_id(con: duckdb.DuckDBPyConnection) -> str | None:
    ordered = _ordered(con)
    return None if ordered.empty else ordered["assessment_id"].iloc[-1]


def _previous_id(con: duckdb.DuckDBPyConnection, assessment_id: str) -> str | None:
    ids = _ordered(con)["assessment_id"].tolist()
    position = ids.index(assessment_id)
    return ids[position - 1] if position > 0 else None


def scores_of(con: duckdb.DuckDBPyConnection, assessment_id: str) -> dict[tuple[str, str], int]:
    """(section, statement) -> the score an assessment gave it."""
    rows = con.execute(
        "SELECT section_id, statement_id, score FROM assessment_scores WHERE assessment_id = ?", [assessment_id]
    ).fetchall()
    return {(section, statement): score for section, statement, score in rows}


def _total(scores: dict[tuple[str, str], int], sections: list[Section]) -> int:
    known = {(section.section_id, statement.id) for section in sections for statement in section.statements}
    return sum(score for key, score in scores.items() if key in known)


def total_of(con: duckdb.DuckDBPyConnection, assessment_id: str, sections: list[Section] | None = None) -> int:
    sections = sections if sections is not None else load_framework()
    return _total(scores_of(con, assessment_id), sections)


def changes_since_previous(
    con: duckdb.DuckDBPyConnection, assessment_id: str, sections: list[Section] | None = None
) -> list[str]:
    """What moved since the assessment before this one, as plain sentences."""
    sections = sections if sections is not None else load_framework()
    previous_id = _previous_id(con, assessment_id)
    if previous_id is None:
        return ["This is the first assessment saved, so there is nothing to compare it with yet."]
    now, before = scores_of(con, assessment_id), scores_of(con, previous_id)
    sentences = []
    for section in sections:
        for statement in section.statements:
            key = (section.section_id, statement.id)
            if key in now and key in before and now[key] != before[key]:
                was, is_ = section.point(before[key]), section.point(now[key])
                verb = "rose" if now[key] > before[key] else "fell"
                sentences.append(
                    f"Statement {statement.id} {verb} from {was.score} ({was.short_label.lower()}) "
                    f"to {is_.score} ({is_.short_label.lower()})."
                )
    if not sentences:
        sentences.append("No statement's score changed.")
    total_now, total_before, most = _total(now, sections), _total(before, sections), max_score(sections)
    if total_now == total_before:
        sentences.append(f"Total stayed at {total_now} out of {most}.")
    else:
        verb = "rose" if total_now > total_before else "fell"
        sentences.append(f"Total {verb} from {total_before} to {total_now} out of {most}.")
    return sentences


def open_actions(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Improvement actions not yet done (each by its action_id), soonest due first, with `overdue` True when the due
    date has passed."""
    frame = con.execute(
        """
        SELECT i.action_id, i.action, i.owner, i.due_on, i.section_id AS section, i.statement_id AS statement,
               a.assessed_on, coalesce(i.due_on < ?, false) AS overdue
        FROM improvement_actions i JOIN assessments a USING (assessment_id)
        WHERE i.done_on IS NULL
        ORDER BY i.due_on NULLS LAST, a.assessed_on, i.action
        """,
        [as_of],
    ).df()
    for column in ("due_on", "assessed_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["overdue"] = frame["overdue"].astype(bool)
    return frame


def complete_action(con: duckdb.DuckDBPyConnection, action_id: str, done_on: date | None) -> None:
    """Mark an improvement action done on a day."""
    if done_on is None:
        raise Refusal("Enter the date the action was done.")
    marked = con.execute(
        "UPDATE improvement_actions SET done_on = ? WHERE action_id = ? RETURNING action_id", [done_on, action_id]
    ).fetchall()
    if not marked:
        raise Refusal("That action is not recorded: it may have been removed. Reload the page.")


# --- exports ---------------------------------------------------------------------------------------------------


def _uk(day) -> str:
    return "" if day is None or pd.isna(day) else f"{day:%d/%m/%Y}"


def _assessment_rows(con: duckdb.DuckDBPyConnection, assessment_id: str):
    header = con.execute(
        "SELECT assessed_on, assessed_by FROM assessments WHERE assessment_id = ?", [assessment_id]
    ).fetchone()
    if header is None:
        raise Refusal("That assessment is not saved in this database.")
    scores = con.execute(
        "SELECT section_id, statement_id, score, evidence FROM assessment_scores WHERE assessment_id = ?",
        [assessment_id],
    ).fetchall()
    return header, {(s, t): (score, text) for s, t, score, text in scores}


def export_csv(con: duckdb.DuckDBPyConnection, assessment_id: str, sections: list[Section] | None = None) -> bytes:
    """A row a statement, headed in the council's words: date, section, statement, its wording, score, what the score
    means, evidence (formula-safe)."""
    sections = sections if sections is not None else load_framework()
    (assessed_on, _), scores = _assessment_rows(con, assessment_id)
    rows = []
    for section in sections:
        for statement in section.statements:
            score, text = scores.get((section.section_id, statement.id), (None, None))
            rows.append(
                {
                    "Assessed on": _uk(assessed_on),
                    "Section": section.section_id,
                    "Statement": statement.id,
                    "Wording": statement.text,
                    "Score": "" if score is None else str(score),
                    "What the score means": "" if score is None else section.point(score).label,
                    "Evidence": text or "",
                }
            )
    return to_csv_bytes(pd.DataFrame(rows, dtype="str"))


def export_excel(con: duckdb.DuckDBPyConnection, assessment_id: str, sections: list[Section] | None = None) -> bytes:
    """The toolkit's own layout, a sheet a section: theme and aim, the statements with the chosen score marked X,
    the total, the section's evidence and its improvement actions. Every cell is written as text but an action's due
    date, a date cell."""
    sections = sections if sections is not None else load_framework()
    (assessed_on, assessed_by), scores = _assessment_rows(con, assessment_id)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in sections:
        sheet = workbook.create_sheet(f"Section {section.section_id}"[:31])
        evidence = con.execute(
            "SELECT evidence FROM assessment_sections WHERE assessment_id = ? AND section_id = ?",
            [assessment_id, section.section_id],
        ).fetchone()
        actions = con.execute(
            "SELECT action, owner, due_on, statement_id FROM improvement_actions "
            "WHERE assessment_id = ? AND section_id = ? ORDER BY due_on NULLS LAST, action",
            [assessment_id, section.section_id],
        ).fetchall()
        total = sum(scores.get((section.section_id, s.id), (0, None))[0] for s in section.statements)
        columns = ["Statement", *[f"{p.score}: {p.short_label}" for p in section.scale], "Evidence"]
        rows: list[list] = [
            [section.theme],
            [section.heading],
            [section.aim],
            [section.aim_statement],
            [f"Assessed on {_uk(assessed_on)}" + (f" by {assessed_by}" if assessed_by else "")],
            [],
            columns,
        ]
        for statement in section.statements:
            score, text = scores.get((section.section_id, statement.id), (None, None))
            rows.append([statement.text, *["X" if score == p.score else "" for p in section.scale], text or ""])
        rows += [
            ["Total score", f"{total} / {section.max_score}"],
            ["Evidence", (evidence[0] if evidence else None) or ""],
            [],
            ["Improvement actions"],
            ["Action", "Owner", "Due date", "Statement"],
        ]
        rows += [[action, owner or "", due, statement or "Whole section"] for action, owner, due, statement in actions]
        rows += [[], ["Scale"]] + [[f"{p.score}: {p.label}", p.description] for p in section.scale]
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is not None and value != "":
                    written = value if isinstance(value, date) else str(value)  # a due date stays a date cell
                    write_cell(sheet, number, column, written).alignment = Alignment(wrap_text=True, vertical="top")
        for number in (1, 7, *(len(section.statements) + offset for offset in (8, 11, 12))):
            for cell in sheet[number]:
                cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 80
        for letter in "BCD":
            sheet.column_dimensions[letter].width = 18
        sheet.column_dimensions["E"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def describe_latest(con: duckdb.DuckDBPyConnection, sections: list[Section] | None = None) -> str:
    """The page's lead: where we stand now, in one sentence."""
    sections = sections if sections is not None else load_framework()
    latest = latest_assessment_id(con)
    statements = sum(len(section.statements) for section in sections)
    if latest is None:
        return f"No assessment saved yet: score the {_count_word(statements)} statements below."
    assessed_on = con.execute("SELECT assessed_on FROM assessments WHERE assessment_id = ?", [latest]).fetchone()[0]
    return f"Our latest assessment scored **{total_of(con, latest, sections)} / {max_score(sections)}** on " + (
        f"{dates.display(assessed_on)}."
    )


def _count_word(number: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[number] if number < len(words) else str(number)
