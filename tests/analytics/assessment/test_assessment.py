"""The toolkit self-assessment: the framework as data, saving, history, changes, actions and the exports."""

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from analytics.assessment import assessment
from analytics.assessment.assessment import Action

SEED_STATEMENT_1 = (
    "We equip councillors with the skills and resources to conduct their own risk assessments, empowering them to "
    "assess their role, responsibilities, visibility, and personal circumstances and flag when they need support "
    "from officers."
)
IDS = ["2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.1.5"]


def scored(*values: int, section: str = "2", ids=IDS) -> dict:
    return {(section, statement): value for statement, value in zip(ids, values, strict=True)}


@pytest.fixture
def framework():
    return assessment.load_framework()


def second_section_folder(tmp_path):
    """The shipped section and a made-up second one of three statements, in a folder of their own."""
    folder = tmp_path / "frameworks"
    folder.mkdir()
    shipped = assessment.FRAMEWORK_FOLDER / "section-2-identifying-and-mitigating-risk.json"
    (folder / shipped.name).write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    raw = json.loads(shipped.read_text(encoding="utf-8"))
    raw.update(
        section_id="3",
        theme="Supporting councillors",
        aim="An aim.",
        aim_statement="Supporting councillors: an aim.",
        statements=[{"id": f"3.1.{n}", "text": f"We do thing {n}."} for n in range(1, 6)],
    )
    (folder / "section-3.json").write_text(json.dumps(raw), encoding="utf-8")
    return folder


def test_the_shipped_framework_has_the_seeds_five_statements_and_scale(framework):
    (section,) = framework
    assert section.section_id == "2" and section.theme == "Identifying and mitigating risk"
    assert section.aim.startswith("Creating a risk-led approach involves establishing a mechanism")
    assert section.aim_statement.startswith("Identifying and mitigating risk: Consider broad risks across our")
    assert "empowering individual councillors’ so we can work together" in section.aim_statement
    assert [statement.id for statement in section.statements] == IDS
    assert section.statements[0].text == SEED_STATEMENT_1
    assert section.statements[4].text.endswith("to adapt strategies as needed and ensure ongoing safety and wellbeing.")
    assert [(p.score, p.label, p.short_label) for p in section.scale] == [
        (0, "Not Addressed", "Not Addressed"),
        (1, "Partial Implementation", "Partial"),
        (2, "Comprehensive Implementation", "Comprehensive"),
    ]
    assert section.scale[0].description == "No action taken or significant deficiencies observed."
    assert section.max_score == 10


def test_a_bad_framework_file_is_refused_with_a_plain_sentence(tmp_path):
    shipped = json.loads((assessment.FRAMEWORK_FOLDER / "section-2-identifying-and-mitigating-risk.json").read_text())
    (tmp_path / "a.json").write_text(json.dumps({**shipped, "colour": "red"}))
    with pytest.raises(ValueError, match="does not know: colour"):
        assessment.load_framework(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps({**shipped, "scale": shipped["scale"][:2]}))
    with pytest.raises(ValueError, match="scores 0, 1 and 2"):
        assessment.load_framework(tmp_path)


def test_a_second_section_file_makes_the_total_out_of_20_and_sums_both(con, tmp_path):
    sections = assessment.load_framework(second_section_folder(tmp_path))
    assert [section.section_id for section in sections] == ["2", "3"]
    assert assessment.max_score(sections) == 20
    scores = scored(2, 1, 1, 0, 2) | scored(1, 1, 1, 1, 1, section="3", ids=[f"3.1.{n}" for n in range(1, 6)])
    with pytest.raises(ValueError, match="Score every statement"):
        assessment.save_assessment(con, date(2025, 4, 3), scored(2, 1, 1, 0, 2), sections=sections)
    assessment.save_assessment(con, date(2025, 4, 3), scores, sections=sections)
    history = assessment.assessment_history(con, sections)
    assert history[["total", "max", "section 2", "section 3"]].iloc[0].tolist() == [11, 20, 6, 5]


