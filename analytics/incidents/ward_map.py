"""The map of the wards: each ward's outline (stored on import by analytics.ingest.boundaries) with its incidents per
councillor as the ward rates chart shows them, so the map hides exactly what that chart hides."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.governance.privacy import Shown
from analytics.ingest.registers import chosen_authority

FIGURES = ["councillors", "incidents", "per_councillor"]


def ward_outlines(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The council's wards that have a boundary: ward_code, ward (the register's name), x and y (a list a part)."""
    return con.execute(
        """SELECT ward_code, ward_name AS ward, x, y FROM ward_boundaries JOIN wards USING (ward_code)
           WHERE ? IS NULL OR authority_code = ? ORDER BY ward_name""",
        [chosen_authority(con)] * 2,
    ).df()


def map_figures(outlines: pd.DataFrame, rates: Shown) -> pd.DataFrame:
    """Each outlined ward with its figures from privacy.ward_rates_shown: ward_code, ward, x, y, councillors,
    incidents, per_councillor (<NA> when hidden, or when the ward has no councillor; 0 for a ward with councillors
    but no incident in the selection), hidden; the largest ward first, so that one drawn inside another is drawn
    over it."""
    hidden = rates.hidden["per_councillor"].set_axis(rates.frame["ward"]).rename("hidden")
    figures = outlines.merge(rates.frame[["ward", *FIGURES]], on="ward", how="left").merge(
        hidden, left_on="ward", right_index=True, how="left"
    )
    unlisted = ~figures["ward"].isin(rates.frame["ward"])  # no councillor registered and no incident
    figures["incidents"] = figures["incidents"].astype("Int64").mask(unlisted, 0)
    figures["per_councillor"] = figures["per_councillor"].astype("Float64")
    figures = figures.fillna({"councillors": 0, "hidden": False}).astype({"councillors": int, "hidden": bool})
    none_here = (~figures["hidden"] & figures["councillors"].gt(0) & figures["incidents"].eq(0)).fillna(False)
    figures["per_councillor"] = figures["per_councillor"].mask(none_here.astype(bool), 0.0)
    extent = figures.apply(lambda ward: _extent(ward["x"]) * _extent(ward["y"]), axis=1)
    return figures.iloc[extent.argsort()[::-1]].reset_index(drop=True)


def _extent(parts) -> float:
    values = [value for part in parts for value in part]
    return max(values) - min(values)
