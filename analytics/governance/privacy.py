"""What a signed-in user is shown of special category data: perpetrators as stable pseudonyms for roles that may not
see who they are, and (see analytics.governance.suppression) small numbers hidden for roles without detail access.

Pages pass what they are about to show through here with the user; analytics.governance.access says what each role may
see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from analytics import keyed
from analytics.governance.access import COUNCILLOR_RISK, IDENTITIES, User, pseudonym
from analytics.governance.suppression import MIN_BASE, Suppressed, suppress_counts, suppress_table
from analytics.incidents.alerts import Alert
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incidents import Headline, describe_period
from analytics.incidents.patterns import describe_concentration
from analytics.incidents.trends import Change, Comparison, describe_year_on_year
from analytics.ingest.dates import display
from analytics.text import for_markdown


def perpetrator_shown(con: duckdb.DuckDBPyConnection, user: User, perpetrator: str | None) -> str | None:
    """The perpetrator as this user may see it: as given, or its pseudonym. Give the perpetrator_key (facts.py), not
    the name as recorded, so that every way of writing one person's name reads as the same pseudonym."""
    if perpetrator is None or user.may(IDENTITIES):
        return perpetrator
    return pseudonym(perpetrator, keyed.secret(con))


def perpetrators_shown(con: duckdb.DuckDBPyConnection, user: User, perpetrators: pd.Series) -> pd.Series:
    """A column of perpetrators as this user may see them (see perpetrator_shown)."""
    if user.may(IDENTITIES):
        return perpetrators
    secret = keyed.secret(con)
    return perpetrators.map(lambda value: pseudonym(value, secret) if isinstance(value, str) else value)


# --- small numbers: what a role without SMALL_NUMBERS sees of incident figures ----------------------------------

HIDDEN_MARK = "–"  # how a hidden number reads in a table
FEWER_THAN = f"fewer than {MIN_BASE}"  # how a figure quoted on its own reads when hidden (see figure_shown)
HEADLINE_NOTE = (
    f"A dash ({HIDDEN_MARK}) marks a figure from 1 to {MIN_BASE - 1}, hidden for your role so that no one can be "
    "identified from it."
)


@dataclass(frozen=True)
class Shown:
    """A frame of figures as one user may see them: hidden numbers are <NA> in `frame` and True in `hidden`."""

    frame: pd.DataFrame
    hidden: pd.DataFrame  # same shape and labels as frame
    note: str  # what was hidden and why ("" when nothing is)

    def marked(self) -> pd.DataFrame:
        """The frame for a table of numbers: each hidden number a dash, so it cannot be read as 0."""
        marked = self.frame.copy()
        for column in self.frame.columns[self.hidden.any().to_numpy()]:
            marked[column] = [
                HIDDEN_MARK if hidden else _as_text(value)
                for value, hidden in zip(self.frame[column], self.hidden[column], strict=True)
            ]
        return marked


def _as_text(value) -> str | None:
    if pd.isna(value):
        return None
    return f"{value:,}" if float(value).is_integer() else f"{value:,.2f}"


def _nothing_hidden(frame: pd.DataFrame) -> Shown:
    return Shown(frame, pd.DataFrame(False, index=frame.index, columns=frame.columns), "")


def _hiding(frame: pd.DataFrame, hidden: dict, note: str) -> Shown:
    """The frame with the numbers marked in `hidden` (a boolean Series a column, aligned to the frame) taken out."""
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    shown = frame.copy()
    for column, where in hidden.items():
        where = pd.Series(where, index=frame.index).fillna(False).astype(bool)
        mask[column] = where
        shown[column] = _nullable(frame[column]).mask(where)
    return Shown(shown, mask, note)


def _nullable(column: pd.Series) -> pd.Series:
    """A column that can hold <NA>: counts as Int64, anything else as Float64."""
    numbers = pd.to_numeric(column, errors="coerce")
    return numbers.astype("Int64" if column.dtype.kind in "iu" else "Float64")


def _notes(*notes: str) -> str:
    return " ".join(dict.fromkeys(note for note in notes if note))


