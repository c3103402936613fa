"""Survey questions mapped to the data contract's canonical measures, and their answers in canonical values.

A wave's mapping is suggested question by question: the user's saved choice for a question with the same
wording first (saved by `save_measures`, keyed on `vocabulary.key` of the question text, so the next wave of
the same survey maps itself), then the wording rules below. A measure is taken by one question of a wave only:
the first by position, saved choices before rules.

Wording rules: each measure's `cues` is a regular expression searched in the folded question text (lower case,
punctuation as spaces). They are tried in SUGGESTION_ORDER, specific before general, so that "How often have you
felt at risk?" is felt_at_risk rather than frequency, "Have you reported the abuse to the police?" is
reported_to_police rather than experienced_abuse, and "Was the abuse related to your gender?" is characteristics
rather than gender. A rule applies only to a question whose kind can hold the measure (FITTING_KINDS): a free
text question can be a respondent's group (party, ethnicity written in) but not a yes/no answer.

Answers: a yes/no or scale answer is matched on its folded words to the measure's values and their other words
("Often" is frequently for frequency; "Yes, several times" is yes); a several-of-list answer is split and mapped
through the incident vocabulary ("Facebook;Email;" is social media and email); a group answer is kept as written,
tidied. Answers that match none of the values ("Prefer not to say") are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics import audit, clock
from analytics.errors import Refusal
from analytics.ingest import vocabulary
from analytics.ingest.vocabulary import key
from analytics.store import transaction

YES_NO, SCALE, SEVERAL, GROUP = "yes_no", "scale", "several", "group"
FITTING_KINDS = {
    YES_NO: {"single"},
    SCALE: {"single"},
    SEVERAL: {"single", "multi"},
    GROUP: {"single", "text", "number"},
}


@dataclass(frozen=True, eq=False)
class Measure:
    name: str
    kind: str  # YES_NO, SCALE (ordered values), SEVERAL (several of a list) or GROUP (the respondent's group)
    values: tuple[str, ...]  # canonical values in order; empty for a group, whose answers are kept as written
    cues: str  # regular expression over the folded question text
    words: dict[str, str] = field(default_factory=dict)  # other words for the values
    vocabulary_field: str | None = None  # SEVERAL: the incident value list whose words apply

    def lookup(self) -> dict[str, str]:
        """Folded word -> canonical value: the values themselves, then the other words."""
        return {key(value): value for value in self.values} | {key(word): value for word, value in self.words.items()}


_YES_NO_WORDS = {"y": "yes", "true": "yes", "1": "yes", "t": "yes", "n": "no", "false": "no", "0": "no", "f": "no"}
_NEVER = {"not at all": "never", "none": "never"}
_CHARACTERISTIC_WORDS = (
    r"gender|sex|race|racial|ethnicity|religion|faith|belief|disability|sexuality|sexual orientation|age"
)


def _yes_no(name: str, cues: str) -> Measure:
    return Measure(name, YES_NO, ("yes", "no"), cues, _YES_NO_WORDS)


def _several(name: str, field_name: str, cues: str) -> Measure:
    values = tuple(vocabulary.VALUE_LISTS[field_name])
    return Measure(name, SEVERAL, values, cues, vocabulary_field=field_name)


def _group(name: str, cues: str) -> Measure:
    return Measure(name, GROUP, (), cues)


MEASURES: dict[str, Measure] = {
    measure.name: measure
    for measure in [
        _yes_no(
            "experienced_abuse",
            r"\b(experienced|received|subjected|faced|suffered)\b.*\b(abuse|abusive|intimidation|harassment|threats?)\b"
            r"|\bbeen (abused|harassed|intimidated|threatened)\b",
        ),
        Measure(
            "frequency",
            SCALE,
            ("never", "rarely", "occasionally", "frequently"),
            r"\bhow (often|frequently)\b|\bfrequency\b",
            {
                **_NEVER,
                "seldom": "rarely",
                "once or twice": "rarely",
                "sometimes": "occasionally",
                "often": "frequently",
                "very often": "frequently",
                "regularly": "frequently",
                "all the time": "frequently",
            },
        ),
        _several(
            "channels",
            "channel",
            r"\bchannels?\b|\bwhere\b|\bhow were you (contacted|abused|targeted)\b|\bby what means\b"
            r"|\bthrough which\b|\bwhich (ways|methods|platforms|media)\b",
        ),
        _several(
            "abuse_types",
            "abuse_types",
            r"\bwhat (type|kind|form)s?\b|\b(type|kind|form)s? of (abuse|intimidation|harassment|behaviour)\b"
            r"|\bnature of\b",
        ),
        _several(
            "characteristics",
            "protected_characteristics",
            rf"\bcharacteristics?\b|\b(related to|linked to|due to|because of|motivated by|on the basis of)\b"
            rf".*\b({_CHARACTERISTIC_WORDS})\b",
        ),
        Measure(
            "felt_at_risk",
            SCALE,
            ("never", "rarely", "sometimes", "often", "always"),
            r"\bat risk\b|\bunsafe\b|\bfor your (personal )?safety\b",
            {
                **_NEVER,
                "seldom": "rarely",
                "occasionally": "sometimes",
                "frequently": "often",
                "very often": "often",
                "all the time": "always",
            },
        ),
        _yes_no(
            "reported_to_council",
            r"(?=.*\breport)(?=.*\b(council|officer|officers|member services|democratic services)\b)",
        ),
        _yes_no("reported_to_police", r"(?=.*\breport)(?=.*\bpolice\b)"),
        Measure(
            "arrangements_effective",
            SCALE,
            ("very effective", "fairly effective", "not very effective", "not at all effective", "don't know"),
            r"\beffective(ness)?\b",
            {
                "quite effective": "fairly effective",
                "somewhat effective": "fairly effective",
                "not effective": "not very effective",
                "not effective at all": "not at all effective",
                "do not know": "don't know",
                "not sure": "don't know",
                "unsure": "don't know",
            },
        ),
        _yes_no(
            "considered_standing_down",
            r"\b(stand|standing|step|stepping) down\b|\bstand(ing)? again\b"
            r"|\bleav(e|ing) (office|politics|the council)\b",
        ),
        _group("gender", r"\bgender\b|^sex$|\byour sex\b"),
        _group("ethnicity", r"\bethnic(ity)?\b|\bethnic (group|background|origin)\b"),
        _group("disability", r"\bdisab(led|ility|ilities)\b|\blong term (health )?condition\b"),
        _group("lgbtq", r"\blgbt\w*\b|\bsexual orientation\b|\bsexuality\b|\bgay\b|\blesbian\b|\bbisexual\b"),
        _group("party", r"\bpart(y|ies)\b|\bpolitical group\b"),
        _group(
            "years_served",
            r"\byears? (served|as a councillor|on the council|in office)\b|\bhow long\b|\blength of service\b",
        ),
    ]
}
SUGGESTION_ORDER = (
    "reported_to_police",
    "reported_to_council",
    "considered_standing_down",
    "arrangements_effective",
    "felt_at_risk",
    "characteristics",
    "channels",
    "abuse_types",
    "frequency",
    "experienced_abuse",
    "lgbtq",
    "gender",
    "ethnicity",
    "disability",
    "party",
    "years_served",
)
# "Yes, several times" and "No - never" are yes and no; "No idea" is not.
_YES_NO_LEAD = re.compile(r"^\s*(yes|no)\s*[,;:.(\-\u2013]", re.IGNORECASE)


# --- suggesting and saving a wave's mapping ---------------------------------------------------------------


def suggest_measures(con: duckdb.DuckDBPyConnection, wave_id: str) -> dict[str, str | None]:
    """Each question of the wave (in order) and its measure: the saved choice for its wording, else the rules."""
    questions = _questions(con, wave_id)
    saved = dict(con.execute("SELECT question_key, measure FROM survey_measure_mappings").fetchall())
    mapping: dict[str, str | None] = {}
    for qid, text, _ in questions:
        if key(text) in saved:  # two wordings saved for one measure: the earlier question keeps it
            mapping[qid] = None if saved[key(text)] in mapping.values() else saved[key(text)]
    for qid, text, kind in questions:
        if qid not in mapping:
            mapping[qid] = _suggest(text, kind, taken=set(mapping.values()))
    return {qid: mapping[qid] for qid, _, _ in questions}


def _suggest(text: str, kind: str, taken: set[str | None]) -> str | None:
    folded = key(text)
    for name in SUGGESTION_ORDER:
        measure = MEASURES[name]
        if name not in taken and kind in FITTING_KINDS[measure.kind] and re.search(measure.cues, folded):
            return name
    return None


def save_measures(con: duckdb.DuckDBPyConnection, wave_id: str, mapping: dict[str, str | None], *, actor: str) -> None:
    """Save the user's confirmed measure (or None: no measure) for each question, keyed on its wording; a setting,
    so written to the audit trail as `actor`'s."""
    texts = {qid: text for qid, text, _ in _questions(con, wave_id)}
    unknown = [qid for qid in mapping if qid not in texts]
    if unknown:
        raise Refusal(f"Wave {wave_id} has no question {', '.join(unknown)}.")
    chosen = [measure for measure in mapping.values() if measure is not None]
    bad = sorted(set(chosen) - set(MEASURES))
    if bad:
        raise Refusal(f"Not a measure: {', '.join(bad)}; use one of {', '.join(MEASURES)}.")
    repeated = sorted({measure for measure in chosen if chosen.count(measure) > 1})
    if repeated:
        raise Refusal(f"Each measure can be given to one question only: {', '.join(repeated)}.")
    rows = [(key(texts[qid]), measure, clock.now()) for qid, measure in mapping.items()]
    with transaction(con):
        con.executemany("INSERT OR REPLACE INTO survey_measure_mappings VALUES (?, ?, ?)", rows)
        chosen_words = "; ".join(f"{qid}: {measure or 'no measure'}" for qid, measure in mapping.items())
        label = con.execute("SELECT label FROM survey_waves WHERE wave_id = ?", [wave_id]).fetchone()[0]
        audit.record(con, actor, audit.SETTING_CHANGED, f"survey measures of wave {label}", chosen_words)


