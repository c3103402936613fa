"""Which field each column of a council's file holds: from its header in the council's own words and, where the
header leaves it open, from its values.

A header is reduced to its content words: case, punctuation, '&', plurals, stop words and hints such as
'(dd/mm/yyyy)', '(Y/N)' or '(1-4)' folded away, the hints kept as evidence of the kind of column. Each word a
header shares with a field's label and words counts for that field, a word many fields use counting for less, a
word no field uses against all of them. Where the field's values can be recognised (dates, yes/no, the value
lists, the ward and councillor registers) a sample of the column's distinct values adds or takes away. Columns
are then given to fields, one each, by the best total score; a score says how sure the match is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from analytics.ingest.datasets import DATASETS, Dataset, Field
from analytics.ingest.dates import parse_dates
from analytics.ingest.registers import name_key
from analytics.ingest.vocabulary import VALUE_LISTS, key, map_multi, map_single, map_yes_no

SURE, LIKELY, GUESS, CHOSEN = "sure", "likely", "a guess", "your choice"
_LEVELS = ((0.8, SURE), (0.6, LIKELY), (0.45, GUESS))
SAMPLE_ROWS = 2000  # values are recognised from the distinct values among this many rows
SAMPLE_VALUES = 40  # ... and at most this many of them
VALUE_COLUMNS = 200  # a column further right is recognised by its header only
LONGEST_HEADER = 200  # characters of a header that are read: no field is named at greater length

_STOP_WORDS = frozenset({
    "a", "an", "and", "any", "are", "as", "at", "be", "been", "by", "did", "do", "for", "from", "has", "have", "if",
    "in", "is", "it", "its", "of", "on", "or", "our", "please", "the", "their", "this", "to", "was", "were", "which",
    "with", "your",
})  # fmt: skip
_WORD_FORMS = {"cllr": "councillor", "councilor": "councillor", "ref": "reference", "no": "number", "num": "number"}
_WORD_FORMS |= {"nr": "number", "tel": "phone", "telephone": "phone"}
_DATE_WORDS = frozenset({"date", "when", "time", "day", "year", "dated", "dob"})
_YES_NO_HINT = re.compile(r"\b(y\s*/\s*n|yes\s*/\s*no|yes or no)\b", re.IGNORECASE)
_DATE_HINT = re.compile(r"\b(dd|mm|yyyy|yy|hh)\b", re.IGNORECASE)
_SCALE_HINT = re.compile(r"\b\d+\s*(-|–|to)\s*\d+\b", re.IGNORECASE)
_BRACKETED_HINT = re.compile(r"[(\[{]\s*(optional|if known|if any|if applicable|select all that apply)\s*[)\]}]", re.I)


@dataclass(frozen=True)
class Words:
    """A header reduced to its content words, with the kind of column its hints name (date, yes_no or '')."""

    words: frozenset[str]
    hint: str


@dataclass(frozen=True)
class Match:
    field: str
    score: float
    confidence: str  # sure, likely, a guess, or your choice (saved or given)


@dataclass(frozen=True)
class Registers:
    """The council's registers as keys, for recognising a column of ward or councillor names by its values."""

    wards: frozenset[str] = frozenset()
    councillors: frozenset[str] = frozenset()


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words_of(header: str) -> Words:
    """'Reported to Police (Y/N)' -> {reported, police} with the hint yes_no."""
    return _words_of(header[:LONGEST_HEADER])


@lru_cache(maxsize=8192)
def _words_of(header: str) -> Words:
    hint = "yes_no" if _YES_NO_HINT.search(header) else "date" if _DATE_HINT.search(header) else ""
    text = _BRACKETED_HINT.sub(" ", _SCALE_HINT.sub(" ", _DATE_HINT.sub(" ", _YES_NO_HINT.sub(" ", header))))
    text = re.sub(r"\be[\s-]mail", "email", text.replace("&", " and ").replace("#", " number "), flags=re.I)
    words = (_WORD_FORMS.get(word, word) for word in key(text).split())
    return Words(
        frozenset(
            _singular(word) for word in words if word not in _STOP_WORDS and len(word) > 1 and not word.isdigit()
        ),
        hint,
    )


