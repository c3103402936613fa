"""Deterministic generator of a FICTIONAL council's messy spreadsheets.

Fernwick District Council does not exist. Every ward, ward code, councillor, perpetrator, social media handle,
e-mail address (on the reserved example.com/.org/.net domains), crime reference and incident written here is
invented; any resemblance to real people is coincidence. The files imitate what councils actually keep, so the
importer, the quarantine and the analysis pages have realistic material to work on:

- ``wards.csv``: a ward register in the shape of the ONS "Ward to Local Authority District" lookup;
- ``councillor_register.csv``: a Windows-1252 CSV export from an HR system;
- ``incident_log.xlsx`` (or ``.csv`` for benchmark sizes): the safety team's own log, with a title row, mixed
  date forms, free-text channels, four repeat perpetrators written inconsistently, a spike of social media abuse
  in Castle Hill in September-October 2026 and exactly five rows the importer must quarantine.

The council is designed as it stood when its log was exported on 1 November 2026 (`DESIGNED_LAST_MONTH` is the
log's last month). `months_later` moves every date in every file by whole calendar months, so that the same story
ends in any month: the dashboard loads it moved to end in the latest complete month (analytics.sample.demo), and the
files committed in sample_data/ are the design itself (months_later=0). Moving a date keeps it in its place in its
month (31 January one month later is 28 or 29 February), so every monthly count, and so every trend, rise and
risk, is the design's; no random draw depends on the move, so a given move always writes the same bytes.

Generation is vectorised with numpy/pandas: only the (fixed, 50-row) register and the xlsx cell writing loop in
Python, so a million-incident CSV takes well under a minute.
"""

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

START, END = pd.Timestamp("2023-11-01"), pd.Timestamp("2026-10-31")
DESIGNED_LAST_MONTH = date(2026, 10, 1)  # the month END falls in
LOG_MONTHS = 36
TITLE = "Fernwick District Council - councillor abuse and intimidation log (FICTIONAL SAMPLE DATA)"
SPIKE_WARD = "Castle Hill"
SPIKE_TOPIC = "the Castle Meadows housing scheme"
PLANNING_COMMITTEE = pd.Timestamp("2026-10-14")  # the spike builds up to this meeting
SPIKE_FACTOR = 6  # spike months add this many times Castle Hill's usual monthly social media incidents
MIN_INCIDENTS = 200
_STAMP = datetime(2026, 11, 1, 8, 0, 0)  # the export: the note above the headers and the file times (byte-stable)
_SPOILED_MONTH = pd.Timestamp("2026-02-01")  # the month of the row given an impossible date
_COLUMN_WIDTHS = (14, 14, 14, 24, 20, 16, 12, 30, 22, 30, 20, 12, 12, 16, 30, 12, 60)

INCIDENT_HEADERS = (
    "Ref", "Date of incident", "Date reported", "Councillor", "Ward", "How (channel)", "Platform",
    "Type of abuse", "Protected characteristic(s)", "Perpetrator", "Perpetrator type", "Threat level",
    "Reported to police? (Y/N)", "Crime ref", "Action taken", "Status", "Description",
)  # fmt: skip
REGISTER_HEADERS = (
    "Cllr ID", "Councillor name", "Ward", "Party/Group", "Role", "Gender", "Ethnicity", "Disability", "LGBTQ+",
    "First elected", "Risk level", "Risk assessed", "Own risk assessment", "Mitigations in place",
    "Safety training",
)  # fmt: skip

# Fernwick's wards and their seats (12 x 3 + 6 x 2 + 2 x 1 = 50 councillors), then a neighbouring authority.
_WARDS = (
    ("Abbeyfield", 3), ("Ashby Green", 2), ("Brackenfield", 3), ("Castle Hill", 3), ("Fernwick Central", 3),
    ("Fernwick North", 3), ("Harrowdene", 2), ("Hollins Cross", 1), ("Kingsmead", 3), ("Langdon Vale", 2),
    ("Millbrook", 3), ("Northgate", 3), ("Oakhurst", 2), ("Priory Fields", 1), ("Riverside", 3),
    ("St. John's", 3), ("St. Mary's and Wellbrook", 2), ("Southmoor", 3), ("Thornley", 2), ("Westerleigh", 3),
)  # fmt: skip
_LAD = ("E07999901", "Fernwick")
_OTHER_LAD = ("E07999902", "Marlden Vale", ("Marlden", "Netherby Cross", "Upper Swainsford"))

_ROSTER = """\
Zoë Hartigan|Woman|White
Siân Pryce-Morgan|Woman|White
Priya Ramanathan|Woman|Asian or Asian British
Amara Okonkwo-Hale|Woman|Black or Black British
Renée Castell|Woman|White
Chloé Marchetti|Woman|White
Margaret Ellery|Woman|White
Helen Strickmore|Woman|White
Fatima Hussain-Carr|Woman|Asian or Asian British
Grace Adebayo-Lowe|Woman|Black or Black British
Rachel Dunmore|Woman|
Lucy Haverill|Woman|White
Bronwen Tallis|Woman|White
Naomi Achterberg|Woman|White
Sarah Quennell|Woman|White
Jasmine Kaur-Bell|Woman|Mixed
Eleanor Wragge|Woman|White
Kirsty McFadzean|Woman|White
Aisha Rahman-Holt|Woman|Asian or Asian British
Dawn Pilkington|Woman|White
Ruth Abernethy|Woman|White
Tom Ashcombe|Man|White
David Lorrimer|Man|White
Imran Qureshi-Dale|Man|Asian or Asian British
Kwame Asante-Reid|Man|Black or Black British
Peter Grimsdale|Man|White
Michael Oduya|Man|Black or Black British
Gareth Llewellyn-Rhys|Man|White
Raj Mistry-Hollins|Man|Asian or Asian British
Stephen Banfield|Man|
Andrew Colquhoun|Man|White
Neil Hetherington|Man|White
Joseph Nwachukwu-Barr|Man|Black or Black British
Liam O'Rourke|Man|White
Mark Tennant|Man|White
Hugh Ravenscroft|Man|White
Daniel Sefton|Man|Mixed
Paul Attwater|Man|White
Simon Kettlewell|Man|
Graham Olerenshaw|Man|White
Ian Brackley|Man|White
Mohammed Sadiq-Ellis|Man|Asian or Asian British
Richard Penhaligon|Man|White
Jonathan Fairweather|Man|White
Kevin Dunstable|Man|White
Samuel Okafor-Greene|Man|Black or Black British
François Delacourt|Man|White
José Almeida|Man|White
Martin Whitlock|Man|
Alex Penrose|Prefer not to say|"""

