"""What each kind of import holds: its canonical fields, their kinds, the council's name for each, and the words
headers use for them (matched by analytics.ingest.headers)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    # text, free_text (kept as written), date, year, one (of a value list), several (of a list), yes_no
    kind: str
    label: str  # what the council calls it, in every sentence the user reads
    words: tuple[str, ...] = ()  # words and short phrases headers use for it (see analytics.ingest.headers)
    required: bool = False
    shown_as: str = ""  # the shorter name a recorded incident's detail gives it, where that differs from `label`


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

    def labels(self, names: list[str]) -> list[str]:
        return [self.field(name).label for name in names]


_WARD = ("ward", "ward name", "division", "electoral division", "electoral area", "area", "patch", "code")

INCIDENTS = Dataset(
    name="incidents",
    label="incident log",
    table="incidents",
    key_column="incident_key",
    versions_table="incident_versions",
    fields=(
        Field("incident_ref", "text", "Reference", ("ref", "id", "number", "case", "log", "incident", "identifier")),
        Field(
            "occurred_on",
            "date",
            "Date of incident",
            ("date", "when", "time", "day", "occurred", "happen", "incident", "abuse", "event"),
            required=True,
            shown_as="Date",
        ),
        Field(
            "reported_on",
            "date",
            "Date reported",
            ("reported", "logged", "recorded", "received", "notified", "report"),
            shown_as="Reported to the council",
        ),
        Field(
            "councillor",
            "text",
            "Councillor",
            ("cllr", "member", "elected member", "name", "affected", "victim", "target", "targeted", "person"),
            required=True,
        ),
        Field("ward", "text", "Ward", _WARD, required=True),
        Field(
            "channel",
            "one",
            "Channel",
            ("how", "means", "contact", "method", "medium", "route", "way", "received", "via", "mode", "source"),
            required=True,
            shown_as="How",
        ),
        Field("platform", "text", "Platform", ("site", "app", "social media", "website", "network")),
        Field(
            "abuse_types",
            "several",
            "Type of abuse",
            ("type", "abuse", "category", "nature", "kind", "incident type", "what kind"),
            required=True,
        ),
        Field(
            "protected_characteristics",
            "several",
            "Protected characteristic",
            (
                "hate",
                "hate element",
                "hate crime",
                "equality strand",
                "motivated",
                "motivation",
                "prejudice",
                "bias",
                "aggravated",
            ),
        ),
        Field(
            "perpetrator_ref",
            "text",
            "Perpetrator",
            ("offender", "alleged", "sender", "account", "handle", "who", "suspect", "abuser", "username"),
        ),
        Field(
            "perpetrator_type",
            "one",
            "Type of perpetrator",
            ("offender type", "offender", "perpetrator category", "category", "kind"),
        ),
        Field(
            "threat_level",
            "one",
            "Threat level",
            ("threat", "risk", "severity", "seriousness", "serious", "rating", "priority", "grade"),
        ),
        Field(
            "reported_to_police",
            "yes_no",
            "Reported to police",
            ("police", "informed", "involved", "notified", "police informed", "police involved"),
            shown_as="Reported to the police",
        ),
        Field(
            "police_reference",
            "text",
            "Police reference",
            ("crime", "crime number", "number", "urn", "ref"),
            shown_as="Crime reference",
        ),
        Field(
            "council_action",
            "several",
            "Action taken",
            ("action", "response", "council response", "outcome", "done", "follow up"),
            shown_as="Council action",
        ),
        Field("status", "one", "Status", ("case status", "open closed", "state", "stage", "progress")),
        Field(
            "description",
            "free_text",
            "Description",
            ("detail", "summary", "note", "narrative", "what", "what happened", "comment", "information"),
            shown_as="What happened",
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
        Field("councillor_id", "text", "Councillor ID", ("cllr id", "member id", "id", "reference", "number")),
        Field("name", "text", "Name", ("councillor", "cllr", "member", "full name", "councillor name"), required=True),
        Field("ward", "text", "Ward", _WARD, required=True),
        Field("party", "text", "Party", ("group", "political", "political group", "affiliation"), required=True),
        Field("role", "text", "Role", ("position", "post", "responsibility", "portfolio")),
        Field("gender", "text", "Gender", ("sex",)),
        Field("ethnicity", "text", "Ethnicity", ("ethnic", "ethnic group", "ethnic origin", "background")),
        Field("disability", "text", "Disability", ("disabled",)),
        Field("lgbtq", "text", "LGBTQ+", ("lgbt", "lgbtqia", "lgb", "sexual orientation")),
        Field("first_elected", "year", "First elected", ("elected", "year", "year first elected")),
        Field("risk_level", "one", "Risk level", ("risk", "risk rating", "current risk level", "rating")),
        Field(
            "risk_assessed_on",
            "date",
            "Date of risk assessment",
            ("risk assessed", "last risk assessment", "risk assessment", "date"),
        ),
        Field(
            "own_assessment_on",
            "date",
            "Own risk assessment",
            ("own", "self", "self assessment", "own assessment", "self assessed"),
        ),
        Field(
            "mitigations",
            "several",
            "Mitigations",
            ("mitigation", "safety measure", "measures in place", "support in place", "security", "protection"),
        ),
        Field(
            "safety_training_on",
            "date",
            "Safety training",
            ("training", "trained", "course", "personal safety training", "training date"),
        ),
    ),
)

WARDS = Dataset(
    name="wards",
    label="ward register",
    table="wards",
    key_column="ward_code",
    fields=(
        Field("ward_code", "text", "Ward code", ("gss code", "code"), required=True),
        Field("ward_name", "text", "Ward name", ("ward", "name", "division"), required=True),
        Field("authority_code", "text", "Authority code", ("lad code", "local authority code", "code"), required=True),
        Field(
            "authority_name",
            "text",
            "Local authority",
            ("authority", "lad name", "council", "local authority name", "name"),
            required=True,
        ),
        Field("ward_name_welsh", "text", "Ward name (Welsh)", ("welsh",)),
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
