"""What each kind of import holds: its canonical fields, their kinds, and the headers councils use for them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analytics.vocabulary import key


@dataclass(frozen=True)
class Field:
    name: str
    # text, free_text (kept as written), date, year, one (of a value list), several (of a list), yes_no
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    sensitive: bool = False


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    fields: tuple[Field, ...]
    table: str
    key_column: str
    versions_table: str | None = None  # where the previous version of a changed record is kept
    header_patterns: tuple[tuple[str, str], ...] = field(default=())  # (regex on the header key, field name)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


INCIDENTS = Dataset(
    name="incidents",
    label="incident log",
    table="incidents",
    key_column="incident_key",
    versions_table="incident_versions",
    fields=(
        Field(
            "incident_ref",
            "text",
            aliases=(
                "ref",
                "reference",
                "incident id",
                "incident ref",
                "incident no",
                "log no",
                "log number",
                "case ref",
                "case number",
                "id",
            ),
        ),
        Field(
            "occurred_on",
            "date",
            required=True,
            aliases=(
                "date",
                "date of incident",
                "incident date",
                "date occurred",
                "when",
                "date of abuse",
                "occurred",
            ),
        ),
        Field("reported_on", "date", aliases=("date reported", "reported", "reported date", "date logged")),
        Field(
            "councillor",
            "text",
            required=True,
            aliases=(
                "cllr",
                "councillor name",
                "member",
                "member name",
                "name of councillor",
                "councillor affected",
                "target",
                "victim",
            ),
        ),
        Field(
            "ward",
            "text",
            required=True,
            aliases=("ward name", "division", "electoral division", "ward code"),
        ),
        Field(
            "channel",
            "one",
            required=True,
            aliases=("how", "how channel", "medium", "method", "route", "source"),
        ),
        Field("platform", "text", aliases=("social media platform", "site", "app")),
        Field(
            "abuse_types",
            "several",
            required=True,
            aliases=(
                "type of abuse",
                "abuse type",
                "type",
                "types of abuse",
                "nature of abuse",
                "category",
                "incident type",
            ),
        ),
        Field(
            "protected_characteristics",
            "several",
            sensitive=True,
            aliases=(
                "protected characteristic",
                "protected characteristic s",
                "characteristic",
                "characteristics",
                "hate element",
                "equality strand",
            ),
        ),
        Field(
            "perpetrator_ref",
            "text",
            sensitive=True,
            aliases=("perpetrator", "offender", "alleged perpetrator", "who", "sender", "account", "handle"),
        ),
        Field(
            "perpetrator_type",
            "one",
            aliases=("offender type", "type of perpetrator", "perpetrator category"),
        ),
        Field("threat_level", "one", aliases=("threat", "risk", "severity", "level", "threat rating")),
        Field(
            "reported_to_police",
            "yes_no",
            aliases=("police", "reported to police y n", "police informed", "police involved"),
        ),
        Field("police_reference", "text", aliases=("crime ref", "crime reference", "crime number", "police ref")),
        Field("council_action", "several", aliases=("action taken", "action", "actions", "council response")),
        Field("status", "one", aliases=("case status", "open closed")),
        Field(
            "description",
            "free_text",
            sensitive=True,
            aliases=("details", "summary", "notes", "what happened", "narrative"),
        ),
    ),
)

COUNCILLORS = Dataset(
    name="councillors",
    label="councillor register",
    table="councillors",
    key_column="councillor_key",
    versions_table="councillor_versions",
    fields=(
        Field("councillor_id", "text", aliases=("cllr id", "member id", "id", "councillor ref")),
        Field(
            "name",
            "text",
            required=True,
            aliases=("councillor", "councillor name", "cllr", "member", "member name", "full name"),
        ),
        Field("ward", "text", required=True, aliases=("ward name", "division", "electoral division")),
        Field(
            "party",
            "text",
            required=True,
            aliases=("party group", "group", "political group", "political party"),
        ),
        Field("role", "text", aliases=("position", "post", "responsibility")),
        Field("gender", "text", sensitive=True, aliases=("sex",)),
        Field("ethnicity", "text", sensitive=True, aliases=("ethnic group", "ethnic origin")),
        Field("disability", "text", sensitive=True, aliases=("disabled",)),
        Field("lgbtq", "text", sensitive=True, aliases=("lgbt", "lgbtq+", "lgbtqia", "sexual orientation")),
        Field("first_elected", "year", aliases=("elected", "year first elected", "first elected year")),
        Field("risk_level", "one", aliases=("risk", "risk rating", "current risk level")),
        Field(
            "risk_assessed_on",
            "date",
            aliases=(
                "risk assessed",
                "risk assessment date",
                "last risk assessment",
                "date of risk assessment",
            ),
        ),
        Field(
            "own_assessment_on",
            "date",
            aliases=("own risk assessment", "self assessment", "own assessment", "self assessed on"),
        ),
        Field(
            "mitigations",
            "several",
            aliases=("mitigations in place", "safety measures", "measures in place", "support in place"),
        ),
        Field(
            "safety_training_on",
            "date",
            aliases=("safety training", "training date", "last safety training", "personal safety training"),
        ),
    ),
)

WARDS = Dataset(
    name="wards",
    label="ward register",
    table="wards",
    key_column="ward_code",
    fields=(
        Field("ward_code", "text", required=True, aliases=("ward code", "gss code")),
        Field("ward_name", "text", required=True, aliases=("ward", "ward name")),
        Field("authority_code", "text", required=True, aliases=("lad code", "local authority code")),
        Field(
            "authority_name",
            "text",
            required=True,
            aliases=("local authority", "lad name", "authority", "council"),
        ),
        Field("ward_name_welsh", "text", aliases=("ward name welsh",)),
    ),
    # ONS publishes one column set per year: WD19CD, WD23NM, LAD24CD ...
    header_patterns=(
        (r"^wd\d{2}cd$", "ward_code"),
        (r"^wd\d{2}nm$", "ward_name"),
        (r"^wd\d{2}nmw$", "ward_name_welsh"),
        (r"^lad\d{2}cd$", "authority_code"),
        (r"^lad\d{2}nm$", "authority_name"),
    ),
)

DATASETS = {dataset.name: dataset for dataset in (INCIDENTS, COUNCILLORS, WARDS)}


def field_for_header(dataset: Dataset, header: str) -> str | None:
    """The canonical field a header names, by its own name, an alias, or a pattern; None if unknown."""
    folded = key(header)
    for candidate in dataset.fields:
        if folded == key(candidate.name) or folded in {key(alias) for alias in candidate.aliases}:
            return candidate.name
    compact = folded.replace(" ", "")
    for pattern, name in dataset.header_patterns:
        if re.match(pattern, compact):
            return name
    return None