_FIRST_ELECTED = (
    ("1999", "2003", "2007", "2011", "2015", "2019", "2021", "2023"),
    (0.03, 0.04, 0.06, 0.09, 0.15, 0.28, 0.05, 0.30),
)  # election years (2021: by-elections) and their shares
_PARTY_SEATS = {"Labour": 18, "Conservative": 14, "Liberal Democrat": 8, "Green": 4, "Independent": 6}
_ROLE_WEIGHT = {"Leader": 3.0, "Deputy Leader": 2.0, "Cabinet member": 1.6, "Committee chair": 1.2, "Backbench": 1}
_MITIGATIONS = (
    "Personal safety alarm", "Lone-worker device", "Safety app", "Separate council phone",
    "Home security assessment", "CCTV / video doorbell", "Address withheld", "Security at meetings",
)  # fmt: skip

_MITIGATION_COUNT_P = {"High": (0.05, 0.3, 0.4, 0.25), "Medium": (0.3, 0.4, 0.25, 0.05), "Low": (0.6, 0.3, 0.1, 0)}

# How staff write the channel, its group, % of ordinary incidents and % of the Castle Hill spike.
_CHANNELS = (
    ("Facebook", "social", 15, 40), ("X", "social", 7, 15), ("Twitter", "social", 5, 5),
    ("Instagram", "social", 4, 5), ("TikTok", "social", 3, 5), ("Nextdoor", "social", 4, 20),
    ("Social media", "social", 7, 10), ("Email", "email", 15, 0), ("E-mail", "email", 5, 0),
    ("In person", "in_person", 6, 0), ("Face to face", "in_person", 4, 0), ("Ward surgery", "surgery", 3, 0),
    ("Surgery", "surgery", 2, 0), ("Phone", "phone", 6, 0), ("Voicemail", "phone", 2, 0),
    ("Council meeting", "meeting", 2.5, 0), ("At home", "home", 2, 0), ("Doorstep", "home", 1.5, 0),
    ("Letter", "letter", 2.5, 0), ("WhatsApp", "messaging", 1.5, 0), ("SMS", "messaging", 1, 0),
    ("Other", "other", 1, 0),
)  # fmt: skip
_PLATFORM = {name: name for name in ("Facebook", "X", "Instagram", "TikTok", "Nextdoor")} | {"Twitter": "X"}
_UNNAMED_PLATFORMS = (("Facebook", "X", "Instagram", "TikTok", "YouTube", ""), (0.35, 0.25, 0.15, 0.1, 0.1, 0.05))
_PROFILE_URL = {
    "Facebook": "https://www.facebook.com/",
    "X": "https://x.com/",
    "Instagram": "https://www.instagram.com/",
    "TikTok": "https://www.tiktok.com/@",
    "YouTube": "https://www.youtube.com/@",
}
_P_PERPETRATOR_KNOWN = {
    "social": 0.7,
    "email": 0.85,
    "in_person": 0.55,
    "surgery": 0.6,
    "home": 0.45,
    "meeting": 0.7,
    "phone": 0.3,
    "letter": 0.35,
    "messaging": 0.5,
    "other": 0.2,
}  # chance that staff record who did it, by channel group
_CHANNEL_PHRASE = {
    "social": "on social media",
    "email": "by email",
    "in_person": "in person",
    "surgery": "at a ward surgery",
    "home": "at the councillor's home",
    "meeting": "at a council meeting",
    "phone": "by phone",
    "letter": "by letter",
    "messaging": "by text message",
    "other": "in the ward",
}

# Abuse types as staff write them, their severity (1-4) and the phrase that opens a description.
_ABUSE = (
    ("Verbal abuse", 1, "Abusive and insulting comments"), ("Harassment", 2, "Repeated unwanted contact"),
    ("Intimidation", 2, "Intimidating behaviour"), ("Threat of violence", 3, "Threat to harm the councillor"),
    ("Death threat", 4, "Death threat"), ("Threat to property", 2, "Threat to damage the councillor's property"),
    ("Damage to property", 3, "Damage to the councillor's car"), ("Physical assault", 4, "Councillor pushed"),
    ("Stalking", 3, "Councillor followed and watched"), ("Hate incident", 2, "Hateful abuse"),
    ("Sexual harassment", 3, "Unwanted sexual comments"), ("Misinformation", 1, "False claims made"),
    ("Personal info published", 2, "Councillor's home address shared"),
    ("Visit to home", 3, "Unannounced visit to the councillor's home"), ("Other", 1, "Hostile behaviour"),
)  # fmt: skip
_ABUSE_CODE = {label: code for code, (label, _, _) in enumerate(_ABUSE)}
_SEVERITY = np.array([severity for _, severity, _ in _ABUSE])
_ABUSE_MIX = {
    "social": {"Verbal abuse": 30, "Harassment": 14, "Intimidation": 8, "Threat of violence": 6, "Death threat": 2,
               "Misinformation": 22, "Personal info published": 6, "Hate incident": 3, "Sexual harassment": 3,
               "Other": 2},
    "email": {"Verbal abuse": 30, "Harassment": 22, "Intimidation": 10, "Threat of violence": 8, "Death threat": 3,
              "Misinformation": 12, "Threat to property": 3, "Sexual harassment": 3, "Other": 3},
    "in_person": {"Verbal abuse": 40, "Intimidation": 25, "Harassment": 10, "Threat of violence": 10,
                  "Physical assault": 4, "Sexual harassment": 3, "Other": 3},
    "surgery": {"Verbal abuse": 40, "Intimidation": 30, "Harassment": 10, "Threat of violence": 10,
                "Physical assault": 3, "Other": 3},
    "home": {"Visit to home": 45, "Intimidation": 20, "Verbal abuse": 10, "Damage to property": 8,
             "Threat to property": 6, "Stalking": 6, "Threat of violence": 5},
    "meeting": {"Verbal abuse": 45, "Intimidation": 30, "Harassment": 8, "Threat of violence": 5,
                "Misinformation": 7, "Other": 5},
    "phone": {"Verbal abuse": 40, "Harassment": 25, "Intimidation": 10, "Threat of violence": 12, "Death threat": 4,
              "Other": 4},
    "letter": {"Verbal abuse": 25, "Threat of violence": 18, "Death threat": 8, "Hate incident": 10,
               "Harassment": 15, "Misinformation": 10, "Threat to property": 6, "Other": 5},
    "messaging": {"Harassment": 30, "Verbal abuse": 30, "Intimidation": 12, "Threat of violence": 10,
                  "Sexual harassment": 8, "Death threat": 3, "Personal info published": 2, "Other": 5},
    "other": {"Damage to property": 25, "Threat to property": 15, "Verbal abuse": 15, "Intimidation": 15,
              "Stalking": 10, "Other": 20},
}  # fmt: skip