def test_save_history_and_changes(con, framework):
    assert assessment.describe_latest(con, framework) == "No assessment saved yet: score the five statements below."
    first = assessment.save_assessment(con, date(2025, 1, 10), scored(1, 1, 1, 1, 1), assessed_by="Monitoring officer")
    assert assessment.changes_since_previous(con, first)[0].startswith("This is the first assessment")
    second = assessment.save_assessment(
        con, date(2025, 4, 3), scored(1, 1, 2, 2, 1), evidence={("2", "2.1.3"): "Monthly safety champion meeting."}
    )
    history = assessment.assessment_history(con)
    assert history["assessed_on"].tolist() == [date(2025, 1, 10), date(2025, 4, 3)]
    assert history["total"].tolist() == [5, 7] and history["max"].tolist() == [10, 10]
    statements = assessment.statement_history(con)
    assert len(statements) == 10
    row = statements[(statements["assessed_on"] == date(2025, 4, 3)) & (statements["statement"] == "2.1.3")]
    assert row["score"].tolist() == [2] and row["section"].tolist() == ["2"]
    assert assessment.changes_since_previous(con, second) == [
        "Statement 2.1.3 rose from 1 (partial) to 2 (comprehensive).",
        "Statement 2.1.4 rose from 1 (partial) to 2 (comprehensive).",
        "Total rose from 5 to 7 out of 10.",
    ]
    assert assessment.describe_latest(con) == "Our latest assessment scored **7 / 10** on 3 April 2025."
    third = assessment.save_assessment(con, date(2025, 7, 1), scored(0, 1, 2, 2, 1))
    assert assessment.changes_since_previous(con, third) == [
        "Statement 2.1.1 fell from 1 (partial) to 0 (not addressed).",
        "Total fell from 7 to 6 out of 10.",
    ]


def test_a_missing_or_bad_score_is_refused_and_nothing_is_saved(con):
    with pytest.raises(ValueError, match="2.1.5 has no score"):  # "x" is never reached: the missing one is
        assessment.save_assessment(con, date(2025, 4, 3), scored(1, 1, 1, 1, 1, ids=IDS[:4] + ["x"]))
    with pytest.raises(ValueError, match="must be 0, 1 or 2"):
        assessment.save_assessment(con, date(2025, 4, 3), scored(1, 1, 1, 1, 3))
    with pytest.raises(ValueError, match="not in the framework"):
        assessment.save_assessment(con, date(2025, 4, 3), scored(1, 1, 1, 1, 1) | {("2", "9.9"): 1})
    assert con.execute("SELECT count(*) FROM assessments").fetchone()[0] == 0


def test_open_actions_flag_the_overdue(con):
    actions = [
        Action("2", "Run personal safety training", "Head of democratic services", date(2025, 3, 1)),
        Action("2", "Offer home security checks", "Safety champion", date(2025, 9, 1), statement_id="2.1.4"),
        Action("2", "Done already", "Monitoring officer", date(2025, 1, 1), done_on=date(2025, 1, 2)),
    ]
    assessment.save_assessment(con, date(2025, 1, 10), scored(1, 1, 1, 1, 1), actions=actions)
    open_now = assessment.open_actions(con, date(2025, 4, 3))
    assert open_now["action"].tolist() == ["Run personal safety training", "Offer home security checks"]
    assert open_now["overdue"].tolist() == [True, False]
    assert open_now["statement"].tolist()[1] == "2.1.4"


def test_an_improvement_action_marked_done_leaves_the_open_list(con):
    actions = [
        Action("2", "Run personal safety training", "Head of democratic services", date(2025, 3, 1)),
        Action("2", "Offer home security checks", "Safety champion", date(2025, 9, 1), statement_id="2.1.4"),
    ]
    assessment.save_assessment(con, date(2025, 1, 10), scored(1, 1, 1, 1, 1), actions=actions)
    training = assessment.open_actions(con, date(2025, 4, 3))["action_id"].iloc[0]
    assessment.complete_action(con, training, date(2025, 4, 2))
    assert assessment.open_actions(con, date(2025, 4, 3))["action"].tolist() == ["Offer home security checks"]
    done = con.execute("SELECT done_on FROM improvement_actions WHERE action_id = ?", [training]).fetchone()[0]
    assert done == date(2025, 4, 2)
    with pytest.raises(ValueError, match="That action is not recorded"):
        assessment.complete_action(con, "nope", date(2025, 4, 2))
    with pytest.raises(ValueError, match="Enter the date the action was done"):
        assessment.complete_action(con, training, None)


