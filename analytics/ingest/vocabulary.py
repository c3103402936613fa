"""The data contract's value lists, and the words councils really write for them.

Every list maps a *key* (lower case, punctuation folded to single spaces) to the canonical value. Columns are
normalised over their distinct values only, so a million-row file costs as much as its few hundred distinct
spellings.
"""

from __future__ import annotations

import re

import pandas as pd

CHANNELS = [
    "in person",
    "ward surgery",
    "at home / doorstep",
    "public or council meeting",
    "social media",
    "email",
    "phone",
    "letter",
    "text or messaging app",
    "other",
]
SOCIAL_PLATFORMS = ["Facebook", "X", "Instagram", "TikTok", "Nextdoor", "YouTube", "LinkedIn", "Threads"]
ABUSE_TYPES = [
    "verbal abuse",
    "harassment (repeated unwanted contact)",
    "intimidation",
    "threat of violence",
    "death threat",
    "threat to property",
    "damage to property",
    "physical assault",
    "stalking",
    "hate incident",
    "sexual harassment",
    "misinformation or defamation",
    "personal information published",
    "unwanted visit to home",
    "other",
]
PROTECTED_CHARACTERISTICS = [
    "age",
    "disability",
    "gender reassignment",
    "marriage and civil partnership",
    "pregnancy and maternity",
    "race",
    "religion or belief",
    "sex",
    "sexual orientation",
]
PERPETRATOR_TYPES = ["member of the public", "organised group", "another councillor", "unknown or anonymous"]
THREAT_LEVELS = ["low", "medium", "high", "critical"]  # lowest first: this order is how threats rank everywhere
SERIOUS_THREATS = ("high", "critical")  # "serious": what the headline counts, reviews cover and risk rules weigh
COUNCIL_ACTIONS = [
    "none",
    "advice given",
    "warning letter",
    "injunction sought",
    "added to potentially violent persons register",
    "security provided",
    "other",
]
STATUSES = ["open", "under review", "closed"]
RISK_LEVELS = ["low", "medium", "high"]
MITIGATIONS = [
    "personal safety alarm",
    "lone-worker device",
    "safety app",
    "separate council phone",
    "home security assessment",
    "cctv or video doorbell",
    "address withheld",
    "security at meetings",
    "other",
]