# Words people write for protected characteristics, with a base rate per incident; rates rise for councillors
# who share the characteristic (see _characteristic_rates).
_CHARACTERISTIC_WORDS = ("Racist", "Homophobic", "Misogynistic", "Sexist", "Antisemitic", "Islamophobic",
                         "Transphobic", "Disability", "Age", "Religion")  # fmt: skip
_CHARACTERISTIC_BASE = (0.01, 0.005, 0.008, 0.004, 0.003, 0.003, 0.002, 0.004, 0.008, 0.003)

_TOPICS = ("the local plan", "bin collections", "a planning application", "parking charges", "council tax",
           "a school closure", "traffic calming", "housing allocations", "the leisure centre",
           "a licensing decision", "potholes", "the town centre regeneration")  # fmt: skip
_ACTIONS = {  # by true threat level: (what staff wrote, probability)
    1: (("No action", "Advice given", ""), (0.5, 0.35, 0.15)),
    2: (("Advice given", "No action", "Warning letter", "Advice given; Warning letter", ""),
        (0.4, 0.2, 0.15, 0.1, 0.15)),
    3: (("Warning letter", "Advice given; Warning letter", "Security provided", "Added to PVP register",
         "Warning letter; Added to PVP register", ""), (0.25, 0.2, 0.15, 0.15, 0.15, 0.1)),
    4: (("Security provided", "Security provided; Added to PVP register", "Injunction sought; Added to PVP register",
         "Added to PVP register", ""), (0.3, 0.3, 0.15, 0.15, 0.1)),
}  # fmt: skip

# Invented members of the public and handles; e-mail domains are the ones reserved for examples.
_FIRST_NAMES = ("Gary", "Julie", "Trevor", "Karen", "Wayne", "Sharon", "Darren", "Tracey", "Keith", "Debbie",
                "Colin", "Lorraine", "Barry", "Janet", "Clive", "Mandy", "Derek", "Paula", "Lee", "Nicola",
                "Shaun", "Gail", "Dean", "Lynne", "Craig", "Joanne", "Glen", "Hayley", "Roy", "Tina")  # fmt: skip
_SURNAMES = ("Thwaite", "Bagshaw", "Crossley", "Dobbs", "Eggleton", "Fothergill", "Gasson", "Hebblewhite",
             "Ingham", "Jessop", "Kershaw", "Lumb", "Mottram", "Nuttall", "Oldroyd", "Pickles", "Royle", "Sugden",
             "Tattersall", "Uttley", "Varley", "Whiteley", "Yeadon", "Ackroyd", "Brearley", "Cawthorne",
             "Dewhirst", "Emsley", "Firth", "Greenhalgh")  # fmt: skip
_HANDLE_HEADS = ("Fern", "Castle", "River", "Truth", "Local", "Angry", "Real", "North", "Proud", "Concerned",
                 "Honest", "Vale", "Mill", "Oak", "Kings", "Abbey", "Old", "True", "Free", "Loud", "Brave",
                 "Plain", "Stout", "Grey")  # fmt: skip
_HANDLE_TAILS = ("Watcher", "Voice", "Resident", "Dad", "Mum", "Patriot", "Taxpayer", "Observer", "Lad",
                 "Lass", "Citizen", "Local", "Critic", "Fox", "Hawk", "Pundit", "Mouth", "Eye", "Speaker",
                 "Moaner")  # fmt: skip
_DOMAINS = ("example.com", "example.org", "example.net")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip

# The four repeat perpetrators: reference, who they target, perpetrator type, topic, and phases of
# (count, first day, last day, channels, abuse types, threat level or 0 to derive it from the types).
_REPEATS = (
    ("FernwickTruth", "executive", "Organised group", "the town centre regeneration", (
        (22, "2024-01-08", "2026-10-25", ("X", "Twitter", "Facebook", "Social media"),
         ("Misinformation", "Verbal abuse", "Harassment", "Personal info published"), 0),
    )),
    ("Ratepayer66@example.net", "leader_and_cabinet", "Member of the public", "council tax", (
        (4, "2024-03-01", "2024-12-20", ("Email", "E-mail"), ("Verbal abuse",), 1),
        (3, "2025-01-06", "2025-08-29", ("Email",), ("Harassment", "Verbal abuse"), 2),
        (3, "2025-09-01", "2026-04-30", ("Email", "E-mail"), ("Intimidation", "Threat of violence"), 3),
        (3, "2026-05-05", "2026-09-30", ("Email",), ("Death threat", "Threat of violence"), 4),
    )),
    ("NightOwlFernwick", "one_councillor", "Member of the public", "a planning application", (
        (12, "2025-02-03", "2026-06-30", ("Facebook", "Instagram"),
         ("Harassment", "Sexual harassment", "Verbal abuse"), 0),
        (4, "2026-07-01", "2026-10-28", ("At home", "Doorstep"), ("Visit to home", "Stalking", "Intimidation"), 4),
    )),
    ("SaveCastleMeadows", "castle_hill", "Organised group", SPIKE_TOPIC, (
        (9, "2026-03-02", "2026-08-28", ("Facebook", "Nextdoor"), ("Misinformation", "Verbal abuse"), 0),
        (9, "2026-09-01", "2026-10-31", ("Facebook", "Nextdoor", "X"),
         ("Intimidation", "Verbal abuse", "Misinformation", "Harassment"), 0),
    )),
)  # fmt: skip


