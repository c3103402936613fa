"""The council's survey beside the national figures for councillors (the LGA's Debate Not Hate surveys and the
Councillors' Census), shipped with the code in reference/national_benchmarks.csv with each figure's source and url.

Each national measure is compared with the council's mapped survey measure (see survey_measures) as follows;
the most recent year published for a national measure is used, with every group published that year.

| national measure | council measure: the share of respondents who answered ... | base |
| --- | --- | --- |
| experienced_abuse_last_12_months | experienced_abuse: yes | answered |
| experienced_abuse_frequently | frequency: frequently | answered |
| felt_at_risk | felt_at_risk: sometimes, often or always | answered |
| council_arrangements_effective | arrangements_effective: very or fairly effective (base has don't know) | answered |
| reported_to_police | reported_to_police: yes | wave |
| threat_of_violence | abuse_types: threat of violence | wave |
| threat_of_violence_or_death | abuse_types: threat of violence or death threat | wave |
| threat_of_property_damage | abuse_types: threat to property | wave |
| actual_property_damage | abuse_types: damage to property | wave |
| actual_violence | abuse_types: physical assault | wave |
| intimidating_visit_to_home | abuse_types: unwanted visit to home | wave |
| personal_information_published | abuse_types: personal information published | wave |
| misinformation_published | abuse_types: misinformation or defamation | wave |
| abuse_related_to_protected_characteristic | characteristics: any of the nine | wave |
| abused_online | channels: social media, email, or text or messaging app | wave |
| abused_in_person | channels: in person, ward surgery, at home / doorstep, or public or council meeting | wave |

Base: "answered" is the respondents whose answer to the question matched one of the measure's values ("Prefer
not to say" is left out). "wave" is every respondent of the wave, because the national figures are shares of all
respondents (their base_n is the whole survey) while councils usually ask about types, channels and reporting only
of those who were abused; a respondent who skipped the question counts as not having said it.
Not compared, having no survey measure to match: abuse_increased_last_12_months, requested_home_address_withheld,
and never_experienced_abuse (ever, where the council's measures ask about the last 12 months).

Groups: a national figure for women, men, disabled, not disabled, LGBTQ+, ethnic minority or white councillors is
compared with the council's respondents in that group, from the mapped gender, disability, lgbtq or ethnicity
question (see GROUP_RULES); a group whose question is not mapped is left out.

The council's figures are raw: council_pct with council_n, unsuppressed. Anything shown or exported must pass
through analytics.governance.suppression first.
"""

from __future__ import annotations

import re
from importlib import resources

import duckdb
import numpy as np
import pandas as pd

from analytics.governance.suppression import MIN_BASE, MIN_CELL
from analytics.ingest import vocabulary
from analytics.surveys import survey_measures
from analytics.surveys.survey_measures import mapped_answers

_CSV = "reference/national_benchmarks.csv"
COLUMNS = [
    "measure",
    "group",
    "council_pct",
    "council_n",
    "national_pct",
    "national_base_n",
    "source",
    "year",
    "url",
]
ONLINE = ("social media", "email", "text or messaging app")
IN_PERSON = ("in person", "ward surgery", "at home / doorstep", "public or council meeting")
# national measure -> (council measure, the values counted, base)
PAIRINGS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "experienced_abuse_last_12_months": ("experienced_abuse", ("yes",), "answered"),
    "experienced_abuse_frequently": ("frequency", ("frequently",), "answered"),
    "felt_at_risk": ("felt_at_risk", ("sometimes", "often", "always"), "answered"),
    "council_arrangements_effective": ("arrangements_effective", ("very effective", "fairly effective"), "answered"),
    "reported_to_police": ("reported_to_police", ("yes",), "wave"),
    "threat_of_violence": ("abuse_types", ("threat of violence",), "wave"),
    "threat_of_violence_or_death": ("abuse_types", ("threat of violence", "death threat"), "wave"),
    "threat_of_property_damage": ("abuse_types", ("threat to property",), "wave"),
    "actual_property_damage": ("abuse_types", ("damage to property",), "wave"),
    "actual_violence": ("abuse_types", ("physical assault",), "wave"),
    "intimidating_visit_to_home": ("abuse_types", ("unwanted visit to home",), "wave"),
    "personal_information_published": ("abuse_types", ("personal information published",), "wave"),
    "misinformation_published": ("abuse_types", ("misinformation or defamation",), "wave"),
    "abuse_related_to_protected_characteristic": (
        "characteristics",
        tuple(vocabulary.PROTECTED_CHARACTERISTICS),
        "wave",
    ),
    "abused_online": ("channels", ONLINE, "wave"),
    "abused_in_person": ("channels", IN_PERSON, "wave"),
}
_YES = r"^(yes|y)\b"
_NO = r"^(no|n)\b"
# national group -> (the council's group measure, a pattern its folded answer matches for the group)
GROUP_RULES: dict[str, tuple[str, str]] = {
    "women": ("gender", r"^(female|woman|women|f)\b"),
    "men": ("gender", r"^(male|man|men|m)\b"),
    "disabled": ("disability", _YES),
    "not disabled": ("disability", _NO),
    "lgbtq+": ("lgbtq", _YES),
    "white": ("ethnicity", r"^white\b"),
    "ethnic minority": (
        "ethnicity",
        r"^(?!white\b).*\b(asian|black|mixed|multiple|arab|chinese|indian|pakistani|bangladeshi|caribbean|african)\b",
    ),
}