def _questions(con: duckdb.DuckDBPyConnection, wave_id: str) -> list[tuple[str, str, str]]:
    sql = "SELECT question_id, text, kind FROM survey_questions WHERE wave_id = ? ORDER BY position"
    return con.execute(sql, [wave_id]).fetchall()


# --- answers in canonical values --------------------------------------------------------------------------


def mapped_answers(con: duckdb.DuckDBPyConnection, wave_id: str) -> dict[str, pd.DataFrame]:
    """For every measure, (respondent, value): the answers of the wave's question mapped to it, in the measure's
    canonical values. A several-of-list measure gives a row per respondent and value chosen; a measure no question
    is mapped to gives no rows.

    The respondent is categorical over every respondent of the wave in order, so its codes number them 0, 1, 2 ...
    alike in every measure. Each distinct answer is put in canonical values once: the database hands over the
    respondents who gave it, numbered, rather than a row a respondent."""
    question_of = {name: qid for qid, name in suggest_measures(con, wave_id).items() if name}
    respondents = [row[0] for row in con.execute(_RESPONDENTS, [wave_id]).fetchall()]
    given = con.execute(_GIVEN, [wave_id, list(question_of.values())]).df()
    by_question = dict(tuple(given.groupby("question_id", sort=False)))
    empty = given.iloc[:0]
    return {
        name: _canonical(by_question.get(question_of.get(name), empty), spec, respondents)
        for name, spec in MEASURES.items()
    }