def write_sample(
    out_dir: Path, *, incidents: int = 1500, seed: int = 2026, incident_format: str = "xlsx", months_later: int = 0
) -> list[Path]:
    """Write the sample council's files into out_dir and return their paths; `months_later` moves every date."""
    if incident_format not in ("xlsx", "csv"):
        raise ValueError(f"incident_format must be 'xlsx' or 'csv', not {incident_format!r}")
    if incidents < MIN_INCIDENTS:
        raise ValueError(f"incidents must be at least {MIN_INCIDENTS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    register = _councillors(rng, months_later)
    log = _incident_log(rng, register, incidents, months_later, excel=incident_format == "xlsx")
    paths = [out_dir / "wards.csv", out_dir / "councillor_register.csv", out_dir / f"incident_log.{incident_format}"]
    ward_register().to_csv(paths[0], index=False, lineterminator="\n")
    register[list(REGISTER_HEADERS)].to_csv(paths[1], index=False, encoding="cp1252", lineterminator="\r\n")
    if incident_format == "xlsx":
        _write_xlsx(log, paths[2], later(_STAMP, months_later))
    else:
        log.to_csv(paths[2], index=False, encoding="utf-8", lineterminator="\n")
    return paths


# --- registers ---------------------------------------------------------------------------------------------------


def ward_register() -> pd.DataFrame:
    """The ONS lookup's four columns for Fernwick and a few wards of a neighbouring authority."""
    other_code, other_name, other_wards = _OTHER_LAD
    names = [name for name, _ in _WARDS] + list(other_wards)
    lads = [_LAD] * len(_WARDS) + [(other_code, other_name)] * len(other_wards)
    return pd.DataFrame(
        {
            "WD24CD": [f"E05{999901 + i}" for i in range(len(names))],
            "WD24NM": names,
            "LAD24CD": [code for code, _ in lads],
            "LAD24NM": [name for _, name in lads],
        }
    )


def _councillors(rng: np.random.Generator, months_later: int = 0) -> pd.DataFrame:
    """The register under its HR export headers, plus internal columns used to generate incidents."""
    roster = [line.split("|") for line in _ROSTER.splitlines()]
    order = rng.permutation(len(roster))
    n = len(roster)
    frame = pd.DataFrame(
        {
            "Cllr ID": [f"C{i + 1:03d}" for i in range(n)],
            "Councillor name": [roster[i][0] for i in order],
            "Ward": np.repeat([name for name, _ in _WARDS], [seats for _, seats in _WARDS]),
            "Party/Group": rng.permutation(np.repeat(list(_PARTY_SEATS), list(_PARTY_SEATS.values()))),
            "Gender": [roster[i][1] for i in order],
            "Ethnicity": [roster[i][2] for i in order],
            "Disability": _pick(rng, ("No", "Yes", ""), (0.72, 0.1, 0.18), n),
            "LGBTQ+": _pick(rng, ("No", "Yes", ""), (0.7, 0.1, 0.2), n),
            "First elected": _pick(rng, *_FIRST_ELECTED, n),
        }
    )
    frame["Role"] = _roles(rng, frame["Party/Group"].to_numpy())
    frame["weight"] = _exposure(rng, frame)
    frame["focus"] = _focus(frame)
    return _risk_and_safety(rng, frame, months_later)


def _roles(rng: np.random.Generator, party: np.ndarray) -> np.ndarray:
    """A Labour administration (leader, deputy, six cabinet members); six committee chairs from anyone else."""
    executive = rng.permutation(np.flatnonzero(party == "Labour"))[:8]
    role = np.full(len(party), "Backbench", dtype=object)
    role[executive] = ["Leader", "Deputy Leader"] + ["Cabinet member"] * 6
    role[rng.choice(np.flatnonzero(role == "Backbench"), 6, replace=False)] = "Committee chair"
    return role


def _exposure(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Relative chance of being targeted: visible roles, women and ethnic-minority councillors get more abuse."""
    role = frame["Role"].map(_ROLE_WEIGHT).to_numpy(dtype=float)
    woman = np.where(frame["Gender"] == "Woman", 1.35, 1.0)
    minority = np.where(frame["Ethnicity"].isin(["White", ""]), 1.0, 1.35)
    return role * woman * minority * rng.lognormal(0.0, 0.35, len(frame))


def _focus(frame: pd.DataFrame) -> np.ndarray:
    """The backbench woman outside Castle Hill whom one repeat perpetrator fixates on."""
    candidates = (frame["Gender"] == "Woman") & (frame["Role"] == "Backbench") & (frame["Ward"] != SPIKE_WARD)
    return np.arange(len(frame)) == np.flatnonzero(candidates)[0]


def _risk_and_safety(rng: np.random.Generator, frame: pd.DataFrame, months_later: int) -> pd.DataFrame:
    """Risk levels roughly follow exposure but with gaps: blanks, out-of-date dates, thin mitigations."""
    n = len(frame)
    rank = np.argsort(np.argsort(-frame["weight"].to_numpy()))
    risk = np.select([rank < 10, rank < 30], ["High", "Medium"], "Low").astype(object)
    risk[rng.random(n) < 0.15] = ""
    frame["Risk level"] = risk
    frame["Risk assessed"] = np.where(risk == "", "", _register_dates(rng, n, months_later, p_blank=0.1, p_old=0.4))
    frame["Own risk assessment"] = _register_dates(rng, n, months_later, p_blank=0.45, p_old=0.2)
    frame["Mitigations in place"] = [_mitigations(rng, level) for level in risk]
    frame["Safety training"] = _register_dates(rng, n, months_later, p_blank=0.3, p_old=0.3)
    # The councillor one perpetrator fixates on was last assessed in 2023, as low risk: a gap to be found.
    assessed = later(pd.Timestamp("2023-05-09"), months_later)
    stale = {
        "Risk level": "Low",
        "Risk assessed": f"{assessed:%d/%m/%Y}",
        "Own risk assessment": "",
        "Mitigations in place": "",
    }
    for column, value in stale.items():
        frame.loc[frame["focus"], column] = value
    return frame


def _register_dates(rng: np.random.Generator, n: int, months_later: int, *, p_blank: float, p_old: float) -> np.ndarray:
    """UK dates that are blank, more than a year old at export (out of date), or recent."""
    old = _uk(later(pd.Timestamp("2021-06-01") + pd.to_timedelta(rng.integers(0, 1491, n), unit="D"), months_later))
    recent = _uk(later(pd.Timestamp("2025-11-01") + pd.to_timedelta(rng.integers(0, 354, n), unit="D"), months_later))
    kind = rng.choice(3, n, p=(p_blank, p_old, 1 - p_blank - p_old))
    return np.select([kind == 0, kind == 1], ["", old], recent).astype(object)


def _mitigations(rng: np.random.Generator, risk: str) -> str:
    """None to three measures, more for councillors assessed at higher risk."""
    count = rng.choice(4, p=_MITIGATION_COUNT_P.get(risk, _MITIGATION_COUNT_P["Low"]))
    return "; ".join(rng.choice(_MITIGATIONS, count, replace=False))


# --- incidents: what happened ------------------------------------------------------------------------------------


def _incident_log(
    rng: np.random.Generator, register: pd.DataFrame, total: int, months_later: int, *, excel: bool
) -> pd.DataFrame:
    repeat = _repeat_incidents(rng, register)
    n_spike = _spike_size(register, total)
    ordinary = _ordinary_incidents(rng, register, total - n_spike - len(repeat))
    core = pd.concat([ordinary, _spike_incidents(rng, register, n_spike), repeat], ignore_index=True)
    core = core.assign(tiebreak=rng.random(len(core))).sort_values(["occurred", "tiebreak"], ignore_index=True)
    core = _consequences(rng, core, register)
    core["occurred"], core["reported"] = later(core["occurred"], months_later), later(core["reported"], months_later)
    log = _as_written(rng, core, register, excel=excel)
    _spoil(rng, log, core, later(_SPOILED_MONTH, months_later))
    return log


def _ordinary_incidents(rng: np.random.Generator, register: pd.DataFrame, n: int) -> pd.DataFrame:
    days = pd.date_range(START, END, freq="D")
    occurred = days[rng.choice(len(days), n, p=_daily_intensity(days))]
    weight = register["weight"].to_numpy()
    cllr = rng.choice(len(register), n, p=weight / weight.sum())
    channel_p = np.array([share for *_, share, _ in _CHANNELS])
    return _random_incidents(rng, register, occurred, cllr, channel_p, _pick(rng, _TOPICS, None, n), "ordinary")


def _daily_intensity(days: pd.DatetimeIndex) -> np.ndarray:
    """Rising gently over the three years, quieter at weekends, in December and (council recess) in August."""
    trend = np.linspace(0.75, 1.25, len(days))
    season = np.select([days.month == 8, days.month == 12], [0.5, 0.85], 1.0)
    weekend = np.where(days.day_of_week >= 5, 0.8, 1.0)
    intensity = trend * season * weekend
    return intensity / intensity.sum()


def _spike_size(register: pd.DataFrame, total: int) -> int:
    """Scaled to Castle Hill's own usual level, so the spike stands out whoever its councillors are."""
    weight = register["weight"]
    ward_share = weight[register["Ward"] == SPIKE_WARD].sum() / weight.sum()
    social_share = sum(share for _, group, share, _ in _CHANNELS if group == "social") / 100
    usual_per_month = total * ward_share * social_share / LOG_MONTHS
    return round(SPIKE_FACTOR * 2 * usual_per_month)


def _spike_incidents(rng: np.random.Generator, register: pd.DataFrame, n: int) -> pd.DataFrame:
    """Social media pile-on against Castle Hill's councillors, building up to the planning committee."""
    days = pd.date_range("2026-09-01", "2026-10-31", freq="D")
    peak = PLANNING_COMMITTEE.day_of_year
    build_up = np.interp(days.day_of_year, [days[0].day_of_year, peak, days[-1].day_of_year], [1, 6, 3])
    occurred = days[rng.choice(len(days), n, p=build_up / build_up.sum())]
    cllr = rng.choice(np.flatnonzero(register["Ward"] == SPIKE_WARD), n)
    channel_p = np.array([share for *_, share in _CHANNELS])
    return _random_incidents(rng, register, occurred, cllr, channel_p, np.full(n, SPIKE_TOPIC, object), "spike")


def _random_incidents(
    rng: np.random.Generator,
    register: pd.DataFrame,
    occurred: pd.DatetimeIndex,
    cllr: np.ndarray,
    channel_p: np.ndarray,
    topic: np.ndarray,
    origin: str,
) -> pd.DataFrame:
    n = len(cllr)
    channel = _pick(rng, [written for written, *_ in _CHANNELS], channel_p / channel_p.sum(), n)
    frame = pd.DataFrame({"occurred": occurred, "cllr": cllr, "channel": channel, "topic": topic})
    frame["group"] = frame["channel"].map({written: group for written, group, *_ in _CHANNELS})
    frame["platform"] = _platforms(rng, frame["channel"])
    frame[["t1", "t2", "t3"]] = _abuse_types(rng, frame["group"].to_numpy())
    frame["perpetrator"], frame["perpetrator_type"] = _perpetrators(rng, frame, register)
    frame["level"] = 0
    frame["origin"] = origin
    return frame


def _platforms(rng: np.random.Generator, channel: pd.Series) -> np.ndarray:
    """The platform named by the channel; for a bare "Social media" whatever staff noted, if anything."""
    named = channel.map(_PLATFORM).fillna("").to_numpy(dtype=object)
    guessed = _pick(rng, *_UNNAMED_PLATFORMS, len(channel))
    return np.where(channel == "Social media", guessed, named)


def _abuse_types(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """Up to three distinct abuse type codes per incident (-1 for none), drawn from the channel's usual mix."""
    types = np.full((len(group), 3), -1)
    for name, mix in _ABUSE_MIX.items():
        rows = np.flatnonzero(group == name)
        p = np.zeros(len(_ABUSE))
        p[[_ABUSE_CODE[label] for label in mix]] = list(mix.values())
        types[rows] = rng.choice(len(_ABUSE), (len(rows), 3), p=p / p.sum())
    return _trim_types(rng, types)


def _trim_types(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    """Keep a second type for 30% of incidents, a third for 8%; drop repeats of an earlier type."""
    u = rng.random(len(types))
    types[u >= 0.3, 1] = -1
    types[u >= 0.08, 2] = -1
    types[types[:, 1] == types[:, 0], 1] = -1
    types[(types[:, 2] == types[:, 0]) | (types[:, 2] == types[:, 1]), 2] = -1
    return types


def _perpetrators(
    rng: np.random.Generator, frame: pd.DataFrame, register: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Who staff say did it: handles online, addresses by e-mail, names in person, often nothing at all."""
    n = len(frame)
    group, platform = frame["group"].to_numpy(), frame["platform"].to_numpy(dtype=object)
    known = rng.random(n) < frame["group"].map(_P_PERPETRATOR_KNOWN).to_numpy()
    colleague = known & (group == "meeting") & (rng.random(n) < 0.2)
    handle = known & (group == "social") & (platform != "Nextdoor")
    email = known & (group == "email")
    named = known & ~(colleague | handle | email)
    ref = _pick(rng, ("", "Unknown"), (0.6, 0.4), n)
    ref[named] = _random_names(rng, named.sum())
    ref[email] = _random_emails(rng, email.sum())
    ref[handle] = _handle_forms(rng, _random_handles(rng, handle.sum()), platform[handle])
    surnames = register["Councillor name"].str.split().str[-1].to_numpy(dtype=object)
    other_cllr = (frame["cllr"].to_numpy()[colleague] + rng.integers(1, len(register), colleague.sum())) % len(register)
    ref[colleague] = "Cllr " + surnames[other_cllr]
    kind = _pick(rng, ("Unknown", ""), (0.55, 0.45), n)
    kind[named] = _pick(rng, ("Member of the public", ""), (0.9, 0.1), named.sum())
    online = handle | email
    kind[online] = _pick(
        rng, ("Member of the public", "Organised group", "Unknown", ""), (0.75, 0.05, 0.1, 0.1), online.sum()
    )
    kind[colleague] = "Another councillor"
    return ref, kind


def _random_handles(rng: np.random.Generator, n: int) -> np.ndarray:
    """One-off accounts: distinct from each other while the pool lasts, so only the planned repeats link up."""
    heads, tails, digits = np.meshgrid(
        np.array(_HANDLE_HEADS, dtype=object),
        np.array(_HANDLE_TAILS, dtype=object),
        np.array(["", *map(str, range(1, 100))], dtype=object),
        indexing="ij",
    )
    chosen = _distinct(rng, heads.size, n)
    head, tail, digit = heads.ravel()[chosen], tails.ravel()[chosen], digits.ravel()[chosen]
    snake = _lower(head) + "_" + _lower(tail) + digit
    return np.where(rng.random(n) < 0.7, head + tail + digit, snake)


def _handle_forms(rng: np.random.Generator, handle: np.ndarray, platform: np.ndarray) -> np.ndarray:
    """The same handle as staff variously record it: @Handle, handle, Handle or a profile URL."""
    u = rng.random(len(handle))
    url = pd.Series(platform).map(_PROFILE_URL).fillna("").to_numpy(dtype=object)
    at = "@" + handle
    return np.select([u < 0.45, u < 0.65, u < 0.8, url != ""], [at, _lower(handle), handle, url + handle], at)


def _random_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """One-off members of the public: distinct people while the pool of names lasts."""
    firsts, lasts = np.meshgrid(np.array(_FIRST_NAMES, dtype=object), np.array(_SURNAMES, dtype=object))
    chosen = _distinct(rng, firsts.size, n)
    return firsts.ravel()[chosen] + " " + lasts.ravel()[chosen]


def _distinct(rng: np.random.Generator, pool: int, n: int) -> np.ndarray:
    """n positions in a pool, none twice unless the pool is smaller than n."""
    return rng.choice(pool, n, replace=n > pool)


def _random_emails(rng: np.random.Generator, n: int) -> np.ndarray:
    first, last = _lower(_pick(rng, _FIRST_NAMES, None, n)), _lower(_pick(rng, _SURNAMES, None, n))
    number = rng.integers(1, 100, n).astype(str).astype(object)
    local = np.where(rng.random(n) < 0.6, first + "." + last, first + last + number)
    return local + "@" + _pick(rng, _DOMAINS, None, n)


def _repeat_incidents(rng: np.random.Generator, register: pd.DataFrame) -> pd.DataFrame:
    """The four people behind many incidents each (see _REPEATS), fixed in number whatever the log's size."""
    role, party = register["Role"].to_numpy(), register["Party/Group"].to_numpy()
    executive = np.flatnonzero(np.isin(role, ["Leader", "Deputy Leader", "Cabinet member"]))[:5]
    targets = {
        "executive": np.r_[executive, np.flatnonzero(party == "Green")[:1]],
        "leader_and_cabinet": np.r_[np.flatnonzero(role == "Leader"), np.flatnonzero(role == "Cabinet member")[:1]],
        "one_councillor": np.flatnonzero(register["focus"]),
        "castle_hill": np.flatnonzero(register["Ward"] == SPIKE_WARD),
    }
    return pd.concat(
        [
            _repeat_phase(rng, ref, targets[target], kind, topic, phase)
            for ref, target, kind, topic, phases in _REPEATS
            for phase in phases
        ],
        ignore_index=True,
    )


def _repeat_phase(
    rng: np.random.Generator, ref: str, targets: np.ndarray, kind: str, topic: str, phase: tuple
) -> pd.DataFrame:
    """One stretch of a repeat perpetrator's behaviour; abuse types cycle so every listed type appears."""
    count, first, last, channels, abuse, level = phase
    span = (pd.Timestamp(last) - pd.Timestamp(first)).days
    frame = pd.DataFrame(
        {
            "occurred": pd.Timestamp(first) + pd.to_timedelta(np.sort(rng.integers(0, span + 1, count)), unit="D"),
            "cllr": rng.choice(targets, count),
            "channel": _pick(rng, channels, None, count),
            "topic": topic,
        }
    )
    frame["group"] = frame["channel"].map({written: group for written, group, *_ in _CHANNELS})
    frame["platform"] = _platforms(rng, frame["channel"])
    codes = np.array([_ABUSE_CODE[label] for label in abuse])
    types = np.c_[codes[np.arange(count) % len(codes)], rng.choice(codes, (count, 2))]
    frame[["t1", "t2", "t3"]] = _trim_types(rng, types)
    frame["perpetrator"] = _repeat_forms(rng, ref, frame["platform"].to_numpy(dtype=object))
    frame["perpetrator_type"] = _pick(rng, (kind, "Member of the public", ""), (0.7, 0.15, 0.15), count)
    frame["level"] = level
    frame["origin"] = "repeat"
    return frame


def _repeat_forms(rng: np.random.Generator, ref: str, platform: np.ndarray) -> np.ndarray:
    if "@" in ref:  # an e-mail address: only its case and stray spaces vary
        return _pick(rng, (ref, ref.lower(), ref.upper(), f" {ref}"), (0.5, 0.3, 0.1, 0.1), len(platform))
    return _handle_forms(rng, np.full(len(platform), ref, dtype=object), platform)


def _consequences(rng: np.random.Generator, core: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Characteristics, threat level, police, council action, status, date reported and description."""
    cllr = core["cllr"].to_numpy()
    core["characteristics"] = _characteristics(rng, _characteristic_rates(register)[cllr])
    hate = (core["characteristics"] != "") & (core["t3"] == -1) & (rng.random(len(core)) < 0.3)
    hate &= (core["t1"] != _ABUSE_CODE["Hate incident"]) & (core["t2"] != _ABUSE_CODE["Hate incident"])
    core.loc[hate, "t3"] = _ABUSE_CODE["Hate incident"]
    core["level"] = np.where(core["level"] > 0, core["level"], _derived_level(rng, core[["t1", "t2", "t3"]]))
    core["police"], core["crime_number"] = _police(rng, core)
    core["action"] = _actions(rng, core["level"].to_numpy())
    core["status"] = _status(rng, core["occurred"])
    delay = pd.to_timedelta(np.minimum(rng.geometric(0.3, len(core)) - 1, 14), unit="D")
    reported = (core["occurred"] + delay).clip(upper=END)
    core["reported"] = reported.where(rng.random(len(core)) >= 0.08)
    core["description"] = _descriptions(rng, core)
    return core


def _characteristic_rates(register: pd.DataFrame) -> np.ndarray:
    """Per councillor, the chance an incident is recorded as e.g. racist: higher for those it would target."""
    rates = np.tile(np.array(_CHARACTERISTIC_BASE), (len(register), 1))
    column = {word: i for i, word in enumerate(_CHARACTERISTIC_WORDS)}
    uplifts = (
        (register["Gender"] == "Woman", {"Misogynistic": 0.1, "Sexist": 0.05}),
        (~register["Ethnicity"].isin(["White", ""]), {"Racist": 0.22}),
        (register["Ethnicity"] == "Asian or Asian British", {"Islamophobic": 0.05, "Religion": 0.02}),
        (register["LGBTQ+"] == "Yes", {"Homophobic": 0.15, "Transphobic": 0.03}),
        (register["Disability"] == "Yes", {"Disability": 0.12}),
    )
    for who, uplift in uplifts:
        for word, extra in uplift.items():
            rates[who.to_numpy(), column[word]] += extra
    return rates


def _characteristics(rng: np.random.Generator, rates: np.ndarray) -> np.ndarray:
    """Words joined by "; " or ", ", sometimes in lower case; only the incidents with any are built up."""
    hits = rng.random(rates.shape, dtype=np.float32) < rates
    rows = np.flatnonzero(hits.any(axis=1))
    sep = _pick(rng, ("; ", ", "), (0.7, 0.3), len(rows))
    lower = rng.random(len(rows)) < 0.15
    text = np.full(len(rows), "", dtype=object)
    for k, word in enumerate(_CHARACTERISTIC_WORDS):
        written = np.where(lower, word.lower(), word)
        text = np.where(hits[rows, k], np.where(text == "", written, text + sep + written), text)
    result = np.full(len(rates), "", dtype=object)
    result[rows] = text
    return result


def _derived_level(rng: np.random.Generator, types: pd.DataFrame) -> np.ndarray:
    """The most severe type's level, nudged one step either way for a fifth of incidents each."""
    codes = types.to_numpy()
    severity = np.where(codes >= 0, _SEVERITY[codes], 0).max(axis=1)
    return np.clip(severity + rng.choice([-1, 0, 1], len(codes), p=[0.2, 0.6, 0.2]), 1, 4)


def _police(rng: np.random.Generator, core: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Serious incidents usually go to the police; the Y/N column is written several ways or left blank. Returns
    the column and the crime number, blank where none was noted (_crime_refs writes it out)."""
    n = len(core)
    reported = rng.random(n) < np.array([0, 0.04, 0.12, 0.5, 0.85])[core["level"].to_numpy()]
    u = rng.random(n)
    flag = np.where(
        reported, np.select([u < 0.6, u < 0.9], ["Y", "Yes"], ""), np.select([u < 0.55, u < 0.85], ["N", "No"], "")
    ).astype(object)
    number = rng.integers(100000, 1000000, n).astype(str).astype(object)
    with_ref = np.isin(flag, ["Y", "Yes"]) & (rng.random(n) < 0.65)
    return flag, np.where(with_ref, number, "").astype(object)


def _crime_refs(core: pd.DataFrame) -> np.ndarray:
    """FW-2026-123456: the force's prefix, the year of the incident and its crime number."""
    year = core["occurred"].dt.year.astype(str).to_numpy(dtype=object)
    number = core["crime_number"].to_numpy(dtype=object)
    return np.where(number != "", "FW-" + year + "-" + number, "").astype(object)


def _actions(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    action = np.full(len(level), "", dtype=object)
    for lvl, (options, p) in _ACTIONS.items():
        rows = np.flatnonzero(level == lvl)
        action[rows] = _pick(rng, options, p, len(rows))
    return action


def _status(rng: np.random.Generator, occurred: pd.Series) -> np.ndarray:
    """Older cases are mostly closed; those from the last two months are mostly still open or under review."""
    recent = ((END - occurred).dt.days < 60).to_numpy()
    u = rng.random(len(occurred))
    closed, review = np.where(recent, 0.3, 0.86), np.where(recent, 0.3, 0.07)
    return np.select([u < closed, u < closed + review], ["Closed", "Under review"], "Open").astype(object)


def _descriptions(rng: np.random.Generator, core: pd.DataFrame) -> np.ndarray:
    """A short invented sentence from the main abuse type, the channel and the topic; a few left blank."""
    opening = np.array([phrase for *_, phrase in _ABUSE], dtype=object)[core["t1"].to_numpy()]
    where = core["group"].map(_CHANNEL_PHRASE).to_numpy(dtype=object)
    platform = core["platform"].to_numpy(dtype=object)
    where = np.where((core["group"] == "social") & (platform != ""), "on " + platform, where)
    text = opening + " " + where + ", over " + core["topic"].to_numpy(dtype=object) + "."
    return np.where(rng.random(len(core)) < 0.05, "", text).astype(object)


# --- incidents: as staff wrote them ------------------------------------------------------------------------------


def _as_written(rng: np.random.Generator, core: pd.DataFrame, register: pd.DataFrame, *, excel: bool) -> pd.DataFrame:
    cllr = core["cllr"].to_numpy()
    year = core["occurred"].dt.year
    sequence = core.groupby(year).cumcount() + 1
    width = max(4, len(str(sequence.max())))
    columns = (
        "INC-" + year.astype(str) + "-" + sequence.astype(str).str.zfill(width),
        _date_cells(rng, core["occurred"], excel=excel),
        _date_cells(rng, core["reported"], excel=excel),
        _name_variants(rng, register["Councillor name"].to_numpy(dtype=object), cllr),
        _ward_variants(rng, register["Ward"].to_numpy(dtype=object), cllr),
        core["channel"], core["platform"], _abuse_text(rng, core[["t1", "t2", "t3"]].to_numpy()),
        core["characteristics"], core["perpetrator"], core["perpetrator_type"],
        _threat_text(rng, core["level"].to_numpy()), core["police"], _crime_refs(core), core["action"],
        core["status"], core["description"],
    )  # fmt: skip
    return pd.DataFrame(dict(zip(INCIDENT_HEADERS, columns, strict=True)), dtype=object)


def _date_cells(rng: np.random.Generator, dates: pd.Series, *, excel: bool) -> np.ndarray:
    """dd/mm/yyyy text; in the xlsx mostly real dates, with typed text such as 3/4/25 and 3 April 2025."""
    filled = dates.fillna(START)
    text = _uk(filled)
    if excel:
        day, month, year = filled.dt.day.astype(str), filled.dt.month, filled.dt.year
        short = (day + "/" + month.astype(str) + "/" + (year % 100).astype(str).str.zfill(2)).to_numpy(dtype=object)
        long = (day + " " + month.map(dict(enumerate(_MONTHS, 1))) + " " + year.astype(str)).to_numpy(dtype=object)
        u = rng.random(len(dates))
        text = np.select([u < 0.55, u < 0.8, u < 0.92], [filled.dt.date.to_numpy(dtype=object), text, short], long)
    return np.where(dates.isna(), "", text).astype(object)


def _name_variants(rng: np.random.Generator, names: np.ndarray, cllr: np.ndarray) -> np.ndarray:
    """The register's name, sometimes prefixed "Cllr " or with a trailing space."""
    table = np.c_[names, "Cllr " + names, names + " "]
    return table[cllr, rng.choice(3, len(cllr), p=(0.91, 0.07, 0.02))]


def _ward_variants(rng: np.random.Generator, wards: np.ndarray, cllr: np.ndarray) -> np.ndarray:
    """The councillor's ward, sometimes in capitals, lower case or without punctuation ("St Johns")."""
    plain = pd.Series(wards).str.replace(r"[.']", "", regex=True).to_numpy(dtype=object)
    table = np.c_[wards, _upper(wards), _lower(wards), plain]
    return table[cllr, rng.choice(4, len(cllr), p=(0.88, 0.04, 0.03, 0.05))]


def _abuse_text(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    """Types joined by "; " (or ", " or a new line), capitalised or all lower case as people type."""
    labels = np.array([label for label, *_ in _ABUSE], dtype=object)
    table = np.c_[labels, _lower(labels)]
    case = (rng.random(len(types)) < 0.2).astype(int)
    sep = _pick(rng, ("; ", ", ", "\n"), (0.75, 0.2, 0.05), len(types))
    text = table[types[:, 0], case]
    for k in (1, 2):
        text = np.where(types[:, k] >= 0, text + sep + table[types[:, k], case], text)
    return text


def _threat_text(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    words = np.array(["", "Low", "Medium", "High", "Critical"], dtype=object)
    u = rng.random(len(level))
    return np.select([u < 0.75, u < 0.85], [words[level], level.astype(str).astype(object)], "").astype(object)


def _spoil(rng: np.random.Generator, log: pd.DataFrame, core: pd.DataFrame, month: pd.Timestamp) -> None:
    """Exactly five rows the importer must quarantine, each with one fault, among ordinary incidents; the row
    dated 31 February is one of `month`'s."""
    ordinary = core["origin"] == "ordinary"
    in_month = (core["occurred"].dt.year == month.year) & (core["occurred"].dt.month == month.month)
    impossible = rng.choice(np.flatnonzero(ordinary & in_month))
    others = rng.choice(np.setdiff1d(np.flatnonzero(ordinary), [impossible]), 4, replace=False)
    log.loc[others[0], ["Date of incident", "Date reported"]] = ""
    log.loc[impossible, "Date of incident"] = f"31/02/{month.year}"
    log.loc[others[1], "Councillor"] = ""
    log.loc[others[2], ["How (channel)", "Platform"]] = ["Postcard via neighbour", ""]
    log.loc[others[3], "Type of abuse"] = ""


# --- writing -----------------------------------------------------------------------------------------------------


def _write_xlsx(log: pd.DataFrame, path: Path, exported: datetime) -> None:
    """One sheet as a council keeps it: title row, export note, header on row 3, data from row 4."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "Fernwick District Council (fictional)"
    wb.properties.created = exported
    ws = wb.create_sheet("Incident log")
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", _COLUMN_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    ws.append([_styled(ws, TITLE, Font(bold=True, size=14))])
    ws.append([f"Exported {exported:%d/%m/%Y}"])
    ws.append([_styled(ws, header, Font(bold=True)) for header in log.columns])
    for row in log.itertuples(index=False, name=None):
        ws.append([_xlsx_value(ws, value) for value in row])
    ws.append([])
    ws.append([])
    save_workbook_stable(wb, path, exported)


def _styled(ws, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.font = font
    return cell


def _xlsx_value(ws, value: object) -> object:
    """Dates as real Excel dates shown dd/mm/yyyy, blanks as empty cells, typed digits as numbers."""
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    if value == "":
        return None
    return int(value) if value.isdigit() else value


def save_workbook_stable(wb: Workbook, path: Path, stamp: datetime) -> None:
    """openpyxl stamps the save time in docProps/core.xml and the zip entries; fix both so reruns are identical."""
    buffer = io.BytesIO()
    wb.save(buffer)
    written = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + written, data)
            target.writestr(zipfile.ZipInfo(info.filename, stamp.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


# --- small helpers -----------------------------------------------------------------------------------------------


def later(dates, months: int):
    """Dates (a Timestamp, datetime or Series of them) moved by whole calendar months; see the module docstring."""
    return dates + pd.DateOffset(months=months) if months else dates


def _pick(rng: np.random.Generator, options: Sequence, p: Sequence[float] | None, n: int) -> np.ndarray:
    """n draws from options (uniform when p is None) as an object array, so + concatenates strings."""
    values = np.empty(len(options), dtype=object)
    values[:] = list(options)
    return values[rng.choice(len(options), n, p=p)]


def _uk(dates) -> np.ndarray:
    return pd.Series(dates).dt.strftime("%d/%m/%Y").to_numpy(dtype=object)


def _lower(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype=object).str.lower().to_numpy(dtype=object)


def _upper(values: np.ndarray) -> np.ndarray:
    return pd.Series(values, dtype=object).str.upper().to_numpy(dtype=object)