_ALIASES: dict[str, dict[str, str]] = {
    "channel": {
        "face to face": "in person",
        "f2f": "in person",
        "in person": "in person",
        "verbal": "in person",
        "surgery": "ward surgery",
        "ward surgery": "ward surgery",
        "at home": "at home / doorstep",
        "home": "at home / doorstep",
        "doorstep": "at home / doorstep",
        "home visit": "at home / doorstep",
        "meeting": "public or council meeting",
        "council meeting": "public or council meeting",
        "public meeting": "public or council meeting",
        "social media": "social media",
        "online": "social media",
        "e mail": "email",
        "telephone": "phone",
        "phone call": "phone",
        "voicemail": "phone",
        "post": "letter",
        "text": "text or messaging app",
        "text message": "text or messaging app",
        "sms": "text or messaging app",
        "whatsapp": "text or messaging app",
        "messaging app": "text or messaging app",
        **{platform.lower(): "social media" for platform in SOCIAL_PLATFORMS},
        "twitter": "social media",
        "x twitter": "social media",
    },
    "abuse_types": {
        "verbal": "verbal abuse",
        "abuse": "verbal abuse",
        "harassment": "harassment (repeated unwanted contact)",
        "repeated unwanted contact": "harassment (repeated unwanted contact)",
        "intimidating behaviour": "intimidation",
        "threats of violence": "threat of violence",
        "violent threat": "threat of violence",
        "threat to kill": "death threat",
        "death threats": "death threat",
        "threat to damage property": "threat to property",
        "criminal damage": "damage to property",
        "property damage": "damage to property",
        "assault": "physical assault",
        "violence": "physical assault",
        "hate crime": "hate incident",
        "misinformation": "misinformation or defamation",
        "defamation": "misinformation or defamation",
        "disinformation": "misinformation or defamation",
        "personal info published": "personal information published",
        "doxxing": "personal information published",
        "doxing": "personal information published",
        "address published": "personal information published",
        "visit to home": "unwanted visit to home",
        "home visit": "unwanted visit to home",
    },
    "protected_characteristics": {
        "racist": "race",
        "racism": "race",
        "racial": "race",
        "ethnicity": "race",
        "homophobic": "sexual orientation",
        "homophobia": "sexual orientation",
        "biphobic": "sexual orientation",
        "misogynistic": "sex",
        "misogyny": "sex",
        "misogynist": "sex",
        "sexist": "sex",
        "sexism": "sex",
        "gender": "sex",
        "transphobic": "gender reassignment",
        "transphobia": "gender reassignment",
        "antisemitic": "religion or belief",
        "anti semitic": "religion or belief",
        "antisemitism": "religion or belief",
        "islamophobic": "religion or belief",
        "islamophobia": "religion or belief",
        "religion": "religion or belief",
        "religious": "religion or belief",
        "ableist": "disability",
        "disablist": "disability",
        "ageist": "age",
        "pregnancy": "pregnancy and maternity",
        "maternity": "pregnancy and maternity",
        "marriage": "marriage and civil partnership",
    },
    "perpetrator_type": {
        "public": "member of the public",
        "resident": "member of the public",
        "constituent": "member of the public",
        "group": "organised group",
        "councillor": "another councillor",
        "fellow councillor": "another councillor",
        "unknown": "unknown or anonymous",
        "anonymous": "unknown or anonymous",
    },
    "threat_level": {"1": "low", "2": "medium", "3": "high", "4": "critical"},
    "council_action": {
        "no action": "none",
        "advice": "advice given",
        "advised": "advice given",
        "letter": "warning letter",
        "injunction": "injunction sought",
        "pvp register": "added to potentially violent persons register",
        "added to pvp register": "added to potentially violent persons register",
        "pvpr": "added to potentially violent persons register",
        "security": "security provided",
    },
    "status": {
        "in progress": "under review",
        "reviewing": "under review",
        "resolved": "closed",
        "new": "open",
    },
    "risk_level": {"1": "low", "2": "medium", "3": "high"},
    "mitigations": {
        "alarm": "personal safety alarm",
        "panic alarm": "personal safety alarm",
        "lone worker device": "lone-worker device",
        "app": "safety app",
        "council phone": "separate council phone",
        "home security": "home security assessment",
        "cctv": "cctv or video doorbell",
        "video doorbell": "cctv or video doorbell",
        "cctv / video doorbell": "cctv or video doorbell",
        "cctv and video doorbell": "cctv or video doorbell",
        "ring doorbell": "cctv or video doorbell",
        "address withheld": "address withheld",
        "meeting security": "security at meetings",
    },
}

VALUE_LISTS: dict[str, list[str]] = {
    "channel": CHANNELS,
    "abuse_types": ABUSE_TYPES,
    "protected_characteristics": PROTECTED_CHARACTERISTICS,
    "perpetrator_type": PERPETRATOR_TYPES,
    "threat_level": THREAT_LEVELS,
    "council_action": COUNCIL_ACTIONS,
    "status": STATUSES,
    "risk_level": RISK_LEVELS,
    "mitigations": MITIGATIONS,
}

_YES = {"yes", "y", "true", "1", "t"}
_NO = {"no", "n", "false", "0", "f"}
_UNTIDY_SPACING = ("  ", "\t", "\n", "\r", "\xa0")
_MULTI_SEPARATORS = re.compile(r"[;,\n\r]+")