def counts_shown(user: User, counts: pd.Series, *, total_shown: bool = True) -> Suppressed:
    """A one-way breakdown of incidents (for example per ward) as this user may see it: through
    suppression.suppress_counts for a role without SMALL_NUMBERS, every count as given for the others."""
    if not user.sees_small_numbers:
        return suppress_counts(counts, total_shown=total_shown)
    table = counts.to_frame(name=counts.name if counts.name is not None else "count").astype("Int64")
    total = int(counts.sum())
    column_totals = pd.Series([total], index=table.columns, dtype="Int64", name="Total") if total_shown else None
    return Suppressed(table, 0, 0, [], "", column_totals=column_totals, grand_total=total if total_shown else None)


def table_shown(user: User, counts: pd.DataFrame, *, row_totals: bool = True, column_totals: bool = True) -> Suppressed:
    """A crosstab of incidents (for example ward by channel) as this user may see it: through
    suppression.suppress_table for a role without SMALL_NUMBERS, every count as given for the others."""
    if not user.sees_small_numbers:
        return suppress_table(counts, row_totals=row_totals, column_totals=column_totals)
    table = counts.astype("Int64")
    return Suppressed(
        table,
        0,
        0,
        [],
        "",
        row_totals=table.sum(axis=1).rename("Total") if row_totals else None,
        column_totals=table.sum().rename("Total") if column_totals else None,
        grand_total=int(table.to_numpy().sum()) if row_totals or column_totals else None,
    )


def figure_shown(user: User, count: int) -> int | None:
    """A figure quoted on its own (a metric, a number in a sentence) as this user may see it; None when hidden.

    It is a breakdown of one, so by the suppression rules it is hidden when from 1 to MIN_BASE - 1: a hidden figure
    always reads truthfully as FEWER_THAN.
    """
    shown = counts_shown(user, pd.Series([int(count)]), total_shown=False).table.iloc[0, 0]
    return None if pd.isna(shown) else int(shown)


def _in_words(count: int | None, noun: str) -> str:
    return f"{FEWER_THAN} {noun}" if count is None else f"{count:,} {noun}"


# --- the Overview -------------------------------------------------------------------------------------------------


def headline_shown(user: User, now: Headline, before: Headline | None) -> dict[str, tuple[int | None, int | None]]:
    """The Overview's four figures as this user may see them: label -> (this period, the period before), each None
    when hidden (or, for the period before, when there is none to compare with)."""
    fields = {
        "Incidents": "incidents",
        "Councillors affected": "councillors_affected",
        "High or critical threat": "high_or_critical",
        "Reported to the police": "reported_to_police",
    }
    return {
        label: (
            figure_shown(user, getattr(now, field)),
            figure_shown(user, getattr(before, field)) if before is not None else None,
        )
        for label, field in fields.items()
    }


def period_sentence(user: User, now: Headline, before: Headline | None, chosen: IncidentFilter) -> str:
    """incidents.describe_period as this user may read it: a hidden figure reads as FEWER_THAN, and the change on
    the period before is given only when both its counts are shown."""
    incidents, councillors, wards = (
        figure_shown(user, now.incidents),
        figure_shown(user, now.councillors_affected),
        figure_shown(user, now.wards_affected),
    )
    previous = figure_shown(user, before.incidents) if before is not None else None
    if None not in (incidents, councillors, wards) and (before is None or previous is not None):
        return describe_period(now, before, chosen)
    start, end = chosen.start or now.first, chosen.end or now.last
    sentence = (
        f"**{_in_words(incidents, 'incidents')}** against **{_in_words(councillors, 'councillors')}** in "
        f"{_in_words(wards, 'wards')} between {display(start)} and {display(end)}."
    )
    if before is None:
        return sentence
    if not before.incidents:
        return sentence + " The log has no incidents in the period of the same length before it to compare with."
    return sentence + f" The {chosen.days:,} days before had {_in_words(previous, 'incidents')}."