def national_benchmarks() -> pd.DataFrame:
    """The packaged national figures: source, year, measure, group, value_pct, base_n (missing for groups), url."""
    with resources.files("analytics.surveys").joinpath(_CSV).open("rb") as handle:
        return pd.read_csv(handle, dtype={"source": "str", "measure": "str", "group": "str", "url": "str"}).astype(
            {"year": "int64", "value_pct": "float64", "base_n": "Int64"}
        )


def council_against_national(con: duckdb.DuckDBPyConnection, wave_id: str) -> pd.DataFrame:
    """A row per national figure (latest year) whose council measure, and group question if any, is mapped."""
    national = _latest(national_benchmarks())
    national = national[national["measure"].isin(PAIRINGS)]
    mapped = {name for name in survey_measures.suggest_measures(con, wave_id).values() if name}
    answers = {name: _coded(frame) for name, frame in mapped_answers(con, wave_id).items()}
    respondents = _wave_respondents(con, wave_id)
    everyone = np.ones(respondents, dtype=bool)
    rows = []
    for row in national.itertuples(index=False):
        measure, counted, base = PAIRINGS[row.measure]
        group_measure = GROUP_RULES[row.group][0] if row.group != "all" else None
        if measure not in mapped or (group_measure and group_measure not in mapped):
            continue
        members = _members(answers[group_measure], row.group, respondents) if group_measure else everyone
        pct, n = _council_share(answers[measure], counted, everyone if base == "wave" else None, members)
        rows.append([row.measure, row.group, pct, n, row.value_pct, row.base_n, row.source, row.year, row.url])
    return pd.DataFrame(rows, columns=COLUMNS).astype({"council_pct": "float64", "council_n": "int64"})


def _latest(national: pd.DataFrame) -> pd.DataFrame:
    latest = national.groupby("measure")["year"].transform("max")
    return national[national["year"] == latest].reset_index(drop=True)


def _wave_respondents(con: duckdb.DuckDBPyConnection, wave_id: str) -> int:
    sql = "SELECT count(DISTINCT respondent) FROM survey_answers WHERE wave_id = ?"
    return con.execute(sql, [wave_id]).fetchall()[0][0]


def _coded(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers with each respondent as their number in the wave (see mapped_answers), so that bases and groups
    are arrays of flags rather than sets of text."""
    return pd.DataFrame({"respondent": answers["respondent"].cat.codes.to_numpy(), "value": answers["value"]})


def _flags(positions: np.ndarray, size: int) -> np.ndarray:
    flags = np.zeros(size, dtype=bool)
    flags[positions] = True
    return flags


def _members(answers: pd.DataFrame, group: str, size: int) -> np.ndarray:
    """Which of the wave's respondents are in a national group, from their answers to the group's question."""
    pattern = GROUP_RULES[group][1]
    (matches,) = vocabulary.over_distinct(
        answers["value"], lambda text: bool(re.search(pattern, vocabulary.key(text))), ("boolean",)
    )
    return _flags(answers["respondent"].to_numpy()[matches.to_numpy(dtype=bool)], size)


def _council_share(
    answers: pd.DataFrame, counted: tuple[str, ...], base: np.ndarray | None, members: np.ndarray
) -> tuple[float, int]:
    """(percentage to 1 decimal place, base): respondents with a counted value among the base (by default those
    who answered), within the group's members."""
    positions = answers["respondent"].to_numpy()
    base = (_flags(positions, len(members)) if base is None else base) & members
    chosen = _flags(positions[answers["value"].isin(counted).to_numpy()], len(members)) & base
    size = int(base.sum())
    return (round(100 * int(chosen.sum()) / size, 1) if size else float("nan")), size


def shown_against_national(con: duckdb.DuckDBPyConnection, wave_id: str) -> pd.DataFrame:
    """council_against_national as it may be shown: the council's share hidden (missing) where its base is under
    suppression.MIN_BASE, or where fewer than suppression.MIN_CELL respondents said it or did not, since with the
    base shown either number would give the other away; and a base under MIN_BASE hidden too, since it counts the
    councillors of a small group (three disabled councillors answered)."""
    table = council_against_national(con, wave_id)
    said = (table["council_pct"] * table["council_n"] / 100).round()
    small_base = table["council_n"] < MIN_BASE
    hidden = small_base | _small(said) | _small(table["council_n"] - said)
    return table.assign(
        council_pct=table["council_pct"].mask(hidden), council_n=table["council_n"].astype("Int64").mask(small_base)
    )


def _small(counts: pd.Series) -> pd.Series:
    return (counts > 0) & (counts < MIN_CELL)
