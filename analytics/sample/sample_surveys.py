"""Deterministic generator of two waves of a FICTIONAL councillor survey for the sample council, Fernwick.

Fernwick District Council does not exist; its councillors are the invented ones of analytics.sample.sample's register
(the same seed gives the same councillors), their e-mail addresses are on the reserved ``.example`` domain, their
IP addresses come from the 192.0.2.0/24 documentation range, and every comment is invented. The files are what
the survey tools themselves export, so the survey import, the wave comparison and the survey pages have
realistic material to work on:

- ``councillor_survey_2025.xlsx``: a Microsoft Forms export (sheet "Form1"; ID, Start time, Completion time,
  Email, Name, then one column per question; times as Excel datetimes; a multi-select answer in one cell with
  each choice followed by ";");
- ``councillor_survey_2026.csv``: a SurveyMonkey export (Windows-1252, two header rows: the question, blank
  where a question spans on, over "Response", "Open-Ended Response" or the option; a multi-select question one
  column per option holding the option's text when ticked).

Both waves ask the same 15 questions in the same words, so the second wave lines up with the first. About three
in four respondents experienced abuse, most often on social media; women more often feel at risk; between the
waves feeling at risk rises, more abuse is reported to the council and its arrangements are rated more
effective.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from analytics.sample.sample import _councillors, later, save_workbook_stable  # respondents are Fernwick's councillors

EMAIL_DOMAIN = "fernwick.example"  # .example is reserved for examples (RFC 2606)
IP_NETWORK = "192.0.2."  # TEST-NET-1, reserved for documentation (RFC 5737)
MS_FORMS_COLUMNS = ("ID", "Start time", "Completion time", "Email", "Name")
SURVEYMONKEY_COLUMNS = (
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
    "Last Name", "Custom Data 1",
)  # fmt: skip
_COLLECTOR_ID = "431978265"


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple[str, ...] = ()  # empty for the free-text question
    multi: bool = False


YES_NO = ("Yes", "No")
CHANNELS = ("Social media", "Email", "Phone", "In person", "Ward surgery", "At home", "Letter")
ABUSE_TYPES = (
    "Verbal abuse", "Harassment", "Intimidation", "Threat of violence", "Misinformation",
    "Personal information published",
)  # fmt: skip
CHARACTERISTICS = ("Sex", "Race", "Religion or belief", "Sexual orientation", "Disability", "Age", "None of these")
FREQUENCY = ("Never", "Rarely", "Occasionally", "Frequently")
AT_RISK = ("Never", "Rarely", "Sometimes", "Often", "Always")
EFFECTIVE = ("Very effective", "Fairly effective", "Not very effective", "Not at all effective", "Don't know")
GROUPS = ("Labour", "Conservative", "Liberal Democrat", "Green", "Independent")  # sample._PARTY_SEATS
YEARS = ("Less than 1", "1-4", "5-9", "10 or more")

QUESTIONS = (
    Question(
        "In the last 12 months, have you experienced abuse, harassment or intimidation in your role as a councillor?",
        YES_NO,
    ),
    Question("How often have you experienced abuse?", FREQUENCY),
    Question("Where did the abuse happen? (select all that apply)", CHANNELS, multi=True),
    Question("What kind of abuse? (select all that apply)", ABUSE_TYPES, multi=True),
    Question("Was any of it related to your protected characteristics? (select all that apply)", CHARACTERISTICS, True),
    Question("How often do you feel at risk when carrying out your role?", AT_RISK),
    Question("Did you report it to the council?", YES_NO),
    Question("Did you report it to the police?", YES_NO),
    Question("How effective are the council's arrangements for supporting councillors' safety?", EFFECTIVE),
    Question("Have you considered standing down because of abuse?", YES_NO),
    Question("What is your gender?", ("Woman", "Man", "Prefer not to say")),
    Question("Do you consider yourself to have a disability?", ("Yes", "No", "Prefer not to say")),
    Question("Which group are you a member of?", GROUPS),
    Question("How many years have you served as a councillor?", YEARS),
    Question("Is there anything else you would like to tell us?"),
)


@dataclass(frozen=True)
class _Wave:
    label: str
    respondents: int
    opens: datetime
    days_open: int
    abuse_shift: float  # added to each councillor's chance of having experienced abuse
    risk_shift: float  # added to the latent "feel at risk" score
    council_report: float  # chance that someone abused reported it to the council
    effective_p: tuple[float, ...]  # over EFFECTIVE
    stamp: datetime  # the export's fixed file time
    comments: tuple[str, ...]  # this wave's own comments, on top of _COMMENTS


_COMMENTS = (
    "Most of the abuse comes after planning decisions.",
    "The safety training was helpful.",
    "I no longer hold surgeries on my own.",
    "Please publish a clear process for reporting abuse.",
    "I would like my home address taken off the council website.",
    "The police response was slow and I did not hear back.",
    "Officers were supportive when I reported a threat.",
    "I have stopped posting on Facebook because of the comments.",
    "My family has been affected as well as me.",
    "Abuse at council meetings should be dealt with by the chair.",
    "Nothing to add.",
    "More support for new councillors would help.",
    "The group leaders should agree a joint statement on abuse.",
    "A resident filmed me at a surgery and posted it online.",
    "I was not aware I could report abuse to the council.",
    "Thank you for running this survey.",
    "Women councillors get a different kind of abuse and it should be recognised.",
    "Emails are the worst, they arrive late at night.",
    "Could the council provide a separate phone for ward work?",
    "I report everything now, but I am not sure anything happens.",
    "The doorbell camera cost me £120 and I paid for it myself.",
    "I was shouted at outside my house after a planning meeting, and it took three weeks for anyone from the "
    "council to get back to me. That is not acceptable.",
)
WAVES = (
    _Wave(
        "2025", 38, datetime(2025, 3, 3, 8), 40, 0.0, 0.0, 0.45,
        (0.08, 0.27, 0.35, 0.18, 0.12), datetime(2025, 4, 14, 9, 0),
        ("I am thinking carefully about standing again.", "Nobody told me what happens after I report something."),
    ),
    _Wave(
        "2026", 41, datetime(2026, 3, 2, 8), 40, 0.03, 0.55, 0.62,
        (0.16, 0.4, 0.26, 0.08, 0.1), datetime(2026, 4, 13, 9, 0),
        ("The new reporting form is much easier to use.", "Security at the planning committee made a difference.",
         "Abuse over the Castle Meadows scheme has been relentless.", "The lone-worker device makes me feel safer."),
    ),
)  # fmt: skip


def wave_files(months_later: int = 0) -> list[tuple[str, str]]:
    """Each wave's label and file name as write_sample_surveys writes them: the label is the year the wave opened
    (2025 and 2026 as designed), so it moves with the dates."""
    labels = [str(later(wave.opens, months_later).year) for wave in WAVES]
    return [(label, f"councillor_survey_{label}.{kind}") for label, kind in zip(labels, ("xlsx", "csv"), strict=True)]


def write_sample_surveys(out_dir: Path, *, seed: int = 2026, months_later: int = 0) -> list[Path]:
    """Write the two survey waves into out_dir (2025 from Microsoft Forms, 2026 from SurveyMonkey); their paths.

    `months_later` moves every time in them as analytics.sample.sample moves the council's other files; the answers are
    the design's whatever the move."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    register = _councillors(np.random.default_rng(seed))  # the very register sample.write_sample writes
    rng = np.random.default_rng([seed, 1])
    first, second = (_moved(_responses(rng, register, wave), months_later) for wave in WAVES)
    paths = [out_dir / name for _, name in wave_files(months_later)]
    _write_ms_forms(first, paths[0], later(WAVES[0].stamp, months_later))
    paths[1].write_bytes(_surveymonkey_csv(rng, second).encode("cp1252"))
    return paths


