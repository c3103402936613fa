"""Small-number suppression: known answers, and the property that matters most: no hidden number can be worked out
from the numbers and totals that are shown, whether by subtraction along a row or column or by solving the whole
table at once (an attacker's linear programme over the hidden cells)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analytics.governance.suppression import (
    HIDDEN,
    MIN_BASE,
    MIN_CELL,
    Suppressed,
    percentages,
    suppress_counts,
    suppress_table,
)

NA = pd.NA


def frame(rows: list[list[int]], index: str, columns: str) -> pd.DataFrame:
    return pd.DataFrame(rows, index=list(index), columns=list(columns))


def shown(result: Suppressed) -> list[list[object]]:
    """The table as a page would show it: numbers, and NA where hidden."""
    return [[NA if pd.isna(value) else int(value) for value in row] for row in result.table.to_numpy(dtype=object)]


def totals(series: pd.Series | None) -> list[object] | None:
    return None if series is None else [NA if pd.isna(value) else int(value) for value in series]


# --- known answers -----------------------------------------------------------------------------------------------


def test_one_small_cell_hides_one_more_in_its_row_and_its_column_and_the_cell_that_completes_both():
    counts = frame([[10, 3, 12], [8, 15, 6], [20, 9, 7]], "XYZ", "ABC")
    result = suppress_table(counts)
    # (X, B) = 3 is small. Its row's smallest other number is (X, A) = 10 (not 12); its column's is (Z, B) = 9 (not
    # 15). That leaves row Z and column A each with one hidden number: (Z, A) = 20 completes both at once, so it is
    # hidden rather than the smaller (Z, C) = 7 and (Y, A) = 8, which would each need further cells.
    assert shown(result) == [[NA, NA, 12], [8, 15, 6], [NA, NA, 7]]
    assert (result.hidden_primary, result.hidden_secondary, result.hidden_groups) == (1, 3, [])
    assert result.note == "Numbers from 1 to 4 are hidden, and 3 more so they cannot be worked out from the totals."
    assert totals(result.row_totals) == [25, 29, 36]
    assert totals(result.column_totals) == [38, 27, 25]
    assert result.grand_total == 90
    assert result.table.dtypes.eq("Int64").all()
    assert result.table.index.equals(counts.index) and result.table.columns.equals(counts.columns)
    assert result.table.loc["X", "B"] is HIDDEN is pd.NA


def test_equal_numbers_are_broken_in_reading_order():
    counts = frame([[3, 10, 10], [12, 30, 30], [12, 30, 30]], "XYZ", "ABC")
    result = suppress_table(counts)
    # Row X: 10 and 10, so the first, (X, B). Column A: 12 and 12, so the first, (Y, A). Then (Y, B) completes row
    # Y and column B at once.
    assert shown(result) == [[NA, NA, 10], [NA, NA, 30], [12, 30, 30]]


def test_two_small_cells_in_different_rows_and_columns_protect_each_other_with_two_more():
    counts = frame([[20, 3, 15], [9, 25, 2], [30, 30, 30]], "XYZ", "ABC")
    result = suppress_table(counts)
    # (X, B) = 3 and (Y, C) = 2: (X, C) = 15 completes row X and column C, (Y, B) = 25 completes row Y and column B.
    assert shown(result) == [[20, NA, NA], [9, NA, NA], [30, 30, 30]]
    assert (result.hidden_primary, result.hidden_secondary) == (2, 2)


def test_without_totals_a_small_cell_is_hidden_alone():
    counts = frame([[10, 3, 12], [8, 15, 6], [20, 9, 7]], "XYZ", "ABC")
    result = suppress_table(counts, row_totals=False, column_totals=False)
    assert shown(result) == [[10, NA, 12], [8, 15, 6], [20, 9, 7]]
    assert (result.hidden_primary, result.hidden_secondary) == (1, 0)
    assert result.note == "Numbers from 1 to 4 are hidden."
    assert (result.row_totals, result.column_totals, result.grand_total) == (None, None, None)


def test_a_row_with_a_base_under_10_is_hidden_whole():
    counts = frame([[10, 6, 12], [3, 2, 3], [20, 9, 7]], "XYZ", "ABC")  # ward Y: 8 in total
    alone = suppress_table(counts, row_totals=False, column_totals=False)
    assert shown(alone) == [[10, 6, 12], [NA, NA, NA], [20, 9, 7]]
    assert (alone.hidden_primary, alone.hidden_secondary, alone.hidden_groups) == (0, 0, ["Y"])
    assert alone.note == "Y is hidden because it has fewer than 10 in total."

    result = suppress_table(counts)
    # With totals shown each column would give away Y's number in it, and the row totals would give away Y's total:
    # columns A, B, C hide their smallest other numbers (X, A) = 10, (X, B) = 6, (Z, C) = 7; the column of row
    # totals hides the smaller other total, X's 28; row Z is then left with one hidden number and hides (Z, B) = 9.
    assert shown(result) == [[NA, NA, 12], [NA, NA, NA], [20, NA, NA]]
    assert totals(result.row_totals) == [NA, NA, 36]
    assert totals(result.column_totals) == [33, 17, 22]
    assert (result.hidden_primary, result.hidden_secondary, result.hidden_groups) == (0, 5, ["Y"])
    assert result.note == (
        "Y is hidden because it has fewer than 10 in total. "
        "5 more numbers are hidden so the hidden ones cannot be worked out from the totals."
    )


def test_small_rows_and_columns_are_named_in_the_note():
    counts = frame([[30, 30, 3, 30], [4, 2, 0, 1], [30, 30, 2, 30], [2, 3, 0, 0]], "ABCD", "WXYZ")
    result = suppress_table(counts, row_totals=False, column_totals=False)
    assert result.hidden_groups == ["B", "D", "Y"]
    assert result.note == "B, D and Y are hidden because each has fewer than 10 in total."


def test_zeros_are_shown_and_a_row_or_column_of_zeros_is_not_a_small_group():
    counts = frame([[12, 0, 0, 7], [0, 0, 0, 0], [5, 0, 10, 6]], "XYZ", "ABCD")
    result = suppress_table(counts)
    assert shown(result) == counts.to_numpy().tolist()
    assert (result.hidden_primary, result.hidden_secondary, result.hidden_groups, result.note) == (0, 0, [], "")
    assert totals(result.row_totals) == [19, 0, 21]


def test_a_column_of_zeros_stays_shown_across_a_hidden_row():
    counts = frame([[12, 0, 20], [3, 0, 4], [25, 0, 11]], "XYZ", "ABC")  # row Y: 7 in total; column B: all 0
    result = suppress_table(counts, row_totals=False, column_totals=False)
    assert shown(result) == [[12, 0, 20], [NA, 0, NA], [25, 0, 11]]


def test_counts_of_5_or_more_are_unchanged():
    counts = frame([[5, 6, 40], [10, 5, 7]], "XY", "ABC")
    result = suppress_table(counts)
    assert shown(result) == counts.to_numpy().tolist()
    assert (result.hidden_primary, result.hidden_secondary, result.hidden_groups, result.note) == (0, 0, [], "")
    assert (totals(result.row_totals), totals(result.column_totals), result.grand_total) == ([51, 22], [15, 11, 47], 73)


def test_a_whole_table_under_10_is_hidden():
    counts = frame([[1, 2], [3, 0]], "XY", "AB")
    result = suppress_table(counts)
    assert result.table.isna().all().all()
    assert result.hidden_groups == ["X", "Y", "A", "B"]
    assert result.note == "All numbers are hidden because there are fewer than 10 in total."
    assert (totals(result.row_totals), result.grand_total) == ([NA, NA], None)


def test_a_breakdown_with_one_small_number_hides_two():
    counts = pd.Series([3, 20, 15, 8], index=["Abbey", "Brook", "Castle Hill", "Dale"], name="incidents")
    result = suppress_counts(counts)
    # Abbey's 3 is small; the total (46) would give it away, so the smallest other number, Dale's 8, is hidden too.
    assert result.table.columns.tolist() == ["incidents"]
    assert result.table["incidents"].isna().tolist() == [True, False, False, True]
    assert (result.hidden_primary, result.hidden_secondary, result.hidden_groups) == (1, 1, [])
    assert result.note == "Numbers from 1 to 4 are hidden, and 1 more so they cannot be worked out from the totals."
    assert (totals(result.column_totals), result.grand_total, result.row_totals) == ([46], 46, None)

    untotalled = suppress_counts(counts, total_shown=False)
    assert untotalled.table["incidents"].isna().tolist() == [True, False, False, False]
    assert untotalled.note == "Numbers from 1 to 4 are hidden."


def test_a_breakdown_under_10_in_total_is_hidden_whole_but_its_lines_are_not_small_groups():
    small = suppress_counts(pd.Series([3, 2, 0], index=["Abbey", "Brook", "Dale"], name="incidents"))
    assert small.table["incidents"].isna().all()
    assert small.hidden_groups == ["incidents"]
    assert small.note == "All numbers are hidden because there are fewer than 10 in total."
    # Lines of 5 to 9 are shown: in a breakdown each line is one count, so only the small-number rule applies.
    fine = suppress_counts(pd.Series([6, 9, 0, 12]))
    assert fine.table.columns.tolist() == ["count"]
    assert fine.table["count"].tolist() == [6, 9, 0, 12]


@pytest.mark.parametrize(
    "bad", [[[1, -2], [3, 4]], [[1.5, 2], [3, 4]], [[1, None], [3, 4]], [["a", 2], [3, 4]], [[np.inf, 2], [3, 4]]]
)
def test_counts_must_be_whole_numbers_of_0_or_more(bad):
    with pytest.raises(ValueError):
        suppress_table(pd.DataFrame(bad))


def test_accepts_nullable_and_float_whole_numbers_and_keeps_labels():
    counts = pd.DataFrame(
        {"Online": pd.array([12, 3], dtype="Int64"), "In person": [20.0, 30.0]},
        index=pd.Index(["Castle Hill", "Riverside"], name="ward"),
    )
    result = suppress_table(counts)
    assert result.table.index.name == "ward"
    assert result.table.columns.tolist() == ["Online", "In person"]
    assert shown(result) == [[NA, NA], [NA, NA]]  # a 2 x 2 table with one small cell must hide all four


# --- percentages -------------------------------------------------------------------------------------------------


def test_percentages_are_hidden_with_their_counts():
    counts = frame([[10, 3, 12], [8, 15, 6], [20, 9, 7]], "XYZ", "ABC")
    result = suppress_table(counts)
    by_row = percentages(result, counts.sum(axis=1))
    assert by_row.dtypes.eq("Float64").all()
    assert by_row.isna().equals(result.table.isna())
    assert by_row.loc["X", "C"] == pytest.approx(48.0)  # 12 of 25
    assert by_row.loc["Y", "A"] == pytest.approx(100 * 8 / 29)

    of_all = percentages(result, 90)
    assert of_all.isna().equals(result.table.isna())
    assert of_all.loc["Y", "B"] == pytest.approx(100 * 15 / 90)

    by_column = percentages(result, counts.sum(axis=0), axis="columns")
    assert by_column.loc["Y", "C"] == pytest.approx(100 * 6 / 25)
    assert by_column.isna().equals(result.table.isna())


def test_percentages_of_a_base_under_10_or_of_a_hidden_total_are_hidden():
    counts = frame([[10, 6, 12], [3, 2, 3], [20, 9, 7]], "XYZ", "ABC")
    result = suppress_table(counts)
    # Row X's total (28) is hidden, and (X, C) = 12 is shown: 12 as a % of 28 would give the 28 back.
    by_row = percentages(result, counts.sum(axis=1))
    assert by_row.loc["X"].isna().all()
    assert by_row.loc["Z", "A"] == pytest.approx(100 * 20 / 36)

    respondents = pd.Series({"X": 9, "Y": 40, "Z": 40})  # a base given from elsewhere, e.g. respondents per group
    with_bases = percentages(result, respondents)
    assert with_bases.loc["X"].isna().all()  # base under 10 (and X's total is hidden)
    assert with_bases.loc["Z", "A"] == pytest.approx(50.0)
    assert with_bases.loc["Y"].isna().all()  # hidden counts

    assert percentages(suppress_table(frame([[20, 30]], "X", "AB")), 9).isna().all().all()
    assert percentages(suppress_table(frame([[20, 30]], "X", "AB")), pd.Series({"Other": 50})).isna().all().all()


def test_percentages_need_their_totals_treated_as_shown():
    counts = frame([[10, 3, 12], [8, 15, 6], [20, 9, 7]], "XYZ", "ABC")
    with pytest.raises(ValueError, match="row totals"):
        percentages(suppress_table(counts, row_totals=False), counts.sum(axis=1))
    with pytest.raises(ValueError, match="overall total"):
        percentages(suppress_table(counts, row_totals=False, column_totals=False), 90)
    breakdown = suppress_counts(pd.Series([3, 20, 15, 8], name="incidents"))
    assert percentages(breakdown, 46)["incidents"].isna().tolist() == [True, False, False, True]


# --- nothing hidden can be worked out ----------------------------------------------------------------------------


@st.composite
def tables(draw) -> tuple[pd.DataFrame, bool, bool]:
    m, n = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    cell = st.one_of(st.integers(0, 30), st.just(0), st.integers(1, 4))  # plenty of zeros and small numbers
    values = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    counts = pd.DataFrame(values, index=[f"r{i}" for i in range(m)], columns=[f"c{j}" for j in range(n)])
    return counts, draw(st.booleans()), draw(st.booleans())


def known_totals(result: Suppressed, axis: str) -> pd.Series:
    """Which row (or column) totals a reader can see."""
    series = result.row_totals if axis == "rows" else result.column_totals
    labels = result.table.index if axis == "rows" else result.table.columns
    return pd.Series(False, index=labels) if series is None else series.notna()


def check_shown_numbers(counts: pd.DataFrame, result: Suppressed) -> None:
    table = result.table
    assert table.index.equals(counts.index) and table.columns.equals(counts.columns)
    visible = table.notna().to_numpy()
    original = counts.to_numpy()
    assert (table.to_numpy(dtype="float64", na_value=np.nan)[visible] == original[visible]).all()
    assert not ((original > 0) & (original < MIN_CELL) & visible).any(), "a small number is shown"
    for i, base in enumerate(original.sum(axis=1)):
        if 0 < base < MIN_BASE:
            assert counts.index[i] in result.hidden_groups
            assert not visible[i][original.sum(axis=0) > 0].any(), "a small row is shown"
    for j, base in enumerate(original.sum(axis=0)):
        if 0 < base < MIN_BASE:
            assert counts.columns[j] in result.hidden_groups
            assert not visible[:, j][original.sum(axis=1) > 0].any(), "a small column is shown"
    for series, truth in ((result.row_totals, original.sum(axis=1)), (result.column_totals, original.sum(axis=0))):
        if series is not None:
            known = series.notna().to_numpy()
            assert (series.to_numpy(dtype="float64", na_value=np.nan)[known] == truth[known]).all()
            assert not ((truth > 0) & (truth < MIN_BASE) & known).any(), "a small total is shown"
    assert (result.note == "") == (table.notna().all().all() and not result.hidden_groups)


def check_no_hidden_number_alone_beside_a_shown_total(counts: pd.DataFrame, result: Suppressed) -> None:
    """For every row and column whose total is shown, a hidden number above 0 is never the only one hidden: if it
    were, total minus the shown numbers would give it back. (A lone hidden 0 is allowed: zeros are shown anyway.)"""
    hidden = result.table.isna()
    original = counts.to_numpy()
    for axis, known in (("rows", known_totals(result, "rows")), ("columns", known_totals(result, "columns"))):
        lines = range(len(counts.index)) if axis == "rows" else range(len(counts.columns))
        for k in lines:
            mask = hidden.to_numpy()[k] if axis == "rows" else hidden.to_numpy()[:, k]
            values = original[k] if axis == "rows" else original[:, k]
            if known.iloc[k] and mask.sum() == 1:
                recovered = values.sum() - values[~mask].sum()
                assert recovered == 0, f"{axis[:-1]} {k}: its hidden number ({recovered}) is total minus the rest"
    for line, known in (("row", known_totals(result, "rows")), ("column", known_totals(result, "columns"))):
        truth = original.sum(axis=1 if line == "row" else 0)
        if result.grand_total is not None and (~known).sum() == 1:
            assert truth[~known.to_numpy()].sum() == 0, f"the hidden {line} total is the overall total minus the rest"


def attack(counts: pd.DataFrame, result: Suppressed) -> dict[str, tuple[float, float]]:
    """The smallest and largest value each hidden number above 0 could take, given every shown number and total,
    that every row and column adds up to its total, and that no count is below 0 (scipy's linprog)."""
    original = counts.to_numpy()
    m, n = original.shape
    size = m * n + m + n + 1  # cells, row totals, column totals, overall total
    cell = lambda i, j: i * n + j  # noqa: E731
    row, column, grand = (lambda i: m * n + i), (lambda j: m * n + m + j), m * n + m + n
    truth = np.concatenate([original.ravel(), original.sum(axis=1), original.sum(axis=0), [original.sum()]])

    bounds: list[tuple[float, float | None]] = [(0, None)] * size
    table = result.table.to_numpy(dtype="float64", na_value=np.nan)
    for i in range(m):
        for j in range(n):
            if not np.isnan(table[i, j]):
                bounds[cell(i, j)] = (table[i, j], table[i, j])
    for series, place in ((result.row_totals, row), (result.column_totals, column)):
        if series is not None:
            for k, value in enumerate(series):
                if not pd.isna(value):
                    bounds[place(k)] = (int(value), int(value))
    if result.grand_total is not None:
        bounds[grand] = (result.grand_total, result.grand_total)

    equations = []
    for i in range(m):  # each row adds up to its total
        equations.append({**{cell(i, j): 1 for j in range(n)}, row(i): -1})
    for j in range(n):
        equations.append({**{cell(i, j): 1 for i in range(m)}, column(j): -1})
    equations.append({**{row(i): 1 for i in range(m)}, grand: -1})
    equations.append({**{column(j): 1 for j in range(n)}, grand: -1})
    a_eq = np.zeros((len(equations), size))
    for e, terms in enumerate(equations):
        for place, coefficient in terms.items():
            a_eq[e, place] = coefficient
    assert np.allclose(a_eq @ truth, 0)

    # The numbers to protect: hidden cells, hidden totals, and the totals of hidden groups even where not shown.
    targets = {f"cell {i},{j}": cell(i, j) for i in range(m) for j in range(n) if np.isnan(table[i, j])}
    targets |= {f"row total {i}": row(i) for i in range(m) if bounds[row(i)][1] is None}
    targets |= {f"column total {j}": column(j) for j in range(n) if bounds[column(j)][1] is None}
    groups = set(result.hidden_groups)
    targets = {
        name: place
        for name, place in targets.items()
        if truth[place] > 0
        and (
            name.startswith("cell")
            or (name.startswith("row") and (result.row_totals is not None or counts.index[place - m * n] in groups))
            or (
                name.startswith("column")
                and (result.column_totals is not None or counts.columns[place - m * n - m] in groups)
            )
        )
    }
    ranges = {}
    for name, place in targets.items():
        objective = np.zeros(size)
        objective[place] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=np.zeros(len(equations)), bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=np.zeros(len(equations)), bounds=bounds, method="highs")
        assert low.status == 0, name
        ranges[name] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def check_cannot_be_worked_out(counts: pd.DataFrame, result: Suppressed) -> None:
    for name, (low, high) in attack(counts, result).items():
        assert high - low >= 1 - 1e-6, f"{name} can only be {low:g}"