_RESPONDENTS = "SELECT DISTINCT respondent FROM survey_answers WHERE wave_id = ? ORDER BY respondent"
_GIVEN = """
SELECT question_id, answer, list(number) AS numbers
FROM (SELECT question_id, answer, dense_rank() OVER (ORDER BY respondent) - 1 AS number
      FROM survey_answers WHERE wave_id = ?)
WHERE list_contains(?, question_id)
GROUP BY question_id, answer
"""


def _canonical(given: pd.DataFrame, spec: Measure, respondents: list[str]) -> pd.DataFrame:
    """A row per respondent and canonical value, from each distinct answer and the numbers of those who gave it
    (a survey tool may store each option a respondent chose as an answer of its own)."""
    if spec.kind == SEVERAL:
        values = _several_values(given["answer"], spec)
    elif spec.kind == GROUP:
        values = vocabulary.tidy(given["answer"])
    else:
        values = _scale_values(given["answer"], spec)
    numbers, named = [np.empty(0, dtype="int64")], [np.empty(0, dtype=object)]
    for who, value in zip(given["numbers"], values, strict=True):
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and one:
                numbers.append(np.asarray(who, dtype="int64"))
                named.append(np.full(len(who), one, dtype=object))
    return pd.DataFrame(
        {
            "respondent": pd.Categorical.from_codes(np.concatenate(numbers), categories=pd.Index(respondents)),
            "value": pd.array(np.concatenate(named), dtype="str"),
        }
    ).drop_duplicates(ignore_index=True)


def _scale_values(answers: pd.Series, spec: Measure) -> pd.Series:
    table = spec.lookup()

    def convert(text: str) -> str | None:
        lead = _YES_NO_LEAD.match(text) if spec.kind == YES_NO else None
        return table.get(key(text)) or (lead.group(1).lower() if lead else None)

    return vocabulary.over_distinct(answers, convert)[0]


def _several_values(answers: pd.Series, spec: Measure) -> pd.Series:
    """Each answer's canonical values as a list (an option may itself hold several: "Facebook, Email")."""
    joined, _ = vocabulary.map_multi(answers, spec.vocabulary_field)
    return joined.map(lambda text: text.split("; "), na_action="ignore")
