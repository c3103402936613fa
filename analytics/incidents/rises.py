"""Unusual rises: when a month's or a quarter's incidents stand out from what came before.

The test, as councils read it:

- Series. Incidents are counted overall, for each ward, each channel, each abuse type and each protected
  characteristic. An incident recording several abuse types (or characteristics) counts once in each of them.
- Periods. The latest complete month is the last calendar month that ended on or before the day the test is
  run for ("as of"): as of 24 November 2026 it is October 2026, and as of 31 October 2026 it is October 2026
  too. The latest complete quarter is the last calendar quarter (January to March, April to June, July to
  September, October to December) that ended on or before that day.
- Baseline. A series' own average over the 12 months before the latest month (or the 4 quarters before the
  latest quarter). Months with no incidents count as 0. Where the log began less than 12 months (4 quarters)
  earlier, the months (quarters) it covers are used, but at least 6 months (2 quarters) are needed, or the
  series is not tested. A month counts as covered from the month of the first incident in the whole log; a
  quarter only when it began on or after that month, so a part-logged quarter never lowers the baseline.
- Flag. A period is unusually high when it has at least 5 incidents and, if incidents arrived at random at the
  baseline rate (a Poisson distribution with that mean), a count at least this large would happen with
  probability below 0.01. A baseline of 0 with 5 or more incidents is always flagged (probability 0).

The dashboard's words for a flag: "unusually high: a rise this large would happen by chance less than 1 time in
100". Around 50 series are tested twice, so across all of them an occasional flag is expected by chance alone;
a flag is a prompt to look, not a finding.

A filter narrows which incidents are counted (wards, channels, abuse types, characteristics, councillor
groups), but its dates are ignored: the periods always come from "as of", since a date range that cut into the
baseline would make every rise look unusual.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import poisson

from analytics.incidents.facts import SERIES, SERIES_TABLE, series_sql
from analytics.incidents.filters import IncidentFilter
from analytics.months import month_from_index, month_index
from analytics.text import cut

MIN_COUNT = 5  # fewer incidents than this are never flagged, however low the baseline
SIGNIFICANCE = 0.01
CHANCE = "a rise this large would happen by chance less than 1 time in 100"
DIMENSIONS = SERIES


@dataclass(frozen=True)
class Rise:
    dimension: str  # one of DIMENSIONS
    value: str  # a ward, channel, abuse type or characteristic; "all incidents" for "all"
    period: str  # "month" or "quarter"
    period_label: str  # "October 2026", "July to September 2026"
    count: int
    baseline: float  # mean incidents per month (or quarter) over the baseline periods
    baseline_periods: int
    p_value: float
    sentence: str


@dataclass(frozen=True)
class _Design:
    period: str
    months: int  # calendar months in one period
    baseline_periods: int  # periods wanted in the baseline
    minimum: int  # fewest baseline periods the test runs on


_DESIGNS = {design.period: design for design in (_Design("month", 1, 12, 6), _Design("quarter", 3, 4, 2))}

_CHANNEL_SUBJECTS = {
    "in person": "In-person incidents",
    "ward surgery": "Incidents at ward surgeries",
    "at home / doorstep": "Incidents at councillors' homes or doorsteps",
    "public or council meeting": "Incidents at public or council meetings",
    "social media": "Social media incidents",
    "email": "Incidents by email",
    "phone": "Incidents by phone",
    "letter": "Incidents by letter",
    "text or messaging app": "Incidents by text or messaging app",
    "other": "Incidents through other channels",
}

_SERIES_SQL = """
WITH counted AS ({counted}),
months AS (
    SELECT CAST(unnest(generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 MONTH)) AS DATE) AS month
),
series AS (
    SELECT dimension, value FROM counted GROUP BY dimension, value
    HAVING {testable}
)
SELECT dimension, value, month, coalesce(counted.incidents, 0) AS incidents
FROM series
CROSS JOIN months
LEFT JOIN counted USING (dimension, value, month)
ORDER BY list_position(?, dimension), value, month
"""


def unusual_rises(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, as_of: date) -> list[Rise]:
    """Every series whose latest complete month or quarter is unusually high, most unusual first.

    The filter's dates are ignored (see the module docstring); its other parts apply.
    """
    return rises_in(monthly_series(con, incident_filter, as_of, testable_only=True), as_of)


def monthly_series(
    con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, as_of: date, *, testable_only: bool = False
) -> pd.DataFrame:
    """The counts behind the test: dimension, value, month, incidents; every month of every series, zero-filled.

    The months run from the earliest baseline month either test needs (or the log's first month, if later) to
    the latest complete month. Series with no incident in those months are left out; with `testable_only`, so are
    series with fewer than MIN_COUNT in the latest complete month and quarter, which the test never flags (most of
    a national log's 7,000 wards). The filter's dates are ignored (see the module docstring).
    """
    condition, parameters = replace(incident_filter, start=None, end=None).where()
    source = f"({series_sql(condition)})" if parameters else SERIES_TABLE  # the whole log's, built with it
    counted = f"SELECT * FROM {source} WHERE month BETWEEN ? AND ?"
    testable, latest = "TRUE", []
    if testable_only:
        testable = " OR ".join(["sum(incidents) FILTER (WHERE month >= ? AND month < ?) >= ?"] * len(_DESIGNS))
        latest = [value for design in _DESIGNS.values() for value in (*_latest_period(as_of, design), MIN_COUNT)]
    window = _window(con, as_of)
    sql = _SERIES_SQL.format(counted=counted, testable=testable)
    return con.execute(sql, [*parameters, *window, *window, *latest, list(DIMENSIONS)]).df()


def _latest_period(as_of: date, design: _Design) -> tuple[date, date]:
    """The first day of the design's latest complete period, and of the period after it."""
    start = _latest_start(as_of, design.months)
    return month_from_index(start), month_from_index(start + design.months)


def rises_in(series: pd.DataFrame, as_of: date) -> list[Rise]:
    """The test over a frame shaped as monthly_series returns it, most unusual first.

    The frame's first month is taken as the first month the log covers, which is what monthly_series gives
    whenever the log is shorter than the baseline; earlier months are never needed.
    """
    if series.empty:
        return []
    first_covered = month_index(series["month"].min())
    rises = [rise for design in _DESIGNS.values() for rise in _design_rises(series, design, as_of, first_covered)]
    order = {dimension: position for position, dimension in enumerate(DIMENSIONS)}
    return sorted(rises, key=lambda rise: (rise.p_value, -rise.count, order[rise.dimension], rise.value))


def p_value(count: int, baseline: float) -> float:
    """P(X >= count) for X ~ Poisson(baseline); a baseline of 0 makes any incident impossible by chance."""
    return float(p_values(np.array([count]), np.array([baseline]))[0])


def p_values(counts: np.ndarray, baselines: np.ndarray) -> np.ndarray:
    """p_value for each count and its baseline, in one call: thousands of wards are tested at national size."""
    chance = np.where(counts > 0, 0.0, 1.0)
    some = baselines > 0
    chance[some] = poisson.sf(counts[some] - 1, baselines[some])
    return chance


def latest_complete(as_of: date, period: str) -> date:
    """First day of the last calendar month (period "month") or quarter ("quarter") that ended on or before as_of."""
    return month_from_index(_latest_start(as_of, _DESIGNS[period].months))


def period_label(start: date, period: str) -> str:
    """'October 2026' for a month, 'July to September 2026' for a quarter starting in July."""
    if period == "month":
        return f"{start:%B %Y}"
    return f"{start:%B} to {month_from_index(month_index(start) + 2):%B %Y}"


def _window(con: duckdb.DuckDBPyConnection, as_of: date) -> tuple[date, date]:
    """First and last month monthly_series covers; the first after the last when the log has nothing before."""
    first_logged = con.execute("SELECT min(occurred_on) FROM incidents").fetchone()[0]
    latest = _latest_start(as_of, 1)
    earliest = min(_latest_start(as_of, d.months) - d.months * d.baseline_periods for d in _DESIGNS.values())
    first = max(earliest, month_index(first_logged)) if first_logged else latest + 1
    return month_from_index(first), month_from_index(latest)


def _design_rises(series: pd.DataFrame, design: _Design, as_of: date, first_covered: int) -> list[Rise]:
    latest = _latest_start(as_of, design.months)
    wanted = [latest - design.months * back for back in range(1, design.baseline_periods + 1)]
    baseline = [start for start in wanted if start >= first_covered]
    if len(baseline) < design.minimum:
        return []
    month = series["month"].dt.year * 12 + series["month"].dt.month - 1
    per_period = series.groupby(["dimension", "value", month - month % design.months])["incidents"].sum()
    table = per_period.unstack(fill_value=0).reindex(columns=[latest, *baseline], fill_value=0)
    label = period_label(month_from_index(latest), design.period)
    tested = table[table[latest] >= MIN_COUNT]  # fewer are never flagged: not worth a p-value
    counts, means = tested[latest].to_numpy(), tested[baseline].mean(axis=1).to_numpy()
    chances = p_values(counts, means)
    return [
        Rise(dimension, value, design.period, label, int(count), float(mean), len(baseline), float(chance),
             _sentence(dimension, value, design.period, label, int(count), float(mean), len(baseline)))
        for (dimension, value), count, mean, chance in zip(tested.index, counts, means, chances, strict=True)
        if chance < SIGNIFICANCE
    ]  # fmt: skip


def _sentence(dimension: str, value: str, period: str, label: str, count: int, baseline: float, periods: int) -> str:
    history = f"the previous {periods} {period}s"
    usual = f"an average of {baseline:.1f} a {period} over {history}" if baseline else f"none in {history}"
    return f"{_subject(dimension, value)}: {count} in {label} against {usual} ({CHANCE})."


def _subject(dimension: str, value: str) -> str:
    """The series in words, to start a sentence."""
    if dimension == "ward":
        return f"Incidents in {cut(value)} ward"
    if dimension == "channel":
        return _CHANNEL_SUBJECTS.get(value, f"Incidents by {value}")
    if dimension == "abuse type":
        return "Incidents of other kinds of abuse" if value == "other" else f"Incidents of {value}"
    if dimension == "characteristic":
        return f"Incidents of abuse about {value}"
    return "All incidents"


def _latest_start(as_of: date, months: int) -> int:
    """Month index of the start of the last period of `months` calendar months ended on or before as_of."""
    following = month_index(as_of + timedelta(days=1))
    return following - following % months - months