def change_shown(user: User, change: Change) -> tuple[int | None, int | None]:
    """A span's incidents and the same span's a year earlier as this user may see them, each None when hidden (the
    earlier one also when the log does not reach back to it)."""
    earlier = figure_shown(user, change.earlier) if change.earlier is not None else None
    return figure_shown(user, change.incidents), earlier


def getting_worse_sentence(user: User, year: Change, quarter: Change) -> str:
    """Whether things are getting worse, in two sentences: the last 12 months against the 12 before, the latest
    quarter against the same quarter a year earlier. A hidden count reads as FEWER_THAN, and a change is given only
    when both its counts are shown, so that no hidden count can be worked out from it."""
    now, earlier = change_shown(user, year)
    sentence = f"**{_in_words(now, 'incidents')}** were recorded in {year.name}{_compared(year, now, earlier)}."
    now, earlier = change_shown(user, quarter)
    quarter_name = quarter.name[0].upper() + quarter.name[1:]
    return sentence + f" {quarter_name} had {_in_words(now, 'incidents')}{_compared(quarter, now, earlier)}."


def _compared(change: Change, now: int | None, earlier: int | None) -> str:
    if change.earlier is None:
        return f"; the log does not go back to {change.earlier_name} to compare with"
    if now is None or earlier is None:
        return f", against {_in_words(earlier, 'incidents')} in {change.earlier_name}"
    if earlier == 0:
        return f", against none in {change.earlier_name}"
    if now == earlier:
        return f", the same as in {change.earlier_name}"
    direction = "up" if now > earlier else "down"
    return f", {direction} {abs(change.change_pct):.0f}% on {change.earlier_name} ({earlier:,} incidents)"


def monthly_shown(user: User, months: pd.DataFrame) -> Shown:
    """The Overview's incidents each month (month, incidents) as this user may see them; their total is the
    headline, so it counts as shown."""
    if user.sees_small_numbers:
        return _nothing_hidden(months)
    suppressed = counts_shown(user, months.set_index("month")["incidents"])
    return _hiding(months, {"incidents": suppressed.table["incidents"].isna().to_numpy()}, suppressed.note)


def alerts_shown(con: duckdb.DuckDBPyConnection, user: User, alerts: list[Alert]) -> list[Alert]:
    """The digest as this user may read it.

    Repeat perpetrators and escalations are about individual people, so only roles with COUNCILLOR_RISK see them,
    with each perpetrator as perpetrator_shown gives them. An unusual rise is shown to a role without
    SMALL_NUMBERS only when neither its count nor its baseline's total (which its average gives away) is hidden.
    """
    if not user.may(COUNCILLOR_RISK):
        return [alert for alert in alerts if alert.kind == "unusual rise" and _rise_figures_shown(user, alert)]
    return [_perpetrator_named(con, user, alert) if alert.kind == "repeat perpetrator" else alert for alert in alerts]


def _rise_figures_shown(user: User, alert: Alert) -> bool:
    figures = alert.figures
    baseline_total = round(figures["baseline"] * figures["baseline_periods"])
    suppressed = counts_shown(user, pd.Series([figures["count"], baseline_total]), total_shown=False)
    return not suppressed.table.isna().to_numpy().any()


def _perpetrator_named(con: duckdb.DuckDBPyConnection, user: User, alert: Alert) -> Alert:
    """A repeat-perpetrator alert whose sentence names the person as this user may see them (the sentence starts
    with the perpetrator key, as analytics.incidents.perpetrators writes it)."""
    shown = perpetrator_shown(con, user, alert.concerns)
    if shown == alert.concerns:
        return alert
    return replace(alert, concerns=shown, sentence=shown + alert.sentence.removeprefix(alert.concerns))


# --- Trends -------------------------------------------------------------------------------------------------------

_DERIVED = ("rolling_average", "year_before", "change_on_year_pct")  # worked out from counts of other periods