_APOSTROPHES = re.compile(r"['\u2019]")
_PUNCTUATION = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """Fold case, punctuation and spacing so that 'St. John's' and 'st johns' compare equal."""
    return _PUNCTUATION.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def lookup(field: str) -> dict[str, str]:
    """Every key that names a value of `field`: the canonical values themselves, then the aliases."""
    table = {key(value): value for value in VALUE_LISTS[field]}
    table.update({key(alias): value for alias, value in _ALIASES.get(field, {}).items()})
    return table


def over_distinct(series: pd.Series, convert, dtypes: tuple[str, ...] = ("str",)) -> list[pd.Series]:
    """Apply `convert` once to each distinct value and spread the results back over the column.

    `convert` returns one value, or a tuple of len(dtypes) values; each output column gets its dtype. Missing
    cells give missing results. Columns hold far fewer distinct values than cells, so this is where the speed
    of a large import comes from.
    """
    codes, uniques = pd.factorize(series, sort=False)
    results = [convert(value) for value in uniques]
    columns = list(zip(*results, strict=True)) if len(dtypes) > 1 else [results]
    if not results:
        columns = [[] for _ in dtypes]
    return [
        pd.Series(pd.array([*values, None], dtype=dtype).take(codes), index=series.index)
        for values, dtype in zip(columns, dtypes, strict=True)
    ]


def keys(texts: pd.Series) -> pd.Series:
    """`key` for a whole column."""
    return over_distinct(texts, key)[0]


def tidy(texts: pd.Series) -> pd.Series:
    """Surrounding and repeated white space removed; a blank cell becomes missing."""
    tidied = texts.astype("str").str.strip()
    messy = pd.Series(False, index=texts.index)
    for spacing in _UNTIDY_SPACING:
        messy |= tidied.str.contains(spacing, regex=False).fillna(False).astype(bool)
    if messy.any():
        tidied[messy] = over_distinct(tidied[messy], lambda text: " ".join(text.split()))[0]
    return tidied.where(tidied != "", None)


def map_single(series: pd.Series, field: str) -> pd.Series:
    """Canonical value for each cell; '' for a blank cell; missing where the word is not recognised."""
    table = lookup(field)

    def convert(text: str):
        folded = key(text)
        return "" if not folded else table.get(folded)

    return over_distinct(series, convert)[0]


def map_multi(series: pd.Series, field: str) -> tuple[pd.Series, pd.Series]:
    """Split cells holding several values and map each one.

    Returns the canonical values joined by '; ' (in list order, '' when blank) and, per cell, the words that
    were not recognised joined by ', ' ('' when all were).
    """
    table = lookup(field)
    order = {value: position for position, value in enumerate(VALUE_LISTS[field])}

    def convert(text: str) -> tuple[str, str]:
        found, unknown = set(), []
        for part in _MULTI_SEPARATORS.split(text):
            folded = key(part)
            if not folded:
                continue
            if folded in table:
                found.add(table[folded])
            else:
                unknown.append(part.strip())
        return "; ".join(sorted(found, key=order.__getitem__)), ", ".join(unknown)

    values, unknown = over_distinct(series, convert, ("str", "str"))
    return values, unknown


def map_yes_no(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(True, False or missing for a blank 'unknown'; whether the cell is neither yes nor no)."""

    def convert(text: str) -> tuple[bool | None, bool]:
        folded = key(text)
        if folded in _YES:
            return True, False
        if folded in _NO:
            return False, False
        return None, bool(folded)

    values, invalid = over_distinct(series, convert, ("boolean", "boolean"))
    return values, invalid.fillna(False).astype(bool)


def platform_from_channel(series: pd.Series) -> pd.Series:
    """The platform named in a channel cell ('Facebook' -> 'Facebook'), missing when the channel names none."""
    platforms = {key(name): name for name in SOCIAL_PLATFORMS} | {"twitter": "X", "x twitter": "X"}
    return over_distinct(series, lambda text: platforms.get(key(text)))[0]