@dataclass(frozen=True)
class _Vocabulary:
    phrases: dict[str, list[frozenset[str]]]  # field -> its label, name and words, each as words
    words: dict[str, frozenset[str]]  # field -> every word of its phrases
    weight: dict[str, float]  # word -> 1 / how many fields use it


@cache
def _vocabulary(dataset_name: str) -> _Vocabulary:
    dataset = DATASETS[dataset_name]
    phrases = {
        spec.name: [words_of(text).words for text in (spec.label, spec.name, *spec.words) if words_of(text).words]
        for spec in dataset.fields
    }
    words = {name: frozenset().union(*found) for name, found in phrases.items()}
    users: dict[str, int] = {}
    for found in words.values():
        for word in found:
            users[word] = users.get(word, 0) + 1
    return _Vocabulary(phrases, words, {word: 1 / count for word, count in users.items()})


def _kind_factor(spec: Field, header: Words) -> float:
    """Less for a date field under a header that says nothing of dates, and for any other field under one that
    does, or under a '(Y/N)' when the field is not a yes or no."""
    dated = header.hint == "date" or bool(header.words & _DATE_WORDS)
    is_date = spec.kind in ("date", "year")
    factor = 1.0
    if is_date and not dated:
        factor *= 0.8
    if dated and not is_date:
        factor *= 0.6
    if header.hint == "yes_no" and spec.kind != "yes_no":
        factor *= 0.6
    return factor


def header_scores(dataset: Dataset, header: str) -> dict[str, float]:
    """How well a header names each field of the dataset, from 0 to 1 (fields it shares no word with left out)."""
    return _header_scores(dataset.name, header[:LONGEST_HEADER])


@lru_cache(maxsize=8192)
def _header_scores(dataset_name: str, header: str) -> dict[str, float]:
    dataset = DATASETS[dataset_name]
    compact = key(header).replace(" ", "")
    for pattern, name in dataset.header_patterns:
        if re.match(pattern, compact):
            return {name: 1.0}
    found = words_of(header)
    if not found.words:
        return {}
    vocabulary = _vocabulary(dataset_name)
    total = sum(vocabulary.weight.get(word, 1.0) for word in found.words)
    scores = {}
    for spec in dataset.fields:
        shared = found.words & vocabulary.words[spec.name]
        if not shared:
            continue
        phrases = vocabulary.phrases[spec.name]
        if found.words in phrases:
            score = 1.0
        else:
            coverage = sum(vocabulary.weight[word] for word in shared) / total
            completeness = max(len(phrase & found.words) / len(phrase) for phrase in phrases)
            score = coverage * (0.5 + 0.5 * completeness)
        scores[spec.name] = score * _kind_factor(spec, found)
    return scores


def confidence(score: float) -> str:
    """The words the Import page shows for a score; '' when too low to suggest."""
    return next((word for floor, word in _LEVELS if score >= floor), "")


def _sample(cells: pd.Series) -> list[str]:
    """A bounded sample of a column's distinct non-blank values."""
    distinct = pd.unique(cells.iloc[:SAMPLE_ROWS].astype(str).str.strip())
    return [value for value in distinct[: SAMPLE_VALUES * 4] if value][:SAMPLE_VALUES]


def value_fit(spec: Field, values: list[str], registers: Registers) -> float | None:
    """The share of `values` that fit the field; None when its values cannot tell (free text, names, codes...)."""
    if not values:
        return None
    cells = pd.Series(values, dtype="str")
    if spec.kind == "date":
        return 1 - parse_dates(cells, spec.label).unreadable.mean()
    if spec.kind == "year":
        return pd.to_numeric(cells, errors="coerce").between(1900, 2100).mean()
    if spec.kind == "yes_no":
        return 1 - map_yes_no(cells)[1].mean()
    if spec.kind == "one" and spec.name in VALUE_LISTS:
        return map_single(cells, spec.name).notna().mean()
    if spec.kind == "several" and spec.name in VALUE_LISTS:
        return (map_multi(cells, spec.name)[1] == "").mean()
    if spec.name == "ward" and registers.wards:
        return float(np.mean([key(value) in registers.wards or value.upper() in registers.wards for value in values]))
    if spec.name in ("councillor", "name") and registers.councillors:
        return float(np.mean([name_key(value) in registers.councillors for value in values]))
    return None


