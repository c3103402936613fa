"""Survey waves and what the tests read back from an imported one."""

import csv
import io

from analytics import keyed
from analytics.surveys import survey_results as results
from analytics.surveys.surveys import import_survey

RISK = "How often have you felt at risk when carrying out your role?"
GENDER = "What is your gender?"
ABUSE = "Have you experienced abuse in the last 12 months?"
CHANNELS = "How were you abused?"
YEARS = "How many years have you served?"
HELP = "What would help you feel safer?"
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]


def google_csv(columns: dict[str, list[str]]) -> bytes:
    rows = len(next(iter(columns.values())))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Timestamp", *columns])
    for i in range(rows):
        writer.writerow([f"2026/03/{i % 28 + 1:02d} 10:00:00 AM GMT", *(values[i] for values in columns.values())])
    return buffer.getvalue().encode()


def wave_2026() -> bytes:
    """40 councillors. Gender: 22 women, 15 men, 3 prefer not to say. Abuse: women 19 yes / 3 no; men 5 yes / 8 no /
    2 blank; prefer not to say 2 yes / 1 no (26 yes, 12 no of 38). Risk: 6 never, 8 rarely, 12 sometimes, 9 often,
    5 always (listed 'Often' first). Channels: social media 30, email 20, in person 12, phone 3."""
    gender = ["Woman"] * 22 + ["Man"] * 15 + ["Prefer not to say"] * 3
    abuse = ["Yes"] * 19 + ["No"] * 3 + ["Yes"] * 5 + ["No"] * 8 + [""] * 2 + ["Yes"] * 2 + ["No"]
    risk = ["Often"] * 9 + ["Always"] * 5 + ["Never"] * 6 + ["Rarely"] * 8 + ["Sometimes"] * 12
    channels = []
    for i in range(40):
        chosen = [name for name, yes in [("Social media", i < 30), ("Email", 10 <= i < 30), ("In person", i >= 28),
                                         ("Phone", i < 3)] if yes]  # fmt: skip
        channels.append(", ".join(chosen))
    years = [str(i % 20 + 1) for i in range(40)]
    written = [f"More support from the monitoring officer at surgery {WORDS[i]}" if i < 12 else "" for i in range(40)]
    return google_csv({GENDER: gender, ABUSE: abuse, RISK: risk, CHANNELS: channels, YEARS: years, HELP: written})


def wave_2025() -> bytes:
    """38 councillors: risk 10 never, 10 rarely, 10 sometimes, 5 often, 3 always (8 often or always)."""
    risk = ["Never"] * 10 + ["Rarely"] * 10 + ["Sometimes"] * 10 + ["Often"] * 5 + ["Always"] * 3
    return google_csv({GENDER: ["Woman"] * 20 + ["Man"] * 18, RISK: risk})


def import_waves(con) -> dict[str, str]:
    """Both waves into `con`; the wave ids by label."""
    older = import_survey(con, wave_2025(), "2025.csv", wave="2025")
    newer = import_survey(con, wave_2026(), "2026.csv", wave="2026")
    return {"2025": older.wave_id, "2026": newer.wave_id}


def question_id(con, wave_id: str, text: str) -> str:
    found = results.questions(con, wave_id)
    return found.loc[found["text"] == text, "question_id"].item()


def answers(con, question_id: str, respondent: str | None = None) -> list[str]:
    """The answers to a question; only those of `respondent` (as the survey tool numbers them), if given."""
    sql = "SELECT answer FROM survey_answers WHERE question_id = $question"
    params = {"question": question_id}
    if respondent is not None:
        sql += f" AND respondent = {keyed.respondent_sql('$respondent')}"
        params |= {"respondent": respondent, **keyed.hmac_parameters(con)}
    return sorted(row[0] for row in con.execute(sql, params).fetchall())


def question(con, question_id: str) -> tuple:
    sql = "SELECT text, kind, options FROM survey_questions WHERE question_id = ?"
    return con.execute(sql, [question_id]).fetchall()[0]


PLAIN = "Respondent ID,Gender,Experienced abuse,Years served\nA1,Female,Yes,3\nA2,Male,No,10\nA3,Female,Yes,1\n"
