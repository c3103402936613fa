"""Where is abuse concentrated, and who is targeted? Breakdowns by ward, channel, abuse type, characteristic and
councillor group.

Rates are incidents per councillor, so that a ward with three councillors compares fairly with a ward with one.
The confidence interval of a rate is the exact Poisson interval for its count (95%), divided by the number of
councillors: a group's rate is only clearly different from another's when their intervals do not overlap.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd
from scipy.stats import chi2

from analytics.incidents.filters import IncidentFilter
from analytics.incidents.trends import SPLITS
from analytics.text import for_markdown

CONFIDENCE = 0.95


def heatmap(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, across: str) -> pd.DataFrame:
    """Incidents in each ward for each channel or abuse type (`across`): ward, category, incidents (non-zero cells)."""
    condition, parameters = incident_filter.where()
    return con.execute(
        f"""SELECT ward, category, count(*) AS incidents
            FROM (SELECT ward, {SPLITS[across]} AS category FROM incident_facts WHERE {condition})
            GROUP BY ALL ORDER BY ward, category""",
        parameters,
    ).df()


def ward_rates(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    """Each ward's incidents per councillor: ward, councillors, incidents, per_councillor, highest first.

    Wards come from the councillor register (a ward's councillors are its seats); a ward in the log with no
    councillor registered is listed with councillors 0 and no rate.
    """
    condition, parameters = incident_filter.where()
    return con.execute(
        f"""WITH seats AS (SELECT ward, count(*) AS councillors FROM councillors GROUP BY ward),
                 counted AS (SELECT ward, count(*) AS incidents FROM incident_facts WHERE {condition} GROUP BY ward)
            SELECT ward, coalesce(councillors, 0) AS councillors, coalesce(incidents, 0) AS incidents,
                   incidents / nullif(councillors, 0) AS per_councillor
            FROM seats FULL JOIN counted USING (ward)
            ORDER BY per_councillor DESC NULLS LAST, incidents DESC, ward""",
        parameters,
    ).df()


def characteristic_breakdown(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    """Incidents targeting each protected characteristic, as a share of all incidents, and the change on the
    previous period of the same length (when the filter has a date range).

    Columns: characteristic, incidents, share_pct, previous (None without a previous period), change.
    An incident can target several characteristics, so shares do not add up to 100%.
    """
    current = _characteristics(con, incident_filter)
    total = _count(con, incident_filter)
    current["share_pct"] = 100 * current["incidents"] / total if total else 0.0
    previous_filter = incident_filter.previous_period()
    if previous_filter is None:
        current["previous"] = None
        current["change"] = None
        return current
    previous = _characteristics(con, previous_filter).rename(columns={"incidents": "previous"})
    merged = current.merge(previous, on="characteristic", how="outer").fillna({"incidents": 0, "previous": 0})
    merged["share_pct"] = 100 * merged["incidents"] / total if total else 0.0
    merged["change"] = merged["incidents"] - merged["previous"]
    return merged.astype({"incidents": int, "previous": int, "change": int}).sort_values(
        ["incidents", "characteristic"], ascending=[False, True], ignore_index=True
    )


def _characteristics(con, incident_filter: IncidentFilter) -> pd.DataFrame:
    condition, parameters = incident_filter.where()
    return con.execute(
        f"""SELECT characteristic, count(*) AS incidents
            FROM (SELECT unnest(protected_characteristics) AS characteristic FROM incident_facts WHERE {condition})
            GROUP BY characteristic ORDER BY incidents DESC, characteristic""",
        parameters,
    ).df()


def _count(con, incident_filter: IncidentFilter) -> int:
    condition, parameters = incident_filter.where()
    return con.execute(f"SELECT count(*) FROM incident_facts WHERE {condition}", parameters).fetchone()[0]


def group_rates(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    """Incidents per councillor for each group of the register (women and men, independents and party members,
    by role), with a 95% confidence interval.

    Columns: dimension, group_name, councillors, incidents, per_councillor, low, high. Counts only incidents
    against councillors in the register; the filter's own councillor groups are set aside so every group shows.
    """
    condition, parameters = replace(incident_filter, councillor_groups=()).where()
    frame = con.execute(
        f"""WITH counted AS (SELECT councillor_key, count(*) AS incidents FROM incident_facts
                             WHERE {condition} GROUP BY councillor_key)
            SELECT dimension, group_name, count(*) AS councillors,
                   CAST(coalesce(sum(incidents), 0) AS INTEGER) AS incidents
            FROM councillor_groups LEFT JOIN counted USING (councillor_key)
            GROUP BY ALL ORDER BY dimension, group_name""",
        parameters,
    ).df()
    low, high = poisson_interval(frame["incidents"])
    frame["per_councillor"] = frame["incidents"] / frame["councillors"]
    frame["low"] = low / frame["councillors"]
    frame["high"] = high / frame["councillors"]
    return frame


def poisson_interval(counts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The exact (Garwood) interval for Poisson counts at CONFIDENCE."""
    tail = (1 - CONFIDENCE) / 2
    low = pd.Series(chi2.ppf(tail, 2 * counts) / 2, index=counts.index).fillna(0.0)
    high = pd.Series(chi2.ppf(1 - tail, 2 * (counts + 1)) / 2, index=counts.index)
    return low, high


def describe_concentration(rates: pd.DataFrame, channel_cells: pd.DataFrame) -> str:
    """The answer in one sentence: the ward with most incidents per councillor, and the channel that carries most."""
    total = int(rates["incidents"].sum())
    top_ward = rates.dropna(subset=["per_councillor"]).head(1)
    channels = channel_cells.groupby("category")["incidents"].sum().sort_values(ascending=False)
    sentence = f"Of **{total:,} incidents**, "
    if not channels.empty:
        channel = for_markdown(channels.index[0])
        sentence += f"{channels.iloc[0]:,} ({100 * channels.iloc[0] / total:.0f}%) came by {channel}"
    if not top_ward.empty:
        ward = top_ward.iloc[0]
        sentence += (
            f"; {for_markdown(ward['ward'])} has the most per councillor: {ward['per_councillor']:.1f} for each of its "
            f"{ward['councillors']} councillors ({ward['incidents']:,} incidents)"
        )
    return sentence + "."