def _combined(spec: Field, header: float, fit: float | None) -> float:
    """A header's score raised or lowered by how well the values fit; values alone make at most a guess.

    Values that are not dates (or years, or yes and no) at all count heavily against a column being one, as
    'Logged by' holding officers' names is not the date reported; words a list does not know count less, since
    a council's own categories are what the import's reasons are for."""
    if fit is None:
        return header
    if header == 0:
        return 0.5 * fit if fit >= 0.9 else 0.0
    floor = 0.5 if spec.kind in ("date", "year", "yes_no") else 0.75
    return header * (floor + (1 - floor) * fit) + 0.35 * fit * (1 - header)


def match_columns(
    dataset: Dataset,
    headers: list[str],
    saved: dict[str, str],
    columns: dict[str, pd.Series] | None = None,
    registers: Registers = Registers(),
) -> dict[str, Match]:
    """Each header's field, for the headers matched: the saved choice (by header key) first, then the best total
    score over the rest, one column per field. `columns` (header -> cells) lets the values speak too."""
    matches = _saved_matches(dataset, headers, saved)
    taken = {match.field for match in matches.values()}
    open_headers = [header for header in headers if header not in matches]
    open_fields = [spec for spec in dataset.fields if spec.name not in taken]
    scores = np.zeros((len(open_headers), len(open_fields)))
    for row, header in enumerate(open_headers):
        for name, score in header_scores(dataset, header).items():
            if name not in taken:
                scores[row, [spec.name for spec in open_fields].index(name)] = score
    if columns is not None:
        _weigh_values(scores, [columns[header] for header in open_headers[:VALUE_COLUMNS]], open_fields, registers)
    scores[scores < _LEVELS[-1][0]] = 0.0
    matches |= _assign(scores, open_headers, open_fields)
    return {header: matches[header] for header in headers if header in matches and matches[header].field}


def _saved_matches(dataset: Dataset, headers: list[str], saved: dict[str, str]) -> dict[str, Match]:
    """The user's own choices for these headers, a field to one header only; '' means 'do not import'."""
    known = {spec.name for spec in dataset.fields}
    matches: dict[str, Match] = {}
    for header in headers:
        target = saved.get(key(header))
        if target == "" or (target in known and target not in {match.field for match in matches.values()}):
            matches[header] = Match(target, 1.0, CHOSEN)
    return matches


def _weigh_values(scores: np.ndarray, columns: list[pd.Series], fields: list[Field], registers: Registers) -> None:
    """In place: each header's scores raised or lowered by its column's values; and, for a required field that no
    header names even as a guess, each column whose values alone fit it (so that a yes/no column for the office
    is never taken as 'reported to police' for its values alone)."""
    unnamed = [
        col for col, spec in enumerate(fields) if spec.required and scores[:, col].max(initial=0.0) < _LEVELS[-1][0]
    ]
    for row, cells in enumerate(columns):
        weighed = [col for col in range(len(fields)) if scores[row, col] > 0 or col in unnamed]
        values = _sample(cells) if weighed else []
        for col in weighed if values else []:
            scores[row, col] = _combined(fields[col], scores[row, col], value_fit(fields[col], values, registers))


def _assign(scores: np.ndarray, headers: list[str], fields: list[Field]) -> dict[str, Match]:
    """One column per field, by the best total score; the earlier of two equal columns wins, as a person reading
    left to right would choose."""
    if not scores.any():
        return {}
    order = np.arange(len(headers))[:, None] * 1e-9
    rows, cols = linear_sum_assignment(np.where(scores > 0, scores - order, 0), maximize=True)
    return {
        headers[row]: Match(fields[col].name, scores[row, col], confidence(scores[row, col]))
        for row, col in zip(rows, cols, strict=True)
        if scores[row, col] > 0
    }


def closest(dataset: Dataset, headers: list[str], field_name: str, mapping: dict[str, str], most: int = 2) -> list[str]:
    """The headers nearest to naming a field, best first, leaving out those that surely name another: for saying
    which column might be meant."""
    scored = []
    for header in headers:
        scores = header_scores(dataset, header)
        if scores.get(field_name, 0.0) > 0 and scores.get(mapping.get(header, ""), 0.0) < _LEVELS[0][0]:
            scored.append((scores[field_name], header))
    return [header for _, header in sorted(scored, key=lambda pair: -pair[0])][:most]