@pytest.fixture
def saved(con):
    return assessment.save_assessment(
        con,
        date(2025, 4, 3),
        scored(2, 1, 1, 2, 1),
        evidence={("2", "2.1.1"): "Risk assessment template issued", ("2", "2.1.2"): '=HYPERLINK("http://x")'},
        section_evidence={"2": "Reviewed at the member safety group."},
        actions=[Action("2", "Publish the lone working guidance", "Safety champion", date(2025, 6, 30))],
    )


def test_the_excel_export_is_the_toolkits_layout_cell_by_cell(con, saved, framework):
    workbook = openpyxl.load_workbook(io.BytesIO(assessment.export_excel(con, saved)))
    assert workbook.sheetnames == ["Section 2"]
    sheet = workbook["Section 2"]
    (section,) = framework
    assert sheet["A1"].value == "Identifying and mitigating risk"
    assert sheet["A3"].value == section.aim
    assert sheet["A4"].value == section.aim_statement
    assert sheet["A5"].value == "Assessed on 03/04/2025"
    assert [cell.value for cell in sheet[7]] == ["Statement", "0: Not Addressed", "1: Partial", "2: Comprehensive",
                                                 "Evidence"]  # fmt: skip
    chosen = [2, 1, 1, 2, 1]
    for offset, statement in enumerate(section.statements):
        row = [cell.value for cell in sheet[8 + offset]]
        assert row[0] == statement.text
        assert row[1:4] == ["X" if score == chosen[offset] else None for score in (0, 1, 2)]
    assert sheet["E8"].value == "Risk assessment template issued"
    assert sheet["E9"].value == '=HYPERLINK("http://x")' and sheet["E9"].data_type == "s" and sheet["E9"].quotePrefix
    assert (sheet["A13"].value, sheet["B13"].value) == ("Total score", "7 / 10")
    assert (sheet["A14"].value, sheet["B14"].value) == ("Evidence", "Reviewed at the member safety group.")
    assert sheet["A16"].value == "Improvement actions"
    assert [cell.value for cell in sheet[17]][:4] == ["Action", "Owner", "Due date", "Statement"]
    action, owner, due, statement = sheet[18][:4]
    assert [action.value, owner.value, statement.value] == [
        "Publish the lone working guidance",
        "Safety champion",
        "Whole section",
    ]
    assert due.is_date and due.value.date() == date(2025, 6, 30) and due.number_format == "dd/mm/yyyy"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_csv_export_has_a_formula_safe_row_per_statement(con, saved):
    frame = pd.read_csv(io.BytesIO(assessment.export_csv(con, saved)), encoding="utf-8-sig", dtype=str)
    assert frame["Statement"].tolist() == IDS
    assert frame["Score"].tolist() == ["2", "1", "1", "2", "1"]
    assert frame["What the score means"].tolist()[:2] == ["Comprehensive Implementation", "Partial Implementation"]
    assert frame["Evidence"].tolist()[1] == '\'=HYPERLINK("http://x")'
    assert set(frame["Section"]) == {"2"} and set(frame["Assessed on"]) == {"03/04/2025"}


def test_the_same_assessment_sent_twice_is_stored_once(con, framework):
    assessment.save_assessment(con, date(2025, 4, 3), scored(2, 1, 1, 0, 2), assessed_by="Monitoring officer")
    with pytest.raises(ValueError, match="This assessment is already saved"):
        assessment.save_assessment(con, date(2025, 4, 3), scored(2, 1, 1, 0, 2), assessed_by="Monitoring officer")
    assessment.save_assessment(con, date(2025, 4, 3), scored(2, 2, 1, 0, 2), assessed_by="Monitoring officer")
    assert len(assessment.assessment_history(con, framework)) == 2  # a changed score is a new assessment