def _moved(responses: pd.DataFrame, months_later: int) -> pd.DataFrame:
    return responses.assign(start=later(responses["start"], months_later), end=later(responses["end"], months_later))


# --- who answered what -------------------------------------------------------------------------------------------


def _responses(rng: np.random.Generator, register: pd.DataFrame, wave: _Wave) -> pd.DataFrame:
    """One row per respondent: who (register columns), when, and an answer per question (text, or a tuple of
    the options chosen for a multi-select; "" or () where they left it blank)."""
    chosen = np.sort(rng.choice(len(register), wave.respondents, replace=False))
    people = register.iloc[chosen].reset_index(drop=True)
    n = len(people)
    woman = (people["Gender"] == "Woman").to_numpy()
    minority = (~people["Ethnicity"].isin(["White", ""])).to_numpy()
    disabled = (people["Disability"] == "Yes").to_numpy()
    lgbtq = (people["LGBTQ+"] == "Yes").to_numpy()
    asian = (people["Ethnicity"] == "Asian or Asian British").to_numpy()
    # How exposed each councillor is (visible roles, women, ethnic minorities): a percentile among all 50.
    exposure = register["weight"].rank(pct=True).to_numpy()[chosen]

    abused = rng.random(n) < np.clip(0.62 + 0.3 * exposure + 0.05 * woman + wave.abuse_shift, 0, 0.97)
    latent = 1.3 * exposure + 0.3 * woman + rng.normal(0, 0.45, n)
    frequency = np.where(abused, np.digitize(latent, [0.55, 1.15]) + 1, (rng.random(n) < 0.1).astype(int))
    where = {
        "Social media": 0.82, "Email": 0.58, "Phone": 0.22, "In person": 0.35, "Ward surgery": 0.15,
        "At home": 0.08 + 0.04 * frequency, "Letter": 0.12,
    }  # fmt: skip
    what = {
        "Verbal abuse": 0.8, "Harassment": 0.4 + 0.06 * frequency, "Intimidation": 0.42,
        "Threat of violence": 0.06 + 0.08 * frequency, "Misinformation": 0.5, "Personal information published": 0.12,
    }  # fmt: skip
    why = {
        "Sex": 0.04 + 0.4 * woman, "Race": 0.03 + 0.55 * minority, "Religion or belief": 0.03 + 0.25 * asian,
        "Sexual orientation": 0.02 + 0.45 * lgbtq, "Disability": 0.02 + 0.4 * disabled, "Age": 0.12,
    }  # fmt: skip
    channels = _ticks(rng, abused, where, "Social media")
    kinds = _ticks(rng, abused, what, "Verbal abuse")
    characteristics = _ticks(rng, abused, why, "None of these")
    risk = 0.75 * frequency + 0.8 * woman + 0.35 * minority + wave.risk_shift + rng.normal(0, 0.6, n)
    threatened = np.array(["Threat of violence" in ticked for ticked in kinds])
    council = rng.random(n) < wave.council_report + 0.08 * (frequency - 2)
    police = rng.random(n) < 0.12 + 0.45 * threatened
    standing_down = rng.random(n) < np.where(abused, 0.1 + 0.09 * frequency + 0.08 * woman, 0.03)

    answers = {
        0: np.where(abused, "Yes", "No"),
        1: np.array(FREQUENCY)[frequency],
        2: channels,
        3: kinds,
        4: characteristics,
        5: np.array(AT_RISK)[np.digitize(risk, [0.7, 1.6, 2.7, 3.7])],
        6: np.where(abused, np.where(council, "Yes", "No"), ""),
        7: np.where(abused, np.where(police, "Yes", "No"), ""),
        8: np.array(EFFECTIVE)[rng.choice(len(EFFECTIVE), n, p=wave.effective_p)],
        9: np.where(standing_down, "Yes", "No"),
        10: _declared(rng, people["Gender"].to_numpy(), 0.04),
        11: _declared(rng, people["Disability"].replace("", "Prefer not to say").to_numpy(), 0.03),
        12: people["Party/Group"].to_numpy(),
        13: _years_served(people["First elected"], int(wave.label)),
        14: _comments(rng, n, _COMMENTS + wave.comments),
    }
    frame = pd.DataFrame({"name": people["Councillor name"].to_numpy()})
    frame["start"], frame["end"] = _times(rng, wave, n)
    for number, values in answers.items():
        frame[number] = pd.Series(list(values), dtype=object)
    return frame.sort_values("start", ignore_index=True)  # the tools number responses in the order they arrive


