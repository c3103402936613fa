"""The benchmark's data sets, generated once and kept in a folder keyed by size and generator version.

National: a FICTIONAL national programme modelled as one authority with many wards (7 wards to every 20
councillors: 7,000 wards for 20,000 councillors), chosen as "our" authority so every ward in the log matches the
register (analytics.ingest.registers). Its files are in the sample council's shapes and words
(analytics.sample.sample): an ONS-shaped ward lookup, an HR register and an incident log, plus a 100,000-row log of
new incidents (.csv and .xlsx) to import beside it and a SurveyMonkey export. Perpetrators as logs record them: most
incidents anonymous or one-off, a pool of repeat perpetrators (one for every 200 incidents) whose incidents follow a
long tail, the busiest linked to thousands.

Council: the sample council itself (analytics.sample.sample.write_sample and its survey waves).

Everything is seeded, so the same size always writes the same bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from analytics.sample.sample import END, INCIDENT_HEADERS, REGISTER_HEADERS, START, write_sample
from analytics.sample.sample_surveys import QUESTIONS, SURVEYMONKEY_COLUMNS, wave_files, write_sample_surveys

GENERATOR_VERSION = 2
TODAY = "2026-11-02"  # just after both data sets end (END), so the pages show recent months
AUTHORITY = ("E07999990", "National councillor safety programme (FICTIONAL)")
NEW_REF_PREFIX = "NEW"  # the references of the log imported beside the national one: none shared with it
_SEED = 1512

_FIRST = {
    "Woman": ("Ann", "Beth", "Carys", "Dawn", "Erin", "Faye", "Gwen", "Hana", "Iris", "Jade", "Kate", "Lena",
              "Maya", "Nia", "Orla", "Priya", "Rosa", "Sian", "Tara", "Zoe", "Amara", "Fatima", "Grace", "Aisha",
              "Chloe", "Helen", "Ruth", "Lucy", "Naomi", "Sarah"),
    "Man": ("Alan", "Ben", "Carl", "Dev", "Euan", "Finn", "Gary", "Huw", "Ivan", "Joel", "Kwame", "Liam", "Mark",
            "Neil", "Omar", "Paul", "Raj", "Sam", "Tom", "Imran", "Kofi", "David", "Hugh", "Ian", "Jose", "Martin",
            "Peter", "Simon", "Stephen", "Andrew"),
}  # fmt: skip
_SURNAME_HEADS = ("Ash", "Black", "Brad", "Brook", "Cald", "Cran", "Dun", "Elm", "Fair", "Glen", "Hart", "Holm",
                  "Kings", "Lang", "Marsh", "Mill", "North", "Oak", "Pen", "Red", "Ros", "Shel", "Stan", "Thorn",
                  "Wad", "West", "Whit", "Wood", "Yar", "Hal", "Brom", "Carr", "Dal", "Fen", "Gos", "Lam", "Moor",
                  "Pres", "Rad", "Sal")  # fmt: skip
_SURNAME_TAILS = ("ford", "well", "ton", "ley", "by", "field", "wood", "worth", "ham", "more", "dale", "combe",
                  "stead", "hurst", "croft", "bridge", "wick", "thorpe", "ridge", "son", "man", "ock", "er", "den",
                  "low")  # fmt: skip
_WARD_HEADS = (*_SURNAME_HEADS, "Abbey", "Castle", "Church", "Market", "Priory", "River", "Station", "Upper",
               "Lower", "Old", "New", "High", "Green", "Park", "Vale", "Bridge", "Forest", "Hill", "Lake", "Moss",
               "Wold", "Heath", "Mead", "Fern", "Cross", "Gate", "Hythe", "Lea", "Ness", "Quay")  # fmt: skip
_WARD_TAILS = ("", " North", " South", " East", " West", " Central", " Rural", " Town", " and District", " Fields",
               " Park", " Green", " Valley", " Heath", " Common", " Moor", " Hill", " Wharf", " Village",
               " Gardens")  # fmt: skip
_PARTIES = (("Labour", "Conservative", "Liberal Democrat", "Green", "Reform UK", "Independent", "Plaid Cymru"),
            (0.33, 0.3, 0.13, 0.06, 0.06, 0.1, 0.02))  # fmt: skip
_ROLES = (("Leader", "Deputy Leader", "Cabinet member", "Committee chair", "Backbench"),
          (0.01, 0.01, 0.08, 0.1, 0.8))  # fmt: skip
_ETHNICITY = (("White", "Asian or Asian British", "Black or Black British", "Mixed", ""),
              (0.8, 0.08, 0.04, 0.03, 0.05))  # fmt: skip
_MITIGATIONS = ("Personal safety alarm", "Lone-worker device", "Safety app", "Separate council phone",
                "Home security assessment", "CCTV / video doorbell", "Address withheld",
                "Security at meetings")  # fmt: skip
# How staff write the channel, the share of incidents, and whether the perpetrator is a handle, an address or a name.
_CHANNELS = (("Facebook", 0.18, "handle"), ("X", 0.1, "handle"), ("Instagram", 0.05, "handle"),
             ("TikTok", 0.03, "handle"), ("Social media", 0.07, "handle"), ("Email", 0.17, "email"),
             ("E-mail", 0.04, "email"), ("In person", 0.1, "name"), ("Ward surgery", 0.04, "name"),
             ("Phone", 0.08, "name"), ("Council meeting", 0.03, "name"), ("At home", 0.03, "name"),
             ("Letter", 0.04, "name"), ("WhatsApp", 0.02, "name"), ("Other", 0.02, "name"))  # fmt: skip
_PLATFORM = {"Facebook": "Facebook", "X": "X", "Instagram": "Instagram", "TikTok": "TikTok"}
_ABUSE = (("Verbal abuse", 0.3), ("Harassment", 0.16), ("Intimidation", 0.12), ("Threat of violence", 0.07),
          ("Death threat", 0.02), ("Threat to property", 0.02), ("Damage to property", 0.02),
          ("Physical assault", 0.01), ("Stalking", 0.02), ("Hate incident", 0.03), ("Sexual harassment", 0.03),
          ("Misinformation", 0.12), ("Personal info published", 0.03), ("Visit to home", 0.02),
          ("Other", 0.03))  # fmt: skip
_CHARACTERISTICS = ("Racist", "Homophobic", "Misogynistic", "Antisemitic", "Islamophobic", "Disability", "Age")
_THREATS = (("Low", "Medium", "High", "Critical", ""), (0.45, 0.3, 0.12, 0.04, 0.09))
_ACTIONS = (("None", "Advice given", "Warning letter", "Security provided", "Added to PVP register", ""),
            (0.35, 0.3, 0.12, 0.05, 0.03, 0.15))  # fmt: skip
_STATUSES = (("Closed", "Under review", "Open"), (0.8, 0.08, 0.12))
_P_KNOWN = 0.55  # staff record who did it
_P_REPEAT = 0.25  # of those, one of the repeat perpetrators
_INCIDENTS_PER_REPEAT_PERPETRATOR = 200
_DESCRIPTIONS = ("Abusive comments after a planning decision.", "Repeated messages about council tax.",
                 "Shouted at outside a ward surgery.", "Threatening post about the local plan.", "")  # fmt: skip


@dataclass(frozen=True)
class Size:
    incidents: int = 1_000_000
    councillors: int = 20_000
    answers: int = 100_000  # survey answers stored (one a question answered, one an option ticked)
    new_incidents: int = 100_000  # the log imported beside the national one (.xlsx and .csv)

    @property
    def wards(self) -> int:
        return max(1, self.councillors * 7 // 20)

    @property
    def folder_name(self) -> str:
        return f"national-v{GENERATOR_VERSION}-{self.incidents}-{self.councillors}-{self.answers}-{self.new_incidents}"


@dataclass(frozen=True)
class NationalFiles:
    wards: Path
    register: Path
    log: Path
    new_log_csv: Path
    new_log_xlsx: Path
    survey: Path


@dataclass(frozen=True)
class CouncilFiles:
    wards: Path
    register: Path
    log: Path
    waves: list[tuple[str, Path]]  # (label, file)


def national(root: Path, size: Size) -> NationalFiles:
    """The national files under root, written unless an earlier run finished writing them."""
    folder = Path(root) / size.folder_name
    files = NationalFiles(*(folder / name for name in _NATIONAL_NAMES))
    if not (folder / "complete").exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_national(files, size)
        (folder / "complete").touch()
    return files


def council(root: Path, incidents: int) -> CouncilFiles:
    """The sample council's files under root, at `incidents` incidents (written unless already there)."""
    folder = Path(root) / f"council-v{GENERATOR_VERSION}-{incidents}"
    if not (folder / "complete").exists():
        write_sample(folder, incidents=incidents, incident_format="csv")
        write_sample_surveys(folder)
        (folder / "complete").touch()
    waves = [(label, folder / name) for label, name in wave_files()]
    return CouncilFiles(folder / "wards.csv", folder / "councillor_register.csv", folder / "incident_log.csv", waves)