def year_on_year_sentence(
    user: User, comparison: Comparison, channel_rises: pd.DataFrame, ward_rises: pd.DataFrame
) -> str:
    """trends.describe_year_on_year as this user may read it: the largest rises are named only when none of their
    counts is hidden, and a hidden year's count reads as FEWER_THAN (with no change worked out from it)."""
    rises = [channel_rises, ward_rises]
    if not all(_rise_counts_shown(user, rise) for rise in rises):
        rises = [rise.iloc[0:0] for rise in rises]
    incidents, previous = figure_shown(user, comparison.incidents), figure_shown(user, comparison.previous)
    if incidents is not None and (previous is not None or comparison.change_pct is None):
        return describe_year_on_year(comparison, *rises)
    span = f"the 12 months to {display(comparison.end)}"
    sentence = f"**{_in_words(incidents, 'incidents')}** were recorded in {span}"
    if comparison.change_pct is None:
        return sentence + "; the log does not go back a year before."
    return sentence + f", against {_in_words(previous, 'incidents')} in the 12 months before."


def _rise_counts_shown(user: User, rises: pd.DataFrame) -> bool:
    return all(figure_shown(user, int(count)) is not None for count in rises[["now", "before"]].to_numpy().ravel())


def trend_shown(user: User, frame: pd.DataFrame, whole_log: pd.DataFrame, split: str | None) -> Shown:
    """trends.counts_over_time's frame as this user may see it; `whole_log` is the same count over all dates
    (the filter's over_all_dates).

    Unsplit, the counts are a one-way series whose total (the Overview's headline) counts as shown; split, they
    are a crosstab of category by period whose totals are shown elsewhere (the unsplit series, the Patterns page),
    so both count as shown. The rolling average, the year before and the change on a year are worked out from
    counts of other periods, some of them before the chosen dates: a category keeps them only when no count of
    it is hidden, neither in the chosen periods nor over the whole log.
    """
    if user.sees_small_numbers:
        return _nothing_hidden(frame)
    chosen_counts = _trend_suppressed(user, frame, split)
    whole_counts = _trend_suppressed(user, whole_log, split)
    touched = _categories_with_hidden(chosen_counts) | _categories_with_hidden(whole_counts)
    hidden_counts = frame.apply(
        lambda row: pd.isna(chosen_counts.table.loc[row["category"], row["period"]]), axis=1
    ).astype(bool)
    derived = frame["category"].isin(touched) | hidden_counts
    hidden = {"incidents": hidden_counts, **{column: derived for column in _DERIVED}}
    return _hiding(frame, hidden, chosen_counts.note)


def _trend_suppressed(user: User, frame: pd.DataFrame, split: str | None) -> Suppressed:
    wide = frame.pivot(index="category", columns="period", values="incidents").fillna(0)
    if split is None:
        suppressed = counts_shown(user, wide.iloc[0])
        return replace(suppressed, table=suppressed.table.T.set_axis(wide.index))
    return table_shown(user, wide)


def _categories_with_hidden(suppressed: Suppressed) -> set[str]:
    return set(suppressed.table.index[suppressed.table.isna().any(axis=1).to_numpy()])


# --- Patterns -----------------------------------------------------------------------------------------------------


def _ward_grid(cells: pd.DataFrame) -> pd.DataFrame:
    """patterns.heatmap's long cells (ward, category, incidents) as a grid: a row a ward, 0 where there were none."""
    return cells.pivot_table(index="ward", columns="category", values="incidents", fill_value=0, aggfunc="sum")


def heatmap_shown(user: User, cells: pd.DataFrame) -> Shown:
    """patterns.heatmap's cells as a grid (a row a ward, a column a channel or abuse type, 0 where there were
    none) as this user may see it. Each ward's and each category's total is shown elsewhere (the ward rates, the
    split trends), so both count as shown."""
    grid = _ward_grid(cells)
    if user.sees_small_numbers:
        return _nothing_hidden(grid)
    suppressed = table_shown(user, grid)
    return _hiding(grid, {column: suppressed.table[column].isna() for column in grid.columns}, suppressed.note)


