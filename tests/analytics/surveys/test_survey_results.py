"""Survey results: known answers on a small survey built here, imported as two waves through the real import."""

import math

import pandas as pd
import pytest

from analytics.surveys import survey_results as results
from analytics.surveys.surveys import import_survey
from tests.analytics.surveys.helpers import (
    ABUSE,
    CHANNELS,
    GENDER,
    HELP,
    RISK,
    YEARS,
    import_waves,
    question_id,
    wave_2025,
)


@pytest.fixture
def survey(built_by):
    con = built_by(import_waves)
    ids = dict(con.execute("SELECT label, wave_id FROM survey_waves").fetchall())
    return con, ids["2026"], ids


def summary(survey, text: str) -> results.Summary:
    con, wave, _ = survey
    return results.question_summary(con, wave, question_id(con, wave, text))


def rows(summary: results.Summary) -> dict[str, tuple]:
    return {
        answer: (None if pd.isna(count) else int(count), None if pd.isna(percent) else round(float(percent), 1))
        for answer, count, percent in summary.counts.itertuples(index=False)
    }


def test_waves_and_questions(survey):
    con, wave, _ = survey
    listed = results.waves(con)
    assert listed["label"].tolist() == ["2026", "2025"]
    assert listed["respondents"].tolist() == [40, 38]
    kinds = dict(zip(results.questions(con, wave)["text"], results.questions(con, wave)["kind"], strict=True))
    assert kinds == {GENDER: "single", ABUSE: "single", RISK: "single", CHANNELS: "multi", YEARS: "number",
                     HELP: "text"}  # fmt: skip


def test_single_choice_is_a_share_of_those_answering_with_the_lead_sentence(survey):
    result = summary(survey, ABUSE)
    assert result.kind == "single" and result.answered == 38 and result.respondents == 40
    assert rows(result) == {"Yes": (26, 68.4), "No": (12, 31.6)}
    assert result.lead == "26 of 38 councillors who answered (68%) said yes."
    assert result.note == ""


def test_a_small_answer_is_hidden_with_one_more_and_the_note_says_so(survey):
    result = summary(survey, GENDER)
    # Prefer not to say (3) is hidden; with the total shown, the next smallest (men, 15) is hidden too.
    assert rows(result) == {"Woman": (22, 55.0), "Man": (None, None), "Prefer not to say": (None, None)}
    assert "Numbers from 1 to 4 are hidden" in result.note and "cannot be worked out" in result.note
    assert result.answered == 40
    assert result.lead == "22 of 40 councillors who answered (55%) answered “Woman”."
    table = result.table()
    assert table["Councillors"].tolist() == ["22", "–", "–"]


def test_a_scale_is_in_scale_order_whatever_order_answers_came_in(survey):
    result = summary(survey, RISK)
    assert result.kind == "scale" and result.scale.name == "risk"
    assert result.counts["answer"].tolist() == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    assert result.counts["count"].tolist() == [6, 8, 12, 9, 5]
    assert result.lead == "14 of 40 councillors who answered (35%) said often or always."


def test_scales_are_recognised_from_their_options():
    assert results.recognise_scale(["Agree", "Strongly disagree", "Strongly agree"]).name == "agreement"
    assert results.recognise_scale(["Not very effective", "Very effective", "Don’t know"]).name == "effectiveness"
    assert results.recognise_scale(["Frequently", "Occasionally", "Never"]).name == "frequency"
    assert results.recognise_scale(["Yes", "No"]) is None
    assert results.recognise_scale(["Never", "Often", "Banana"]) is None


def test_multi_select_is_a_share_of_respondents_and_does_not_add_up_to_100(survey):
    result = summary(survey, CHANNELS)
    assert result.kind == "multi" and result.answered == 40
    shown = rows(result)
    assert shown["Social media"] == (30, 75.0) and shown["Email"] == (20, 50.0) and shown["In person"] == (12, 30.0)
    assert shown["Phone"] == (None, None)  # 3 chose it
    assert list(shown)[-1] == "Phone"  # hidden answers last, so their place says nothing
    assert sum(percent for _, percent in shown.values() if percent) > 100
    assert "Numbers from 1 to 4 are hidden" in result.note
    assert result.lead.startswith("30 of 40 councillors who answered (75%) chose “Social media”")


def test_numbers_are_grouped_into_bands_in_order(survey):
    result = summary(survey, YEARS)
    assert result.kind == "number"
    assert result.counts["answer"].tolist() == ["0 to 4", "5 to 9", "10 to 14", "15 to 19", "20 to 24"]
    # years 1..20 twice: 1-4 (8), 5-9 (10), 10-14 (10), 15-19 (10), 20 (2, hidden, and one more with it)
    assert result.counts["count"].isna().sum() == 2


def test_free_text_is_a_list_and_is_never_counted(survey):
    con, wave, _ = survey
    help_id = question_id(con, wave, HELP)
    written = results.free_text(con, wave, help_id)
    assert len(written) == 12 and written == sorted(written)
    assert summary(survey, HELP).kind == "text"


