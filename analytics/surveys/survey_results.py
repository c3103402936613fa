"""What a survey wave says: each question's answers counted, split by another question, and compared between waves.

Every count is made in DuckDB (GROUP BY over `survey_answers`) and passes through `analytics.governance.suppression`
before it leaves this module: counts of 1 to 4 and groups under 10 are hidden, with enough more that none can be worked
out. A hidden number is <NA>; `display_table` writes it as a dash for the page, with the suppression note.

Chart kinds: 'single' (one choice: % of those answering), 'multi' (several choices: % of respondents, which do not
add up to 100), 'scale' (a known ordered scale, in scale order), 'number' and 'date' (grouped into bands or months,
in order), 'text' (free text: only ever a list, never counted or split).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from analytics.errors import Refusal
from analytics.governance.suppression import (
    MIN_BASE,
    MIN_CELL,
    Suppressed,
    percentages,
    suppress_counts,
    suppress_table,
)

HIDDEN_MARK = "–"  # how a hidden number reads in a table on screen (never 0 or blank)


@dataclass(frozen=True)
class Scale:
    name: str
    points: tuple[str, ...]  # in scale order, as they read on screen
    lead: tuple[str, ...]  # the points a headline sentence adds up ("often or always")


SCALES: dict[str, Scale] = {
    "frequency": Scale("frequency", ("Never", "Rarely", "Occasionally", "Frequently"), ("Occasionally", "Frequently")),
    "risk": Scale("risk", ("Never", "Rarely", "Sometimes", "Often", "Always"), ("Often", "Always")),
    "effectiveness": Scale(
        "effectiveness",
        ("Very effective", "Fairly effective", "Not very effective", "Not at all effective"),
        ("Very effective", "Fairly effective"),
    ),
    "agreement": Scale(
        "agreement",
        ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"),
        ("Strongly agree", "Agree"),
    ),
}
# Answers that sit beside any scale rather than on it: drawn after it, outside the diverging bar.
NOT_ON_SCALE = ("Don't know", "Not sure", "Prefer not to say", "Not applicable", "N/A")


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").casefold()
    return " ".join(re.sub(r"[.!]+$", "", text).split())


_EXTRAS = {_norm(extra) for extra in NOT_ON_SCALE}


def recognise_scale(options: Sequence[str] | None) -> Scale | None:
    """The known scale whose points include every option (beside don't know and the like), if exactly one does."""
    on_scale = {_norm(option) for option in options or []} - _EXTRAS
    if len(on_scale) < 2:
        return None
    matches = [scale for scale in SCALES.values() if on_scale <= {_norm(point) for point in scale.points}]
    if not matches:
        return None
    if len(matches) > 1:  # e.g. only "Never" and "Rarely" were chosen: a scale, but which one is unknown
        first = matches[0]
        present = tuple(point for point in first.points if _norm(point) in on_scale)
        lead = tuple(point for point in first.lead if point in present)
        return Scale(first.name, present, lead)
    return matches[0]


# --- waves and questions --------------------------------------------------------------------------------------


def _one(con, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, or None; the whole result is fetched so the connection is free again."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a survey import lands or a wave is removed: the key of the page's cached results."""
    sql = (
        "SELECT (SELECT count(*) FROM survey_waves), (SELECT max(imported_at) FROM survey_waves), "
        "(SELECT count(*) FROM survey_answers)"
    )
    return str(_one(con, sql))


def waves(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every wave, latest label first: wave_id, label, respondents, questions."""
    return con.execute(
        "SELECT wave_id, label, respondents, questions FROM survey_waves ORDER BY label DESC, imported_at DESC"
    ).df()


def questions(con: duckdb.DuckDBPyConnection, wave_id: str) -> pd.DataFrame:
    """A wave's questions in the order the survey asked them: question_id, position, text, kind, options."""
    return con.execute(
        "SELECT question_id, position, text, kind, options FROM survey_questions WHERE wave_id = ? ORDER BY position",
        [wave_id],
    ).df()


def _question(con, wave_id: str, question_id: str) -> dict:
    row = _one(
        con,
        "SELECT question_id, text, kind, options FROM survey_questions WHERE wave_id = ? AND question_id = ?",
        [wave_id, question_id],
    )
    if row is None:
        raise Refusal(f"Question {question_id} is not in this survey wave; choose one of its questions.")
    return {"question_id": row[0], "text": row[1], "kind": row[2], "options": list(row[3] or [])}


def _respondents(con, wave_id: str) -> int:
    return _one(con, "SELECT count(DISTINCT respondent) FROM survey_answers WHERE wave_id = ?", [wave_id])[0]


def comparable_waves(con: duckdb.DuckDBPyConnection, wave_id: str, question_id: str) -> pd.DataFrame:
    """Other waves that asked the same question (identical text): wave_id, label, question_id."""
    return con.execute(
        """
        SELECT w.wave_id, w.label, q.question_id
        FROM survey_questions this
        JOIN survey_questions q ON q.text = this.text AND q.wave_id <> this.wave_id AND q.kind <> 'text'
        JOIN survey_waves w ON w.wave_id = q.wave_id
        WHERE this.wave_id = ? AND this.question_id = ?
        ORDER BY w.label DESC
        """,
        [wave_id, question_id],
    ).df()


# --- labels for numbers and dates -----------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_MOST_NUMBER_VALUES = 8  # more distinct numbers than this are grouped into bands


def _nice_width(span: float) -> float:
    raw = max(span / 6, 1e-9)
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def _label_values(kind: str, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each answer's label as shown and its sort key: numbers in bands, dates by month, choices as they are."""
    if kind == "number":
        numbers = pd.to_numeric(values, errors="coerce")
        distinct = sorted(numbers.dropna().unique())
        if len(distinct) <= _MOST_NUMBER_VALUES:
            return numbers.map(lambda x: f"{x:g}" if pd.notna(x) else "(not a number)"), numbers.fillna(np.inf)
        width = _nice_width(distinct[-1] - distinct[0])
        starts = np.floor(numbers / width) * width
        whole = bool((numbers.dropna() == np.floor(numbers.dropna())).all()) and width == int(width)
        labels = starts.map(
            lambda lo: (
                "(not a number)"
                if pd.isna(lo)
                else (f"{lo:g} to {lo + width - 1:g}" if whole else f"{lo:g} to under {lo + width:g}")
            )
        )
        return labels, starts.fillna(np.inf)
    if kind == "date":
        text = values.astype(str).str.split(" ").str[0]
        iso = pd.to_datetime(text.where(text.str.match(_ISO)), format="%Y-%m-%d", errors="coerce")
        uk = pd.to_datetime(text.where(~text.str.match(_ISO)), format="%d/%m/%Y", errors="coerce")
        dates = iso.fillna(uk)
        months = dates.dt.to_period("M")
        labels = months.map(lambda month: f"{month:%B %Y}" if pd.notna(month) else "(not a date)")
        return labels, dates.dt.year.fillna(9999) * 100 + dates.dt.month.fillna(99)
    return values.astype(str), pd.Series(0, index=values.index)


def _grouped(frame: pd.DataFrame, kind: str, column: str, by: Sequence[str] = ()) -> pd.DataFrame:
    """Relabel a small frame of (value, count[, group]) per `kind` and add up the counts under each label."""
    labels, keys = _label_values(kind, frame[column])
    relabelled = frame.assign(**{column: labels.to_numpy(), "_key": keys.to_numpy()})
    sums = relabelled.groupby([*by, column], as_index=False, sort=False).agg(
        count=("count", "sum"), _key=("_key", "min")
    )
    return sums


# --- one question ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    wave_id: str
    question_id: str
    text: str
    kind: str  # the chart: 'single', 'multi', 'scale', 'number', 'date' or 'text'
    counts: pd.DataFrame  # answer, count (Int64, <NA> hidden), percent (Float64, <NA> hidden); in the order shown
    answered: int | None  # respondents who answered this question (the base n); None when it is hidden
    respondents: int  # respondents in the wave
    note: str  # the suppression note ("" when nothing is hidden)
    lead: str  # the one-sentence answer
    scale: Scale | None = None
    off_scale: list[str] = field(default_factory=list)  # answers beside the scale (don't know ...)

    def table(self) -> pd.DataFrame:
        """The numbers as a table for the page: hidden ones as a dash."""
        percent = "% of respondents" if self.kind == "multi" else "% of those answering"
        return display_table(self.counts, {"answer": "Answer", "count": "Councillors", "percent": percent})


def _pct(value) -> str:
    return HIDDEN_MARK if pd.isna(value) else f"{value:.0f}%"


def _count(value) -> str:
    return HIDDEN_MARK if pd.isna(value) else f"{int(value):,}"


def display_table(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Counts and percentages as text, hidden ones as a dash, under the page's column names."""
    shown = frame[list(names)].copy()
    for column in names:
        if column == "count" or column.startswith("n_") or column.endswith("_count"):
            shown[column] = shown[column].map(_count)
        elif column == "percent" or column.endswith("_percent"):
            shown[column] = shown[column].map(_pct)
    return shown.rename(columns=names).reset_index(drop=True)


def free_text(con: duckdb.DuckDBPyConnection, wave_id: str, question_id: str) -> list[str]:
    """What councillors wrote, in alphabetical order (so no answer can be matched to a respondent by position)."""
    question = _question(con, wave_id, question_id)
    if question["kind"] != "text":
        raise Refusal(f"Question {question_id} is not a free-text question; summarise it instead.")
    rows = con.execute(
        "SELECT answer FROM survey_answers WHERE wave_id = ? AND question_id = ? AND trim(answer) <> '' "
        "ORDER BY answer",
        [wave_id, question_id],
    ).fetchall()
    return [row[0] for row in rows]


def _chart_kind(question: dict) -> str:
    if question["kind"] == "single" and recognise_scale(question["options"]):
        return "scale"
    return question["kind"]


def _option_counts(con, wave_id: str, question_id: str) -> pd.DataFrame:
    return con.execute(
        "SELECT answer, count(DISTINCT respondent) AS count FROM survey_answers "
        "WHERE wave_id = ? AND question_id = ? GROUP BY answer",
        [wave_id, question_id],
    ).df()


def _answered(con, wave_id: str, question_id: str) -> int:
    sql = "SELECT count(DISTINCT respondent) FROM survey_answers WHERE wave_id = ? AND question_id = ?"
    return _one(con, sql, [wave_id, question_id])[0]


def _scale_order(labels: Sequence[str], scale: Scale) -> tuple[list[str], list[str]]:
    """The answers in scale order (every point of the scale, chosen or not), then those beside it."""
    by_norm = {_norm(label): label for label in labels}
    ordered = [by_norm.get(_norm(point), point) for point in scale.points]
    off = sorted(label for label in labels if _norm(label) not in {_norm(point) for point in scale.points})
    return ordered, off


def question_summary(con: duckdb.DuckDBPyConnection, wave_id: str, question_id: str) -> Summary:
    """One question's answers, counted and suppressed, in the order its chart shows them, with the lead sentence."""
    question = _question(con, wave_id, question_id)
    kind = _chart_kind(question)
    respondents = _respondents(con, wave_id)
    empty = pd.DataFrame({"answer": pd.Series(dtype=object), "count": pd.Series(dtype="Int64")})
    if kind == "text":
        answered = _answered(con, wave_id, question_id)
        shown = answered if answered >= MIN_BASE else None
        lead = (
            f"{answered} councillors wrote an answer; read them below."
            if shown
            else f"Fewer than {MIN_BASE} councillors wrote an answer, so their answers are not shown."
        )
        frame = empty.assign(percent=pd.Series(dtype="Float64"))
        return Summary(wave_id, question_id, question["text"], kind, frame, shown, respondents, "", lead)
    raw = _option_counts(con, wave_id, question_id)
    answered = _answered(con, wave_id, question_id)
    scale = recognise_scale(question["options"]) if kind == "scale" else None
    off_scale: list[str] = []
    if kind in ("number", "date"):
        grouped = _grouped(raw, kind, "answer").sort_values(["_key", "answer"])
        counts = grouped.set_index("answer")["count"]
    else:
        counts = raw.set_index("answer")["count"]
        if scale is not None:
            ordered, off_scale = _scale_order(list(counts.index), scale)
            counts = counts.reindex(ordered + off_scale, fill_value=0)
    counts = counts.astype("int64").rename("count")
    if kind == "multi":
        suppressed, percent = _suppress_multi(counts, answered)
    else:
        suppressed = suppress_counts(counts, total_shown=True)
        percent = percentages(suppressed, int(counts.sum()))["count"]
    frame = pd.DataFrame(
        {"answer": counts.index, "count": suppressed.table["count"].to_numpy(), "percent": percent.to_numpy()}
    )
    if kind in ("single", "multi"):  # by size, biggest first; hidden ones last so their place gives nothing away
        frame = frame.sort_values(["count", "answer"], ascending=[False, True], na_position="last", kind="stable")
    frame = frame.reset_index(drop=True)
    base = answered if answered >= MIN_BASE and (kind == "multi" or suppressed.grand_total is not None) else None
    lead = _lead(kind, frame, base, scale)
    return Summary(
        wave_id, question_id, question["text"], kind, frame, base, respondents, suppressed.note, lead, scale, off_scale
    )


def _suppress_multi(counts: pd.Series, answered: int) -> tuple[Suppressed, pd.Series]:
    """Each option as a row of chose / did not choose, whose total is everyone who answered (shown as n)."""
    table = pd.DataFrame({"count": counts, "not chosen": answered - counts})
    suppressed = suppress_table(table, row_totals=True, column_totals=False)
    percent = percentages(suppressed, pd.Series(answered, index=table.index), axis="rows")["count"]
    note = ""
    if 0 < answered < MIN_BASE:
        note = f"All numbers are hidden because fewer than {MIN_BASE} councillors answered."
    elif suppressed.table["count"].isna().any():
        note = (
            f"Numbers from 1 to {MIN_CELL - 1} are hidden (of councillors choosing an answer, or not choosing it), "
            "and so are the numbers that would give them away."
        )
    kept = Suppressed(
        suppressed.table[["count"]],
        suppressed.hidden_primary,
        suppressed.hidden_secondary,
        suppressed.hidden_groups,
        note,
    )
    return kept, percent


def _said(options: Sequence[str]) -> str:
    words = [option.lower() if option.lower() in ("yes", "no") else f"“{option}”" for option in options]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _lead(kind: str, frame: pd.DataFrame, base: int | None, scale: Scale | None) -> str:
    if base is None:
        return f"Fewer than {MIN_BASE} councillors answered this question, so its answers are not shown."
    shown = frame.dropna(subset=["count"])
    if kind == "scale" and scale is not None and scale.lead:
        lead_rows = frame[frame["answer"].map(_norm).isin({_norm(point) for point in scale.lead})]
        if len(lead_rows) == len(scale.lead) and lead_rows["count"].notna().all():  # a sum of shown numbers only
            total = int(lead_rows["count"].sum())
            said = " or ".join(point.lower() for point in lead_rows["answer"])
            return f"{total} of {base} councillors who answered ({100 * total / base:.0f}%) said {said}."
    if shown.empty or shown["count"].max() == 0:
        return f"{base} councillors answered; the numbers for each answer are too small to show."
    top = shown.sort_values("count", ascending=False, kind="stable").iloc[0]
    count, percent = int(top["count"]), top["percent"]
    share = f" ({percent:.0f}%)" if pd.notna(percent) else ""
    verb = "chose" if kind == "multi" else "said" if top["answer"].lower() in ("yes", "no") else "answered"
    sentence = f"{count} of {base} councillors who answered{share} {verb} {_said([top['answer']])}"
    if kind == "multi":
        sentence += ", the answer chosen most; they could choose more than one"
    elif kind in ("number", "date"):
        sentence = f"The most common answer was {top['answer']}: {count} of {base} councillors who answered{share}"
    return sentence + "."


# --- one question split by another ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Crosstab(Suppressed):
    """A Suppressed table of counts (rows: the groups of `by`, columns: the answers), with its percentages."""

    percent: pd.DataFrame | None = None  # % within each group (of those in it who answered), <NA> where hidden
    group_n: pd.Series | None = None  # respondents in each group who answered, <NA> where hidden
    question: str = ""
    by: str = ""
    kind: str = ""  # the answered question's chart kind
    scale: Scale | None = None

    def long(self) -> pd.DataFrame:
        """One row per group and answer: group, answer, count, percent, n_group (hidden as <NA>)."""
        counts = self.table.rename_axis(index="group", columns="answer").stack(future_stack=True).rename("count")
        percent = self.percent.rename_axis(index="group", columns="answer").stack(future_stack=True)
        frame = counts.reset_index().assign(percent=percent.to_numpy())
        return frame.assign(n_group=frame["group"].map(self.group_n).astype("Int64"))

    def scale_points(self) -> list[str]:
        """The answers on the scale, in scale order (those beside it, such as don't know, left out)."""
        if self.scale is None:
            return []
        on_scale = {_norm(point) for point in self.scale.points}
        return [answer for answer in self.table.columns if _norm(answer) in on_scale]

    def display(self) -> pd.DataFrame:
        names = {"group": self.by, "answer": "Answer", "count": "Councillors", "percent": "% of the group"}
        return display_table(self.long(), {**names, "n_group": "Group n"})


def crosstab(con: duckdb.DuckDBPyConnection, wave_id: str, question_id: str, by_question_id: str) -> Crosstab:
    """Answers to one question by the groups of another (for example gender), suppressed, with % within groups."""
    question = _question(con, wave_id, question_id)
    by = _question(con, wave_id, by_question_id)
    for side in (question, by):
        if side["kind"] == "text":
            raise Refusal(
                f"“{side['text']}” has free-text answers, which are only shown as a list and never split by group; "
                "choose a question with set answers."
            )
    if question_id == by_question_id:
        raise Refusal("Choose a different question to split the answers by.")
    raw = con.execute(
        """
        SELECT g.answer AS grp, a.answer, count(DISTINCT a.respondent) AS count
        FROM survey_answers a JOIN survey_answers g
          ON g.wave_id = a.wave_id AND g.respondent = a.respondent AND g.question_id = ?
        WHERE a.wave_id = ? AND a.question_id = ?
        GROUP BY ALL
        """,
        [by_question_id, wave_id, question_id],
    ).df()
    bases = con.execute(
        """
        SELECT g.answer AS grp, count(DISTINCT a.respondent) AS count
        FROM survey_answers a JOIN survey_answers g
          ON g.wave_id = a.wave_id AND g.respondent = a.respondent AND g.question_id = ?
        WHERE a.wave_id = ? AND a.question_id = ?
        GROUP BY ALL
        """,
        [by_question_id, wave_id, question_id],
    ).df()
    kind = _chart_kind(question)
    answers, answer_keys = _label_values(kind, raw["answer"])
    groups, group_keys = _label_values(by["kind"], raw["grp"])
    cells = raw.assign(answer=answers.to_numpy(), grp=groups.to_numpy())
    keys = {"answer": dict(zip(answers, answer_keys, strict=True)), "grp": dict(zip(groups, group_keys, strict=True))}
    base_labels, _ = _label_values(by["kind"], bases["grp"])
    group_n = bases.assign(grp=base_labels.to_numpy()).groupby("grp")["count"].sum()
    table = cells.pivot_table(index="grp", columns="answer", values="count", aggfunc="sum", fill_value=0)
    columns = _answer_order(question, kind, raw, cells, keys["answer"])
    rows = _group_order(by, group_n, keys["grp"])
    table = table.reindex(index=rows, columns=columns, fill_value=0).astype("int64")
    table.index.name, table.columns.name = None, None
    group_n = group_n.reindex(rows).astype("int64")

    suppressed = suppress_table(table, row_totals=True, column_totals=True)
    small = group_n[(group_n > 0) & (group_n < MIN_BASE)].index.tolist()  # a group of fewer than 10 people
    hidden = suppressed.table.copy()
    hidden.loc[small] = pd.NA
    row_totals = suppressed.row_totals.copy()
    row_totals.loc[small] = pd.NA
    shown_n = group_n.astype("Int64").mask(row_totals.isna())
    percent = percentages(suppressed, group_n, axis="rows")
    percent.loc[small] = pd.NA
    groups = list(dict.fromkeys([*suppressed.hidden_groups, *(str(group) for group in small)]))
    note = suppressed.note
    extra = [str(group) for group in small if str(group) not in suppressed.hidden_groups]
    if extra:
        named = " and ".join(extra) if len(extra) <= 2 else ", ".join(extra[:-1]) + " and " + extra[-1]
        note = (note + " " if note else "") + f"{named} hidden: fewer than {MIN_BASE} councillors in the group."
    return Crosstab(
        table=hidden,
        hidden_primary=suppressed.hidden_primary,
        hidden_secondary=suppressed.hidden_secondary,
        hidden_groups=groups,
        note=note,
        row_totals=row_totals,
        column_totals=suppressed.column_totals,
        grand_total=suppressed.grand_total,
        percent=percent,
        group_n=shown_n,
        question=question["text"],
        by=by["text"],
        kind=kind,
        scale=recognise_scale(question["options"]) if kind == "scale" else None,
    )


def _answer_order(question: dict, kind: str, raw: pd.DataFrame, cells: pd.DataFrame, keys: dict) -> list[str]:
    if kind == "scale":
        ordered, off = _scale_order(list(raw["answer"].unique()), recognise_scale(question["options"]))
        return ordered + off
    present = cells["answer"].unique()
    if kind in ("number", "date"):
        return sorted(present, key=lambda answer: (keys[answer], answer))
    totals = cells.groupby("answer")["count"].sum()
    return sorted(present, key=lambda answer: (-totals[answer], answer))


def _group_order(by: dict, sizes: pd.Series, keys: dict) -> list[str]:
    present = list(sizes.index)
    scale = recognise_scale(by["options"]) if by["kind"] == "single" else None
    if scale is not None:
        ordered, off = _scale_order(present, scale)
        return [group for group in ordered + off if group in set(present)]
    if by["kind"] in ("number", "date"):
        return sorted(present, key=lambda group: (keys[group], group))
    return sorted(present, key=lambda group: (-sizes[group], group))


# --- one question in two waves --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    question: str
    options: tuple[str, ...]
    label_a: str  # the earlier wave (the one compared against)
    label_b: str  # the later wave
    n_a: int | None  # respondents who answered in each wave; None when hidden
    n_b: int | None
    share_a: float | None  # % choosing the option(s); None when hidden
    share_b: float | None
    difference: float | None  # share_b - share_a, in percentage points
    p_value: float | None
    test: str  # "chi-square" or "Fisher's exact", "" when suppressed
    sentence: str

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "wave": [self.label_a, self.label_b],
                "percent": [self.share_a, self.share_b],
                "count": [self.n_a, self.n_b],
            }
        )
        return display_table(frame, {"wave": "Wave", "percent": "% choosing it", "count": "Councillors who answered"})


def _resolve_wave(con, wave: str) -> tuple[str, str]:
    row = _one(
        con,
        "SELECT wave_id, label FROM survey_waves WHERE wave_id = ? OR label = ? ORDER BY wave_id = ? DESC LIMIT 1",
        [wave, wave, wave],
    )
    if row is None:
        raise Refusal(f"There is no survey wave '{wave}'; import it first or choose another.")
    return row[0], row[1]


def _chance(p: float) -> str:
    if p < 0.01:
        return "a change this large would happen by chance less than 1 time in 100, so it is very likely a real change"
    if p >= 0.5:
        return "a change this large could easily happen by chance, so it may not be a real change"
    times = round(1 / p)
    verdict = "it is likely a real change" if p < 0.05 else "it may not be a real change"
    return f"a change this large could happen by chance about 1 time in {times}, so {verdict}"


def two_proportion_test(chose_a: int, n_a: int, chose_b: int, n_b: int) -> tuple[float, str]:
    """(p-value, test): chi-square on the 2x2 table (with Yates' correction), or Fisher's exact test when any
    expected count is under 5."""
    table = np.array([[chose_a, n_a - chose_a], [chose_b, n_b - chose_b]])
    if table.sum(axis=0).min() == 0:  # everyone (or no one) chose it in both waves: no difference to test
        return 1.0, "chi-square"
    expected = stats.contingency.expected_freq(table)
    if expected.min() < 5:
        return float(stats.fisher_exact(table).pvalue), "Fisher's exact"
    return float(stats.chi2_contingency(table, correction=True).pvalue), "chi-square"


def wave_change(
    con: duckdb.DuckDBPyConnection,
    question_id_or_text: str,
    option: str | Sequence[str],
    wave_a: str,
    wave_b: str,
) -> Change:
    """The share choosing an option (or any of several) in wave_a and in wave_b (ids or labels), with a
    two-proportion test. The question is its text, or its id in wave_a; it is found in wave_b by identical text."""
    options = (option,) if isinstance(option, str) else tuple(option)
    (id_a, label_a), (id_b, label_b) = _resolve_wave(con, wave_a), _resolve_wave(con, wave_b)
    text = _one(
        con,
        "SELECT text FROM survey_questions WHERE wave_id = ? AND (question_id = ? OR text = ?) "
        "ORDER BY text = ? DESC LIMIT 1",
        [id_a, question_id_or_text, question_id_or_text, question_id_or_text],
    )
    if text is None:
        raise Refusal(f"Wave {label_a} has no question '{question_id_or_text}'.")
    text = text[0]
    shares = []
    for wave_id, label in ((id_a, label_a), (id_b, label_b)):
        row = _one(
            con,
            """
            SELECT count(DISTINCT a.respondent),
                   count(DISTINCT a.respondent) FILTER (WHERE list_contains(?, a.answer))
            FROM survey_answers a JOIN survey_questions q USING (wave_id, question_id)
            WHERE a.wave_id = ? AND q.text = ?
            """,
            [list(options), wave_id, text],
        )
        if row[0] == 0:
            raise Refusal(f"Wave {label} did not ask “{text}”, so the two cannot be compared.")
        shares.append((int(row[1]), int(row[0])))
    (chose_a, n_a), (chose_b, n_b) = shares
    described = f"Councillors answering {_said(options)} to “{text}”"
    hidden = []
    for (chose, n), label in (((chose_a, n_a), label_a), ((chose_b, n_b), label_b)):
        check = suppress_counts(pd.Series([chose, n - chose], index=["chose", "did not"]), total_shown=True)
        if check.table["count"].isna().any():
            hidden.append(label)
    if hidden:
        waves_named = " and ".join(hidden)
        sentence = (
            f"{described}: too few councillors answered, or too few chose it, in {waves_named} to compare "
            f"safely (fewer than {MIN_BASE} answering or fewer than {MIN_CELL} in a group)."
        )
        shown_a, shown_b = (n if n >= MIN_BASE else None for n in (n_a, n_b))
        return Change(text, options, label_a, label_b, shown_a, shown_b, None, None, None, None, "", sentence)
    share_a, share_b = 100 * chose_a / n_a, 100 * chose_b / n_b
    p, test = two_proportion_test(chose_a, n_a, chose_b, n_b)
    sentence = (
        f"{described}: {share_b:.0f}% in {label_b} (n={n_b}) against {share_a:.0f}% in {label_a} (n={n_a}); "
        f"{_chance(p)}."
    )
    return Change(text, options, label_a, label_b, n_a, n_b, share_a, share_b, share_b - share_a, p, test, sentence)