def _ticks(
    rng: np.random.Generator, asked: np.ndarray, chances: dict[str, float | np.ndarray], fallback: str
) -> list[tuple[str, ...]]:
    """The options each respondent ticks, each with its own chance, in the form's order; someone who ticks none
    of them ticks `fallback` (the commonest option, or "None of these"). () for those not asked: the forms'
    branching only asks those who experienced abuse where, what and why."""
    n = len(asked)
    options = list(chances)
    ticked = np.column_stack([rng.random(n) < np.broadcast_to(chances[option], n) for option in options])
    chosen = []
    for row, took in zip(ticked, asked, strict=True):
        picked = tuple(option for option, tick in zip(options, row, strict=True) if tick) or (fallback,)
        chosen.append(picked if took else ())
    return chosen


def _declared(rng: np.random.Generator, recorded: np.ndarray, p_withheld: float) -> np.ndarray:
    """What the register records, but a few respondents prefer not to say in a survey."""
    return np.where(rng.random(len(recorded)) < p_withheld, "Prefer not to say", recorded).astype(object)


def _years_served(first_elected: pd.Series, year: int) -> np.ndarray:
    served = year - first_elected.astype(int).to_numpy()
    return np.array(YEARS, dtype=object)[np.digitize(served, [1, 5, 10])]