def test_crosstab_hides_small_groups_and_cells_and_what_gives_them_away(survey):
    con, wave, _ = survey
    table = results.crosstab(con, wave, question_id(con, wave, ABUSE), question_id(con, wave, GENDER))
    assert isinstance(table, results.Suppressed)
    counts = table.table.astype(object).where(table.table.notna(), None)
    # Prefer not to say (3 councillors) is hidden whole. Women: no = 3 is hidden (primary), so yes = 19 is too (it
    # and the row total 22 would give it away). The prefer-not-to-say total (3) could then be worked out from the
    # overall total less the other rows, so the men's total (13) and their smaller cell (yes = 5) are hidden too.
    assert counts.loc["Woman"].tolist() == [None, None]
    assert counts.loc["Man"].tolist() == [None, 8]
    assert counts.loc["Prefer not to say"].tolist() == [None, None]
    assert table.row_totals.astype(object).where(table.row_totals.notna(), None).tolist() == [22, None, None]
    assert table.column_totals.tolist() == [26, 12] and table.grand_total == 38
    assert (table.hidden_primary, table.hidden_secondary, table.hidden_groups) == (1, 3, ["Prefer not to say"])
    assert table.note == (
        "Prefer not to say is hidden because it has fewer than 10 in total. "
        "Numbers from 1 to 4 are hidden, and 3 more so they cannot be worked out from the totals."
    )
    assert table.percent.isna().all().all()  # every base is hidden or under 10, or its count is
    shown = table.long()["count"].dropna()
    assert not ((shown > 0) & (shown < 5)).any()


def test_crosstab_of_a_multi_select_is_a_share_of_each_group(survey):
    con, wave, _ = survey
    table = results.crosstab(con, wave, question_id(con, wave, CHANNELS), question_id(con, wave, GENDER))
    # Men: 15 answered; 8 chose social media, 8 email, 9 in person: shares of the 15, not of the 25 choices.
    assert table.group_n.loc["Man"] == 15
    assert [round(float(value), 1) for value in table.percent.loc["Man", ["Social media", "Email", "In person"]]] == [
        53.3,
        53.3,
        60.0,
    ]
    assert table.table["Phone"].isna().all() and "Phone" in table.hidden_groups


def test_crosstab_of_a_scale_keeps_scale_order(survey):
    con, wave, _ = survey
    table = results.crosstab(con, wave, question_id(con, wave, RISK), question_id(con, wave, GENDER))
    assert table.table.columns.tolist() == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    assert table.kind == "scale"


def test_free_text_is_refused_in_a_crosstab_on_either_side(survey):
    con, wave, _ = survey
    help_id, gender_id = question_id(con, wave, HELP), question_id(con, wave, GENDER)
    with pytest.raises(ValueError, match="free-text answers"):
        results.crosstab(con, wave, help_id, gender_id)
    with pytest.raises(ValueError, match="free-text answers"):
        results.crosstab(con, wave, gender_id, help_id)


def test_wave_change_with_a_hand_computed_p_value(survey):
    con, _, _ = survey
    change = results.wave_change(con, RISK, ["Often", "Always"], "2025", "2026")
    assert (change.n_a, change.n_b) == (38, 40)
    assert change.share_a == pytest.approx(100 * 8 / 38) and change.share_b == pytest.approx(35.0)
    assert change.difference == pytest.approx(35.0 - 100 * 8 / 38)
    # 2x2: [[8, 30], [14, 26]], N = 78, all expected counts >= 5: chi-square with Yates' correction.
    n = 78
    chi2 = n * (abs(8 * 26 - 30 * 14) - n / 2) ** 2 / (38 * 40 * 22 * 56)
    assert change.test == "chi-square"
    assert change.p_value == pytest.approx(math.erfc(math.sqrt(chi2 / 2)), rel=1e-9)
    assert change.p_value == pytest.approx(0.2640, abs=1e-3)
    assert change.sentence == (
        f"Councillors answering “Often” or “Always” to “{RISK}”: 35% in 2026 (n=40) against 21% in 2025 (n=38); "
        "a change this large could happen by chance about 1 time in 4, so it may not be a real change."
    )


def test_wave_change_matches_the_question_by_id_in_the_first_wave(survey):
    con, _, ids = survey
    by_id = results.wave_change(con, question_id(con, ids["2025"], RISK), "Never", ids["2025"], ids["2026"])
    assert (by_id.share_a, by_id.share_b) == (pytest.approx(100 * 10 / 38), pytest.approx(15.0))


def test_wave_change_is_suppressed_when_a_number_is_small(survey):
    con, _, _ = survey
    change = results.wave_change(con, RISK, "Always", "2025", "2026")  # 3 of 38 in 2025
    assert change.share_a is None and change.p_value is None and "too few" in change.sentence


def test_fisher_exact_test_when_expected_counts_are_small():
    p, test = results.two_proportion_test(5, 40, 0, 38)
    assert test == "Fisher's exact"
    # Hypergeometric: 5 chose in all, 40 in the first wave of 78; two-sided sums tables no likelier than observed.
    total = math.comb(78, 5)
    probability = [math.comb(40, k) * math.comb(38, 5 - k) / total for k in range(6)]
    assert p == pytest.approx(sum(q for q in probability if q <= probability[5] * (1 + 1e-7)))


def test_data_version_changes_with_an_import(con):
    before = results.data_version(con)
    import_survey(con, wave_2025(), "2025.csv", wave="2025")
    assert results.data_version(con) != before
