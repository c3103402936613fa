"""The council's words for every field, measure and category: the one place pages, exports and the Import page's
mapping take a label from, so a person never reads a database name (incident_ref, experienced_abuse) or a value
list's lower-case key.

Fields take the label the data contract gives them (analytics.ingest.datasets); survey measures, national measures
and the columns the dashboard works out take theirs here. Categories are the value lists' own words in sentence case
("Social media"), with a gloss where a word alone does not say what it means.
"""

from __future__ import annotations

import re

import pandas as pd

from analytics.ingest.datasets import DATASETS

DERIVED = "(derived)"
_ACRONYM = re.compile(r"\b(cctv|pvp)\b")  # the value lists' abbreviations, written in capitals
GLOSSES = {
    DERIVED: "'(derived)': no threat level was recorded, so the level shown is the one the triage rules give.",
    "Complete": "'Complete' says whether the month or quarter is over: the latest is still under way.",
}

_FIELDS = {field.name: field.label for dataset in DATASETS.values() for field in dataset.fields}
_WORKED_OUT = {
    "threat_derived": "Threat level (derived)",
    "incident_key": "Incident",
    "councillor_key": "Councillor",
    "perpetrator_key": "Perpetrator",
    "abuse_type": "Type of abuse",
    "characteristic": "Protected characteristic",
    "rolling_average": "Rolling average",
    "year_before": "A year before",
    "change_on_year_pct": "Change on a year (%)",
    "complete": "Complete",
    "locked_until": "Locked until",
    "last_signed_in": "Last signed in",
}
SURVEY_MEASURES = {
    "experienced_abuse": "Experienced abuse in the last 12 months",
    "frequency": "How often abuse happened",
    "felt_at_risk": "Felt at risk",
    "arrangements_effective": "Council's arrangements effective",
    "reported_to_police": "Reported to the police",
    "reported_to_council": "Reported to the council",
    "considered_standing_down": "Considered standing down",
    "characteristics": "Protected characteristic",
    "channels": "How (channel)",
    "abuse_types": "Type of abuse",
    "lgbtq": "LGBTQ+",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "party": "Party",
    "years_served": "Years served",
}
NATIONAL_MEASURES = {
    "experienced_abuse_last_12_months": "Experienced abuse in the last 12 months",
    "experienced_abuse_frequently": "Experienced abuse frequently",
    "felt_at_risk": "Felt at risk",
    "council_arrangements_effective": "Council's arrangements effective",
    "reported_to_police": "Reported to the police",
    "threat_of_violence": "Threat of violence",
    "threat_of_violence_or_death": "Threat of violence or death",
    "threat_of_property_damage": "Threat of damage to property",
    "actual_property_damage": "Damage to property",
    "actual_violence": "Physical violence",
    "intimidating_visit_to_home": "Intimidating visit to their home",
    "personal_information_published": "Personal information published",
    "misinformation_published": "Misinformation published",
    "abuse_related_to_protected_characteristic": "Abuse related to a protected characteristic",
    "abused_online": "Abused online",
    "abused_in_person": "Abused in person",
    "never_experienced_abuse": "Never experienced abuse",
}
LABELS = _WORKED_OUT | SURVEY_MEASURES | NATIONAL_MEASURES | _FIELDS  # a field keeps the contract's label


def label(name: str) -> str:
    """The council's word for a field, measure or worked-out column; a name it does not know, in sentence case."""
    return LABELS.get(name) or category(name.replace("_", " "))


def labelled_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every column named in the council's words."""
    return frame.rename(columns={name: label(name) for name in frame.columns if isinstance(name, str)})


def category(value: object) -> str:
    """A value list's word in sentence case ("social media" is "Social media", "cctv" is "CCTV"); a missing one is
    blank."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    text = _ACRONYM.sub(lambda word: word.group().upper(), str(value))
    return text[:1].upper() + text[1:]


def categories(value: object) -> str:
    """Several of a value list's words, written "a; b" or as a list, each in sentence case."""
    if isinstance(value, list | tuple):
        return "; ".join(category(item) for item in value)
    return "; ".join(category(item) for item in category(value).split("; ")) if category(value) else ""


def yes_no(value: object) -> str:
    """A yes/no as a person writes it: Yes, No, or blank when not recorded."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, str):
        return category(value)
    return "Yes" if value else "No"