def _comments(rng: np.random.Generator, n: int, pool: tuple[str, ...]) -> np.ndarray:
    """A different invented comment from each of 15 to 19 respondents; the rest leave the box blank."""
    count = min(int(rng.integers(15, 20)), n, len(pool))
    comments = np.full(n, "", dtype=object)
    comments[rng.choice(n, count, replace=False)] = rng.choice(np.array(pool, dtype=object), count, replace=False)
    return comments


def _times(rng: np.random.Generator, wave: _Wave, n: int) -> tuple[list[datetime], list[datetime]]:
    """Starts spread over the weeks the survey is open, mostly in the day, some in the evening; 3-20 minutes."""
    day = rng.integers(0, wave.days_open, n)
    hour = rng.choice(np.arange(8, 23), n, p=_HOUR_P)
    seconds = rng.integers(0, 3600, n)
    start = [
        wave.opens.replace(hour=0) + timedelta(days=int(d), hours=int(h), seconds=int(s))
        for d, h, s in zip(day, hour, seconds, strict=True)
    ]
    took = rng.integers(180, 1200, n)
    return start, [begin + timedelta(seconds=int(t)) for begin, t in zip(start, took, strict=True)]


_HOUR_P = np.array([4, 6, 6, 5, 6, 6, 5, 5, 4, 5, 7, 8, 7, 4, 2], dtype=float) / 80  # 08:00 to 22:00


def _email(name: str) -> str:
    """cllr.zoe.hartigan@fernwick.example: accents dropped, apostrophes gone, hyphens kept."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "cllr." + ".".join(re.sub(r"[^a-z-]", "", part) for part in plain.split()) + "@" + EMAIL_DOMAIN


# --- writing: Microsoft Forms --------------------------------------------------------------------------------------


def _write_ms_forms(responses: pd.DataFrame, path: Path, stamp: datetime) -> None:
    """Sheet "Form1" as Forms exports it: a bold header, then one row per response in the order they came."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Form1"
    wb.properties.creator = "Microsoft Forms"
    wb.properties.created = stamp
    ws.append([*MS_FORMS_COLUMNS, *(question.text for question in QUESTIONS)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for number, response in enumerate(responses.itertuples(index=False), start=1):
        answers = [_forms_cell(value) for value in response[3:]]
        ws.append([number, response.start, response.end, _email(response.name), response.name, *answers])
        for cell in ws[ws.max_row][1:3]:
            cell.number_format = "m/d/yy h:mm:ss"
    for letter, width in zip("ABCDE", (6, 18, 18, 36, 24), strict=True):
        ws.column_dimensions[letter].width = width
    save_workbook_stable(wb, path, stamp)


def _forms_cell(value: str | tuple[str, ...]) -> str | None:
    """A multi-select answer as Forms writes it, each choice followed by ";"; a blank answer as an empty cell."""
    if isinstance(value, tuple):
        value = "".join(f"{option};" for option in value)
    return value or None


# --- writing: SurveyMonkey -----------------------------------------------------------------------------------------


def _surveymonkey_csv(rng: np.random.Generator, responses: pd.DataFrame) -> str:
    """Two header rows (question, then "Response", "Open-Ended Response" or each option), one row per response."""
    top, sub = list(SURVEYMONKEY_COLUMNS), [""] * len(SURVEYMONKEY_COLUMNS)
    for question in QUESTIONS:
        if question.multi:
            top += [question.text] + [""] * (len(question.options) - 1)
            sub += list(question.options)
        else:
            top.append(question.text)
            sub.append("Response" if question.options else "Open-Ended Response")
    n = len(responses)
    respondent_ids = 11842000000 + np.cumsum(rng.integers(40_000, 9_000_000, n))
    hosts = rng.choice(np.arange(1, 255), n, replace=False)
    rows = [top, sub]
    for response, respondent, host in zip(responses.itertuples(index=False), respondent_ids, hosts, strict=True):
        first, last = response.name.split(" ", 1)
        meta = [str(respondent), _COLLECTOR_ID, _us_time(response.start), _us_time(response.end),
                f"{IP_NETWORK}{host}", _email(response.name), first, last, ""]  # fmt: skip
        cells = []
        for question, value in zip(QUESTIONS, response[3:], strict=True):
            if question.multi:
                cells += [option if option in value else "" for option in question.options]
            else:
                cells.append(value)
        rows.append(meta + cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _us_time(moment: datetime) -> str:
    """SurveyMonkey's own date form: 03/14/2026 09:12:33 PM."""
    return moment.strftime("%m/%d/%Y %I:%M:%S %p")
