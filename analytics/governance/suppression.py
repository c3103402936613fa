"""Small-number suppression: the one check every survey result, crosstab and incident figure passes before it is
shown on a page or written to an export.

The rules, as an information-governance officer can check them against a table on screen:

1. Small numbers. A count from 1 to 4 (MIN_CELL is 5) is hidden. A count of 0 is shown as 0: nobody is in
   that cell, so no one can be identified from it.
2. Small groups. A row or column of a table whose total is from 1 to 9 (MIN_BASE is 10) is hidden whole:
   every number in it and its total (except where it crosses a row or column of zeros, whose cells are 0 for
   all to see). A one-way breakdown (for example incidents by ward) whose overall total is from 1 to 9 is hidden
   whole, and so is a table whose overall total is. A row or column with a total of 0 is shown (as zeros), for
   the same reason as a count of 0. In a one-way breakdown each line is a single count, so only rule 1 applies
   to it.
3. Nothing hidden can be worked out from what is shown. A total that is shown is the sum of every number in
   its row or column, hidden or not. So wherever a row or column (or the row of column totals, or the column of
   row totals) would have exactly one hidden number above 0 and its total shown, one more number in it is
   hidden. This is repeated until no row or column is left with a single hidden number above 0. Which number:
   - first, a number above 0 that would complete two rows or columns at once (each with a single hidden
     number); the smallest such number, so fewer numbers are hidden overall;
   - otherwise, the smallest number above 0 in that row or column; counts come before totals; a 0 only when
     there is nothing else to hide;
   - equal numbers: the first in reading order (left to right along a row, then down the table, with the row
     totals after each row's last column and the column totals under the last row).
   The rows and columns are taken in order: rows top to bottom, then columns left to right, then the column of
   row totals, then the row of column totals.
   Finally every hidden number is checked the way someone trying to undo the suppression would: using every
   shown number and total (and the fact that no count is below 0), could it only be one value? If so, the next
   number (in the order above) that makes it uncertain again is hidden as well, and the rows and columns are
   checked again. At the end, every hidden number above 0 could be at least two different values. (A hidden 0,
   for example inside a hidden group, may sometimes be worked out to be 0: by rule 1 a 0 is safe to show, and
   protecting it too would often hide the whole table.)
4. Percentages. A percentage is hidden when its count is hidden, when its base is under 10, or when its base
   is a total that was hidden. A percentage of a total shows that total (a count divided by its percentage
   gives the total back), so percentages may only be taken of totals treated as shown.

Which totals count as shown: `row_totals` and `column_totals` say whether the page shows the total of each row
and of each column. The overall total is treated as shown whenever either of them is (it sits where they meet,
and pages quote it as "n"). A page that quotes the overall total without showing row or column totals must pass
one of them as True. A one-way breakdown's total is shown when `total_shown` is True.

What a hidden number looks like: in `Suppressed.table` a hidden count is pandas' missing value `<NA>` (HIDDEN)
in a nullable integer ("Int64") column, with the same rows and columns as the counts given; shown counts are
unchanged. The totals that are safe to show are returned beside it, with hidden ones as `<NA>` too. Pages should
display a hidden number as a dash or "fewer than 5"-style wording with the note, never as 0 or a blank that
could be read as 0.

What these rules do not cover: a row where everyone is in one cell (for example all 12 councillors in a group
reported the same thing) still says something about everyone in it, and repeated tables of the same people cut
different ways can be compared with each other. The counts must not include a total row or column of their own
(as `pd.crosstab(..., margins=True)` adds): pass the flags instead.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

MIN_CELL = 5  # counts from 1 to MIN_CELL - 1 are hidden; 0 is shown
MIN_BASE = 10  # a row, column or breakdown totalling from 1 to MIN_BASE - 1 is hidden whole
HIDDEN = pd.NA  # how a hidden count appears in Suppressed.table (a nullable Int64 column)


@dataclass(frozen=True)
class Suppressed:
    table: pd.DataFrame  # counts with hidden cells as <NA> (nullable Int64), same shape/labels as the input
    hidden_primary: int  # number of cells hidden because they were small (1 to MIN_CELL - 1)
    hidden_secondary: int  # numbers (cells or totals) hidden so the small ones cannot be worked out
    hidden_groups: list[str]  # row/column labels hidden whole because their base was under MIN_BASE
    note: str  # plain-English note for under the table ("" when nothing is hidden)
    row_totals: pd.Series | None = None  # each row's total, <NA> where hidden; None when row totals are not shown
    column_totals: pd.Series | None = None  # each column's total, <NA> where hidden; None when not shown
    grand_total: int | None = None  # the overall total; None when it is hidden or not shown


# --- the table as a network --------------------------------------------------------------------------------------
# A table with its totals is a flow: the overall total runs from a source to each row (the row totals), from each
# row to each column (the counts), and from each column to a sink (the column totals), and back to the source.
# Every row, column, and line of totals is a node where what comes in equals what goes out. A number can be
# worked out exactly when no cycle of unknown numbers passes through it; a node with a single unknown number is
# the simplest case.

_CELL, _TOTAL, _GRAND = 0, 1, 2  # kinds of number, in the order they are preferred for hiding


@dataclass
class _Number:
    kind: int
    position: tuple[int, int]  # reading order of the table with its totals
    tail: int
    head: int
    value: int
    shown: bool  # False for a total the page does not show (unknown, but nothing to protect)


class _Table:
    def __init__(self, values: np.ndarray, row_totals: bool, column_totals: bool) -> None:
        m, n = values.shape
        self.m, self.n = m, n
        self.source, self.sink = m + n, m + n + 1
        self.numbers: list[_Number] = []
        self.cell: dict[tuple[int, int], int] = {}
        for i in range(m):
            for j in range(n):
                self.cell[i, j] = self._add(_CELL, (i, j), i, m + j, int(values[i, j]), True)
        self.row_total = [self._add(_TOTAL, (i, n), self.source, i, int(values[i].sum()), row_totals) for i in range(m)]
        self.column_total = [
            self._add(_TOTAL, (m, j), m + j, self.sink, int(values[:, j].sum()), column_totals) for j in range(n)
        ]
        self.grand = self._add(_GRAND, (m, n), self.sink, self.source, int(values.sum()), row_totals or column_totals)
        self.at: list[list[int]] = [[] for _ in range(m + n + 2)]
        for k, number in enumerate(self.numbers):
            self.at[number.tail].append(k)
            self.at[number.head].append(k)
        self.hidden: set[int] = set()

    def _add(self, kind: int, position: tuple[int, int], tail: int, head: int, value: int, shown: bool) -> int:
        self.numbers.append(_Number(kind, position, tail, head, value, shown))
        return len(self.numbers) - 1

    def unknown(self, k: int) -> bool:
        return k in self.hidden or not self.numbers[k].shown

    def preference(self, k: int) -> tuple:
        number = self.numbers[k]
        return (number.value == 0, number.kind, number.value, number.position)

    def one_hidden(self, node: int) -> bool:
        """Whether a hidden number above 0 is the only unknown one at this node, so the others give it away."""
        unknown = [k for k in self.at[node] if self.unknown(k)]
        return len(unknown) == 1 and unknown[0] in self.hidden and self.numbers[unknown[0]].value > 0

    def lines_with_one_hidden(self) -> list[int]:
        """Nodes in order: rows, columns, the column of row totals (source), the row of column totals (sink)."""
        return [node for node in range(self.m + self.n + 2) if self.one_hidden(node)]

    def can_move(self, k: int) -> bool:
        """Whether number k could take another value, given every known number and that none is below 0."""
        number = self.numbers[k]
        up = self._reaches(number.head, number.tail, without=k)
        down = number.value > 0 and self._reaches(number.tail, number.head, without=k)
        return up or down

    def _reaches(self, start: int, goal: int, without: int) -> bool:
        # Residual network: an unknown number can rise (along its direction) or, when above 0, fall (against it).
        steps: list[list[int]] = [[] for _ in range(self.m + self.n + 2)]
        for k, number in enumerate(self.numbers):
            if k != without and self.unknown(k):
                steps[number.tail].append(number.head)
                if number.value > 0:
                    steps[number.head].append(number.tail)
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for nxt in steps[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    def protect(self) -> None:
        """Hide more numbers until none of the hidden ones can be worked out (rule 3)."""
        while True:
            lines = self.lines_with_one_hidden()
            if lines:
                self._complete(lines)
                continue
            pinned = next((k for k in sorted(self.hidden) if self.numbers[k].value > 0 and not self.can_move(k)), None)
            if pinned is None:
                return
            self._unpin(pinned)

    def _complete(self, lines: list[int]) -> None:
        open_lines = set(lines)

        def still_open(node: int) -> bool:
            return node in open_lines and self.one_hidden(node)

        while True:  # a number that completes two lines at once
            pairs = [
                k
                for k, number in enumerate(self.numbers)
                if number.value > 0 and not self.unknown(k) and still_open(number.tail) and still_open(number.head)
            ]
            if not pairs:
                break
            self.hidden.add(min(pairs, key=self.preference))
        for node in lines:
            if still_open(node):
                candidates = [k for k in self.at[node] if not self.unknown(k)]
                self.hidden.add(min(candidates, key=self.preference))

    def _unpin(self, pinned: int) -> None:
        candidates = sorted((k for k in range(len(self.numbers)) if not self.unknown(k)), key=self.preference)
        for k in candidates:
            self.hidden.add(k)
            if self.can_move(pinned):
                return
            self.hidden.discard(k)
        # No single number frees it: widen what is unknown around it, and look again.
        ends = {self.numbers[pinned].tail, self.numbers[pinned].head}
        nearby = [k for k in candidates if ends & {self.numbers[k].tail, self.numbers[k].head}]
        self.hidden.add((nearby or candidates)[0])


# --- the public functions ----------------------------------------------------------------------------------------


def suppress_table(counts: pd.DataFrame, *, row_totals: bool = True, column_totals: bool = True) -> Suppressed:
    """Apply the rules to a crosstab: index one grouping, columns another, values counts (whole numbers, 0 or more).

    `row_totals` and `column_totals` say whether the page shows each row's and each column's total (the function
    does not add them to the table: it returns the safe ones as `row_totals` and `column_totals`).
    """
    values = _whole_numbers(counts)
    return _suppress(values, counts.index, counts.columns, row_totals, column_totals, group_rows=True)


def suppress_counts(counts: pd.Series, *, total_shown: bool = True) -> Suppressed:
    """Apply the rules to a one-way breakdown (for example incidents per ward).

    The result's table has one column (named as the series, or "count"); its total is `column_totals` and
    `grand_total`. When the whole breakdown is hidden (rule 2), `hidden_groups` holds that column's name.
    """
    name = counts.name if counts.name is not None else "count"
    frame = counts.to_frame(name=name)
    values = _whole_numbers(frame)
    return _suppress(values, frame.index, frame.columns, False, total_shown, group_rows=False)


def percentages(
    suppressed: Suppressed, base: pd.Series | int, *, axis: Literal["rows", "columns"] = "rows"
) -> pd.DataFrame:
    """Each shown count as a percentage (0 to 100) of its base, hidden (<NA>) by rule 4.

    `base` is one number for every cell (for example all respondents), or a Series of bases for each row (the
    default) or, with axis="columns", for each column. The totals used as bases must have been treated as shown
    when suppressing, since the percentages give them away.
    """
    table = suppressed.table
    counts = np.array(table.to_numpy(dtype="float64", na_value=np.nan))
    if isinstance(base, (int, np.integer)) and not isinstance(base, bool):
        if suppressed.row_totals is None and suppressed.column_totals is None:
            raise ValueError(
                "Percentages of the overall total show that total: suppress with the total treated as shown."
            )
        hidden_total = suppressed.grand_total is None
        bases = np.full(counts.shape, np.nan if hidden_total else float(base))
    elif isinstance(base, pd.Series):
        labels = table.index if axis == "rows" else table.columns
        totals = suppressed.row_totals if axis == "rows" else suppressed.column_totals
        if totals is None:
            raise ValueError(
                f"Percentages of each {axis[:-1]}'s base show its total: suppress with the {axis[:-1]} totals shown."
            )
        aligned = np.array(pd.to_numeric(base.reindex(labels), errors="coerce").astype("float64"), dtype="float64")
        aligned[totals.isna().to_numpy()] = np.nan  # a hidden total is not given away by its percentages
        bases = aligned[:, None] if axis == "rows" else aligned[None, :]
        bases = np.broadcast_to(bases, counts.shape)
    else:
        raise TypeError("base must be a whole number or a pandas Series")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.array(100 * counts / bases)
    result[np.isnan(counts) | np.isnan(bases) | (bases < MIN_BASE)] = np.nan
    return pd.DataFrame(result, index=table.index, columns=table.columns).astype("Float64")


# --- the work ----------------------------------------------------------------------------------------------------


def _whole_numbers(counts: pd.DataFrame) -> np.ndarray:
    if counts.isna().to_numpy().any():
        raise ValueError("Counts to suppress must not have missing values.")
    try:
        values = counts.to_numpy(dtype="float64")
    except (TypeError, ValueError) as error:
        raise ValueError("Counts to suppress must be numbers.") from error
    if not np.isfinite(values).all() or (values < 0).any() or (values != np.floor(values)).any():
        raise ValueError("Counts to suppress must be whole numbers of 0 or more.")
    return values.astype(np.int64)


def _label(label: object) -> str:
    return " / ".join(map(str, label)) if isinstance(label, tuple) else str(label)


def _suppress(
    values: np.ndarray,
    index: pd.Index,
    columns: pd.Index,
    row_totals: bool,
    column_totals: bool,
    *,
    group_rows: bool,
) -> Suppressed:
    m, n = values.shape
    grid = _Table(values, row_totals, column_totals)
    grand = int(values.sum())
    primary: set[int] = set()
    grouped: set[int] = set()
    hidden_groups: list[str] = []
    everything = 0 < grand < MIN_BASE

    if m and n and everything:  # the whole table or breakdown is too small
        grouped = set(range(len(grid.numbers)))
        hidden_groups = [_label(label) for label in index] if group_rows else []
        hidden_groups += [_label(label) for label in columns]
    elif m and n:
        row_base, column_base = values.sum(axis=1), values.sum(axis=0)
        small_rows = [i for i in range(m) if group_rows and 0 < row_base[i] < MIN_BASE]
        small_columns = [j for j in range(n) if 0 < column_base[j] < MIN_BASE]
        # A cell in an empty row or column is 0 for all to see, so it stays shown across a hidden group.
        for i in small_rows:
            grouped |= {grid.cell[i, j] for j in range(n) if column_base[j] > 0} | {grid.row_total[i]}
        for j in small_columns:
            grouped |= {grid.cell[i, j] for i in range(m) if row_base[i] > 0} | {grid.column_total[j]}
        hidden_groups = [_label(index[i]) for i in small_rows] + [_label(columns[j]) for j in small_columns]
        primary = {grid.cell[i, j] for i in range(m) for j in range(n) if 0 < values[i, j] < MIN_CELL} - grouped
    grid.hidden = primary | grouped
    grid.protect()

    secondary = {k for k in grid.hidden - primary - grouped if grid.numbers[k].shown}
    mask = np.array([[grid.cell[i, j] in grid.hidden for j in range(n)] for i in range(m)], dtype=bool)
    table = pd.DataFrame(values, index=index, columns=columns).astype("Int64").mask(mask.reshape(m, n))

    def totals(ks: list[int], labels: pd.Index, shown: bool) -> pd.Series | None:
        if not shown:
            return None
        series = pd.Series([grid.numbers[k].value for k in ks], index=labels, dtype="Int64", name="Total")
        return series.mask(np.array([k in grid.hidden for k in ks], dtype=bool))

    shown_grand = grid.numbers[grid.grand].shown and grid.grand not in grid.hidden
    return Suppressed(
        table=table,
        hidden_primary=len(primary),
        hidden_secondary=len(secondary),
        hidden_groups=hidden_groups,
        note=_note(everything, hidden_groups, len(primary), len(secondary)),
        row_totals=totals(grid.row_total, index, row_totals),
        column_totals=totals(grid.column_total, columns, column_totals),
        grand_total=grand if shown_grand else None,
    )


def _note(everything: bool, groups: list[str], primary: int, secondary: int) -> str:
    if everything:
        return f"All numbers are hidden because there are fewer than {MIN_BASE} in total."
    sentences = []
    if groups:
        named = groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " and " + groups[-1]
        verb = "is hidden because it has" if len(groups) == 1 else "are hidden because each has"
        sentences.append(f"{named} {verb} fewer than {MIN_BASE} in total.")
    more = f"{secondary} more" if secondary else ""
    if primary:
        small = f"Numbers from 1 to {MIN_CELL - 1} are hidden"
        sentences.append(f"{small}, and {more} so they cannot be worked out from the totals." if more else f"{small}.")
    elif secondary:
        numbers = "number is" if secondary == 1 else "numbers are"
        sentences.append(f"{secondary} more {numbers} hidden so the hidden ones cannot be worked out from the totals.")
    return " ".join(sentences)
