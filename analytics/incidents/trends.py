"""Is abuse getting worse? Counts over time, overall and split, with a rolling average and the change on a year.

Each period's incidents are those on the chosen dates only, so a split adds up to the total. The rolling average
and the year-earlier figure are worked out over every month the log covers (with the filter's other conditions),
whole months at a time, so that the first months of a chosen period still have them. Months with no incidents
count as 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import clock
from analytics.incidents.filters import IncidentFilter
from analytics.ingest.dates import display
from analytics.months import month_from_index, month_index, start_of_month
from analytics.text import for_markdown

PERIODS = {"month": (1, 3, 12), "quarter": (3, 4, 4)}  # months in a period, rolling window, periods in a year
SPLITS = {
    "channel": "channel",
    "abuse type": "unnest(abuse_types)",
    "ward": "ward",
    "characteristic": "unnest(protected_characteristics)",
}


def counts_over_time(
    con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, period: str = "month", split: str | None = None
) -> pd.DataFrame:
    """One row per period (and category, when split): incidents, rolling average, same period a year before.

    Columns: period (DATE, first day), category ('all incidents' when not split), incidents, rolling_average,
    year_before (None where the log does not reach back a year), change_on_year_pct, complete (False for a
    period still under way today).
    """
    months, window, per_year = PERIODS[period]
    category = SPLITS[split] if split else "'all incidents'"
    condition, parameters = replace(incident_filter, start=None, end=None).where()
    frame = con.execute(
        f"""
        WITH filtered AS (
            SELECT date_trunc('{period}', occurred_on) AS period, {category} AS category,
                   (CAST(? AS DATE) IS NULL OR occurred_on >= ?) AND (CAST(? AS DATE) IS NULL OR occurred_on <= ?)
                       AS chosen
            FROM incident_facts WHERE {condition}
        ),
        periods AS (
            SELECT unnest(generate_series(min(period), max(period), INTERVAL {months} MONTH)) AS period
            FROM filtered
        ),
        grid AS (SELECT period, category FROM periods, (SELECT DISTINCT category FROM filtered)),
        counted AS (
            SELECT period, category, count(*) FILTER (WHERE chosen) AS incidents, count(*) AS whole_period
            FROM filtered GROUP BY ALL
        ),
        series AS (
            SELECT CAST(grid.period AS DATE) AS period, grid.category, coalesce(incidents, 0) AS incidents,
                   coalesce(whole_period, 0) AS whole_period
            FROM grid LEFT JOIN counted USING (period, category)
        )
        SELECT period, category, incidents,
               avg(whole_period) OVER (PARTITION BY category ORDER BY period
                                       ROWS BETWEEN {window - 1} PRECEDING AND CURRENT ROW) AS rolling_average,
               lag(whole_period, {per_year}) OVER (PARTITION BY category ORDER BY period) AS year_before
        FROM series ORDER BY category, period
        """,
        [incident_filter.start, incident_filter.start, incident_filter.end, incident_filter.end, *parameters],
    ).df()
    period_ends = pd.to_datetime(frame["period"]) + pd.DateOffset(months=months)
    frame["complete"] = period_ends <= pd.Timestamp(clock.today())
    frame["change_on_year_pct"] = (100 * (frame["incidents"] - frame["year_before"]) / frame["year_before"]).where(
        frame["year_before"] > 0
    )
    return _within(frame, incident_filter, period)


def _within(frame: pd.DataFrame, incident_filter: IncidentFilter, period: str) -> pd.DataFrame:
    """Keep the periods that overlap the filter's date range."""
    months = PERIODS[period][0]
    starts = pd.to_datetime(frame["period"])
    keep = pd.Series(True, index=frame.index)
    if incident_filter.start:
        keep &= starts + pd.DateOffset(months=months) > pd.Timestamp(incident_filter.start)
    if incident_filter.end:
        keep &= starts <= pd.Timestamp(incident_filter.end)
    return frame[keep].reset_index(drop=True)


@dataclass(frozen=True)
class Comparison:
    """The latest twelve months against the twelve before them."""

    start: date
    end: date
    incidents: int
    previous: int

    @property
    def change_pct(self) -> float | None:
        return 100 * (self.incidents - self.previous) / self.previous if self.previous else None