def ward_rates_shown(user: User, rates: pd.DataFrame, channel_cells: pd.DataFrame) -> Shown:
    """patterns.ward_rates as this user may see it. Each ward's count is its row total in the ward-by-channel grid
    (every incident has one channel), so it is hidden exactly where that grid's suppression hides it, and the two
    cannot be played off against each other; a hidden count takes its rate with it."""
    if user.sees_small_numbers:
        return _nothing_hidden(rates)
    grid = _ward_grid(channel_cells)
    suppressed = table_shown(user, grid)
    hidden = rates["ward"].map(suppressed.row_totals.isna()).fillna(False).astype(bool).to_numpy()
    return _hiding(rates, {"incidents": hidden, "per_councillor": hidden}, suppressed.note)


def concentration_sentence(user: User, rates: pd.DataFrame, channel_cells: pd.DataFrame, shown_rates: Shown) -> str:
    """patterns.describe_concentration as this user may read it. The total and the channel that carries most are
    read from the ward-by-channel grid's suppression (as the heatmap and the ward rates are), and the ward with most
    per councillor is named only when its count is shown."""
    grid = _ward_grid(channel_cells)
    suppressed = table_shown(user, grid)
    if not suppressed.note and not shown_rates.hidden.to_numpy().any():
        return describe_concentration(rates, channel_cells)
    total = suppressed.grand_total
    parts = []
    channel = grid.sum().sort_values(ascending=False).index[0] if not grid.empty else None
    carried = suppressed.column_totals.get(channel) if channel is not None else None
    if carried is not None and not pd.isna(carried):
        share = f" ({100 * carried / total:.0f}%)" if total is not None and total >= MIN_BASE else ""
        parts.append(f"{carried:,}{share} came by {for_markdown(channel)}")
    top = shown_rates.frame.dropna(subset=["per_councillor"]).head(1)
    if not top.empty and top.index[0] == rates.dropna(subset=["per_councillor"]).index[0]:
        ward = top.iloc[0]
        parts.append(
            f"{for_markdown(ward['ward'])} has the most per councillor: {ward['per_councillor']:.1f} for each of its "
            f"{ward['councillors']} councillors ({ward['incidents']:,} incidents)"
        )
    lead = f"Of **{_in_words(total, 'incidents')}**"
    return f"{lead}, {'; '.join(parts)}." if parts else f"{lead}, the counts by channel and ward are too small to show."


def characteristics_shown(user: User, table: pd.DataFrame, total_incidents: int) -> Shown:
    """patterns.characteristic_breakdown as this user may see it. An incident can target several characteristics,
    so the counts' own total is shown nowhere; a share is hidden with its count, or when the total of incidents it
    is a share of is hidden or under MIN_BASE (suppression rule 4); a change with either of its counts."""
    if user.sees_small_numbers:
        return _nothing_hidden(table)
    current = counts_shown(user, table.set_index("characteristic")["incidents"], total_shown=False)
    hidden_now = current.table["incidents"].isna().to_numpy()
    base_hidden = (figure_shown(user, total_incidents) or 0) < MIN_BASE
    hidden = {"incidents": hidden_now, "share_pct": hidden_now | base_hidden}
    notes = [current.note]
    if table["previous"].notna().any():
        before = counts_shown(user, table.set_index("characteristic")["previous"], total_shown=False)
        hidden_before = before.table["previous"].isna().to_numpy()
        hidden |= {"previous": hidden_before, "change": hidden_now | hidden_before}
        notes.append(before.note)
    return _hiding(table, hidden, _notes(*notes))


def group_rates_shown(user: User, groups: pd.DataFrame) -> Shown:
    """patterns.group_rates as this user may see it: each way of grouping councillors (gender, party, role) is a
    breakdown of its own whose total is shown nowhere; a hidden count takes its rate and interval with it."""
    if user.sees_small_numbers:
        return _nothing_hidden(groups)
    hidden = pd.Series(False, index=groups.index)
    notes = []
    for _, rows in groups.groupby("dimension", sort=False):
        suppressed = counts_shown(user, rows["incidents"], total_shown=False)
        hidden[rows.index] = suppressed.table["incidents"].isna().to_numpy()
        notes.append(suppressed.note)
    return _hiding(
        groups, {column: hidden for column in ("incidents", "per_councillor", "low", "high")}, _notes(*notes)
    )