@given(tables())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_suppressed_cell_can_be_recovered_by_subtracting_from_the_totals(drawn):
    counts, row_totals, column_totals = drawn
    result = suppress_table(counts, row_totals=row_totals, column_totals=column_totals)
    check_shown_numbers(counts, result)
    check_no_hidden_number_alone_beside_a_shown_total(counts, result)


@given(tables())
@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_suppressed_cell_can_be_recovered_by_solving_the_whole_table(drawn):
    counts, row_totals, column_totals = drawn
    check_cannot_be_worked_out(counts, suppress_table(counts, row_totals=row_totals, column_totals=column_totals))


@pytest.mark.parametrize(
    "rows",
    [
        # Found by search: tables where hiding a second number in every row and column is not enough, and the last
        # check (could this hidden number only be one value?) has to hide more.
        [[0, 16, 0], [9, 2, 0], [2, 17, 3]],
        [[2, 10, 9, 24], [0, 0, 0, 7], [22, 8, 12, 2]],
        [[0, 16, 20, 0], [5, 0, 26, 15], [10, 14, 1, 0]],
        [[0, 30, 25, 0], [0, 23, 2, 22], [11, 0, 26, 5]],
        [[30, 0, 26, 6], [1, 30, 0, 10], [17, 7, 0, 0]],
        [[0, 5, 16], [10, 1, 22], [0, 1, 0], [4, 19, 10]],
        # Small rows and columns together, zeros across them, and a 2 x 2 table.
        [[3, 0, 2, 1], [0, 0, 0, 0], [20, 9, 0, 30], [12, 0, 7, 6]],
        [[1, 9], [0, 30]],
    ],
)
@pytest.mark.parametrize("row_totals, column_totals", [(True, True), (True, False), (False, True)])
def test_hard_tables_cannot_be_worked_out(rows, row_totals, column_totals):
    counts = pd.DataFrame(
        rows, index=[f"r{i}" for i in range(len(rows))], columns=[f"c{j}" for j in range(len(rows[0]))]
    )
    result = suppress_table(counts, row_totals=row_totals, column_totals=column_totals)
    check_shown_numbers(counts, result)
    check_no_hidden_number_alone_beside_a_shown_total(counts, result)
    check_cannot_be_worked_out(counts, result)


@given(st.lists(st.one_of(st.integers(0, 30), st.integers(1, 4)), min_size=1, max_size=12), st.booleans())
@settings(max_examples=150, deadline=None)
def test_no_number_in_a_breakdown_can_be_worked_out_from_its_total(values, total_shown):
    counts = pd.Series(values, index=[f"ward {k}" for k in range(len(values))], name="incidents")
    result = suppress_counts(counts, total_shown=total_shown)
    hidden = result.table["incidents"].isna().to_numpy()
    original = np.array(values)
    assert not ((original > 0) & (original < MIN_CELL) & ~hidden).any()
    if result.grand_total is not None:  # the total is shown
        assert not (hidden.sum() == 1 and original[hidden].sum() > 0), "total minus the rest gives the hidden one"
    as_table = pd.DataFrame({"incidents": values}, index=counts.index)
    check_cannot_be_worked_out(as_table, result)