def latest_year_on_previous(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> Comparison | None:
    """The twelve whole months up to the filter's end (or the log's last month) against the twelve before."""
    condition, parameters = replace(incident_filter, start=None, end=None).where()
    last = (
        incident_filter.end
        or con.execute(f"SELECT max(occurred_on) FROM incident_facts WHERE {condition}", parameters).fetchone()[0]
    )
    if last is None:
        return None
    end = start_of_month(last, 1) - timedelta(days=1)
    start = start_of_month(last, -11)
    before = start_of_month(start, -12)
    current, previous = con.execute(
        f"""SELECT count(*) FILTER (WHERE occurred_on >= ?), count(*) FILTER (WHERE occurred_on < ?)
            FROM incident_facts WHERE {condition} AND occurred_on >= ? AND occurred_on <= ?""",
        [start, start, *parameters, before, end],
    ).fetchone()
    return Comparison(start=start, end=end, incidents=current, previous=previous)


def biggest_rises(
    con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, comparison: Comparison, split: str, top: int = 3
) -> pd.DataFrame:
    """The categories whose incidents rose most between the two years of a comparison: category, now, before."""
    condition, parameters = replace(incident_filter, start=None, end=None).where()
    before = start_of_month(comparison.start, -12)
    return con.execute(
        f"""SELECT category, count(*) FILTER (WHERE occurred_on >= ?) AS now,
                   count(*) FILTER (WHERE occurred_on < ?) AS before
            FROM (SELECT occurred_on, {SPLITS[split]} AS category FROM incident_facts
                  WHERE {condition} AND occurred_on >= ? AND occurred_on <= ?)
            GROUP BY category HAVING now > before ORDER BY now - before DESC, category LIMIT ?""",
        [comparison.start, comparison.start, *parameters, before, comparison.end, top],
    ).df()


def describe_year_on_year(comparison: Comparison, channel_rises: pd.DataFrame, ward_rises: pd.DataFrame) -> str:
    """The answer in one sentence: how the latest year compares with the one before, and where it rose most."""
    span = f"the 12 months to {display(comparison.end)}"
    if comparison.change_pct is None:
        return (
            f"**{comparison.incidents:,} incidents** were recorded in {span}; the log does not go back a year before."
        )
    direction = "up" if comparison.change_pct >= 0 else "down"
    sentence = (
        f"**{comparison.incidents:,} incidents** were recorded in {span}, {direction} "
        f"{abs(comparison.change_pct):.0f}% on the 12 months before ({comparison.previous:,})."
    )
    if comparison.change_pct > 0 and not channel_rises.empty and not ward_rises.empty:
        channel, ward = channel_rises.iloc[0], ward_rises.iloc[0]
        sentence += (
            f" The largest rises were on {for_markdown(channel['category'])} ({channel['before']} to {channel['now']})"
            f" and in {for_markdown(ward['category'])} ward ({ward['before']} to {ward['now']})."
        )
    return sentence


# --- is it getting worse? whole months up to today ------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Incidents in a span of whole months against the same months a year earlier (`earlier` is None when the log
    does not go back that far, so a count of 0 there would be a gap in the log, not a quiet year)."""

    name: str  # the span in words: "the 12 months to October 2026", "July to September 2026"
    earlier_name: str
    start: date
    end: date
    incidents: int
    earlier: int | None

    @property
    def change_pct(self) -> float | None:
        return 100 * (self.incidents - self.earlier) / self.earlier if self.earlier else None


def getting_worse(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> tuple[Change, Change]:
    """The last 12 complete months against the 12 before them, and the latest complete quarter against the same
    quarter a year earlier, counted with the filter's conditions other than its dates (months are whole calendar
    months before clock.today())."""
    this_month = month_index(clock.today())
    quarter_end = this_month - this_month % 3
    log_starts = con.execute("SELECT min(occurred_on) FROM incidents").fetchone()[0]
    return (
        _change(con, incident_filter, log_starts, this_month - 12, this_month),
        _change(con, incident_filter, log_starts, quarter_end - 3, quarter_end),
    )


def _change(
    con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, log_starts: date | None, first: int, after: int
) -> Change:
    """Incidents from month `first` up to (not including) month `after` (analytics.months.month_index), against
    the same months a year earlier, if the log (its first incident on `log_starts`) goes back that far."""
    start, end = month_from_index(first), month_from_index(after) - timedelta(days=1)
    earlier_start, earlier_end = month_from_index(first - 12), month_from_index(after - 12) - timedelta(days=1)
    condition, parameters = replace(incident_filter, start=None, end=None).where()
    incidents, earlier = con.execute(
        f"""SELECT count(*) FILTER (WHERE occurred_on >= ?), count(*) FILTER (WHERE occurred_on <= ?)
            FROM incident_facts WHERE {condition} AND occurred_on >= ? AND occurred_on <= ?""",
        [start, earlier_end, *parameters, earlier_start, end],
    ).fetchone()
    covered = log_starts is not None and month_index(log_starts) <= first - 12
    return Change(
        name=_span_name(start, end),
        earlier_name=_span_name(earlier_start, earlier_end),
        start=start,
        end=end,
        incidents=incidents,
        earlier=earlier if covered else None,
    )


def _span_name(start: date, end: date) -> str:
    if month_index(end) - month_index(start) == 11:
        return f"the 12 months to {end:%B %Y}"
    return f"{start:%B} to {end:%B %Y}"