_NATIONAL_NAMES = ("wards.csv", "councillor_register.csv", "incident_log.csv", "new_incidents.csv",
                   "new_incidents.xlsx", "survey.csv")  # fmt: skip


def write_national(files: NationalFiles, size: Size) -> None:
    rng = np.random.default_rng(_SEED)
    wards = _wards(size.wards)
    wards.to_csv(files.wards, index=False, lineterminator="\n")
    register = _register(rng, size.councillors, wards["WD24NM"].to_numpy(dtype=object))
    register[list(REGISTER_HEADERS)].to_csv(files.register, index=False, lineterminator="\n")
    perpetrators = _repeat_perpetrators(rng, max(2, size.incidents // _INCIDENTS_PER_REPEAT_PERPETRATOR))
    _log(rng, register, perpetrators, size.incidents, "INC").to_csv(files.log, index=False, lineterminator="\n")
    new = _log(rng, register, perpetrators, size.new_incidents, NEW_REF_PREFIX)
    new.to_csv(files.new_log_csv, index=False, lineterminator="\n")
    _write_xlsx(new, files.new_log_xlsx)
    files.survey.write_bytes(_survey(rng, size.answers).encode("utf-8"))


# --- registers ---------------------------------------------------------------------------------------------------


def _wards(count: int) -> pd.DataFrame:
    """Distinct invented ward names (heads and tails, then a number once those run out), all one authority's."""
    pairs = [head + tail for tail in _WARD_TAILS for head in _WARD_HEADS]
    names = [pairs[i % len(pairs)] + (f" {i // len(pairs) + 1}" if i >= len(pairs) else "") for i in range(count)]
    return pd.DataFrame(
        {
            "WD24CD": [f"E05{900000 + i:06d}" for i in range(count)],
            "WD24NM": names,
            "LAD24CD": AUTHORITY[0],
            "LAD24NM": AUTHORITY[1],
        }
    )


def _register(rng: np.random.Generator, count: int, wards: np.ndarray) -> pd.DataFrame:
    surnames = np.array([h + t for h in _SURNAME_HEADS for t in _SURNAME_TAILS], dtype=object)
    gender = _pick(rng, ("Woman", "Man", "Prefer not to say"), (0.42, 0.56, 0.02), count)
    first = np.where(
        gender == "Woman", _pick(rng, _FIRST["Woman"], None, count), _pick(rng, _FIRST["Man"], None, count)
    )
    initial = np.array([f" {letter}. " for letter in "ABCDEFGHJKLMNPRSTW"], dtype=object)
    # Distinct names: first name, middle initial and surname drawn together without replacement.
    combos = rng.choice(len(initial) * len(surnames), count, replace=len(initial) * len(surnames) < count)
    names = first + initial[combos // len(surnames)] + surnames[combos % len(surnames)]
    risk = _pick(rng, ("High", "Medium", "Low", ""), (0.1, 0.3, 0.45, 0.15), count)
    return pd.DataFrame(
        {
            "Cllr ID": [f"N{i + 1:06d}" for i in range(count)],
            "Councillor name": names,
            "Ward": wards[np.arange(count) % len(wards)],
            "Party/Group": _pick(rng, *_PARTIES, count),
            "Role": _pick(rng, *_ROLES, count),
            "Gender": gender,
            "Ethnicity": _pick(rng, *_ETHNICITY, count),
            "Disability": _pick(rng, ("No", "Yes", ""), (0.72, 0.1, 0.18), count),
            "LGBTQ+": _pick(rng, ("No", "Yes", ""), (0.7, 0.1, 0.2), count),
            "First elected": _pick(rng, ("2011", "2015", "2019", "2021", "2023"), (0.1, 0.15, 0.3, 0.1, 0.35), count),
            "Risk level": risk,
            "Risk assessed": np.where(risk == "", "", _uk_dates(rng, count, "2024-06-01")),
            "Own risk assessment": _uk_dates(rng, count, "2024-01-01"),
            "Mitigations in place": _pick(rng, ("", *_MITIGATIONS), None, count),
            "Safety training": _uk_dates(rng, count, "2023-06-01"),
            "weight": rng.lognormal(0.0, 0.8, count),  # how much abuse each attracts; not written
        }
    )


def _uk_dates(rng: np.random.Generator, count: int, since: str) -> np.ndarray:
    days = pd.Timestamp(since) + pd.to_timedelta(rng.integers(0, (END - pd.Timestamp(since)).days, count), unit="D")
    return np.where(rng.random(count) < 0.25, "", days.strftime("%d/%m/%Y")).astype(object)


# --- incidents ---------------------------------------------------------------------------------------------------


def _repeat_perpetrators(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """How each repeat perpetrator is written and what they are; their share of incidents falls off as 1/rank."""
    number = np.arange(count).astype(str).astype(object)
    kind = rng.choice(3, count, p=(0.6, 0.25, 0.15))
    written = np.select(
        [kind == 0, kind == 1],
        ["@Repeat" + number, "repeat" + number + "@example.org"],
        "Repeat Person " + number,
    ).astype(object)
    weight = 1.0 / np.arange(1, count + 1) ** 0.9
    return pd.DataFrame(
        {
            "written": written,
            "type": _pick(rng, ("Member of the public", "Organised group"), (0.8, 0.2), count),
            "p": weight / weight.sum(),
        }
    )


def _log(
    rng: np.random.Generator, register: pd.DataFrame, perpetrators: pd.DataFrame, n: int, prefix: str
) -> pd.DataFrame:
    days = pd.date_range(START, END, freq="D")
    intensity = np.linspace(0.75, 1.25, len(days))
    occurred = pd.Series(days[rng.choice(len(days), n, p=intensity / intensity.sum())]).sort_values(ignore_index=True)
    reported = occurred + pd.to_timedelta(np.minimum(rng.geometric(0.3, n) - 1, 14), unit="D")
    weight = register["weight"].to_numpy()
    cllr = rng.choice(len(register), n, p=weight / weight.sum())
    channels, shares, forms = zip(*_CHANNELS, strict=True)
    which = rng.choice(len(channels), n, p=np.array(shares) / sum(shares))
    channel = np.array(channels, dtype=object)[which]
    names = register["Councillor name"].to_numpy(dtype=object)[cllr]
    threat = _pick(rng, *_THREATS, n)
    police = np.where(np.isin(threat, ["High", "Critical"]) & (rng.random(n) < 0.6), "Y", "N").astype(object)
    perpetrator, perpetrator_type = _perpetrators(rng, perpetrators, np.array(forms, dtype=object)[which], prefix)
    columns = (
        prefix + "-" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7).to_numpy(dtype=object),
        occurred.dt.strftime("%d/%m/%Y").to_numpy(dtype=object),
        reported.clip(upper=END).dt.strftime("%d/%m/%Y").to_numpy(dtype=object),
        np.where(rng.random(n) < 0.07, "Cllr " + names, names),
        register["Ward"].to_numpy(dtype=object)[cllr],
        channel,
        pd.Series(channel).map(_PLATFORM).fillna("").to_numpy(dtype=object),
        _abuse(rng, n),
        np.where(rng.random(n) < 0.06, _pick(rng, _CHARACTERISTICS, None, n), ""),
        perpetrator,
        perpetrator_type,
        threat,
        police,
        np.where(police == "Y", "CR-" + rng.integers(100000, 1000000, n).astype(str).astype(object), ""),
        _pick(rng, *_ACTIONS, n),
        _pick(rng, *_STATUSES, n),
        _pick(rng, _DESCRIPTIONS, None, n),
    )
    return pd.DataFrame(dict(zip(INCIDENT_HEADERS, columns, strict=True)), dtype=object)


def _abuse(rng: np.random.Generator, n: int) -> np.ndarray:
    """One abuse type, a second for a quarter of incidents, joined as staff join them."""
    labels, shares = zip(*_ABUSE, strict=True)
    p = np.array(shares) / sum(shares)
    first, second = (_pick(rng, labels, p, n) for _ in range(2))
    return np.where((rng.random(n) < 0.25) & (first != second), first + "; " + second, first).astype(object)


def _perpetrators(
    rng: np.random.Generator, repeat: pd.DataFrame, form: np.ndarray, log: str
) -> tuple[np.ndarray, np.ndarray]:
    """Blank or "Unknown" for most; one of the repeat perpetrators for some; otherwise someone seen once (a handle,
    an address or a name numbered, with the log's prefix, so that no two one-off people share one)."""
    n = len(form)
    known = rng.random(n) < _P_KNOWN
    is_repeat = known & (rng.random(n) < _P_REPEAT)
    once = known & ~is_repeat
    written = _pick(rng, ("", "Unknown"), (0.6, 0.4), n)
    kind = _pick(rng, ("Unknown", ""), (0.55, 0.45), n)
    who = rng.choice(len(repeat), is_repeat.sum(), p=repeat["p"].to_numpy())
    written[is_repeat] = repeat["written"].to_numpy(dtype=object)[who]
    kind[is_repeat] = repeat["type"].to_numpy(dtype=object)[who]
    number = log + np.flatnonzero(once).astype(str).astype(object)
    written[once] = np.select(
        [form[once] == "handle", form[once] == "email"],
        ["@OneOff" + number, "one.off" + number + "@example.net"],
        "Resident " + number,
    )
    kind[once] = "Member of the public"
    return written, kind


def _write_xlsx(log: pd.DataFrame, path: Path) -> None:
    """The log as a council keeps it in a workbook: a title row above the headers."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Incident log")
    sheet.append(["National councillor safety log (FICTIONAL BENCHMARK DATA)"])
    sheet.append(list(log.columns))
    for row in log.itertuples(index=False, name=None):
        sheet.append([value or None for value in row])
    wb.save(path)


# --- survey ------------------------------------------------------------------------------------------------------


def _survey(rng: np.random.Generator, answers: int) -> str:
    """A SurveyMonkey export (two header rows; a multi-select question a column per option) of the sample's
    questions, with as many respondents as make about `answers` stored answers: every single-choice question
    answered, each option ticked with chance 1/3, the free-text box left blank."""
    single = [q for q in QUESTIONS if q.options and not q.multi]
    multi = [q for q in QUESTIONS if q.multi]
    per_respondent = len(single) + sum(len(q.options) for q in multi) / 3
    n = max(2, round(answers / per_respondent))
    top = [*SURVEYMONKEY_COLUMNS[:4]]
    sub = [""] * 4
    cells = [
        (11842000000 + np.arange(n)).astype(str),
        np.full(n, "431978265"),
        np.full(n, "03/02/2026 09:00:00 AM"),
        np.full(n, "03/02/2026 09:12:00 AM"),
    ]
    for question in QUESTIONS:
        if question.multi:
            top += [question.text] + [""] * (len(question.options) - 1)
            sub += list(question.options)
            cells += [np.where(rng.random(n) < 1 / 3, option, "") for option in question.options]
        else:
            top.append(question.text)
            sub.append("Response" if question.options else "Open-Ended Response")
            cells.append(_pick(rng, question.options, None, n) if question.options else np.full(n, ""))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([top, sub])
    writer.writerows(np.column_stack(cells).tolist())
    return buffer.getvalue()


def _pick(rng: np.random.Generator, options, p, n: int) -> np.ndarray:
    values = np.empty(len(options), dtype=object)
    values[:] = list(options)
    return values[rng.choice(len(options), n, p=p)]
