"""Plotly figures in the dashboard's one colour-blind-safe palette.

Categories take Paul Tol's 'muted' palette, each value of a list always the same colour on every page (social media
is always pale blue); counts on a grid use one sequential blue scale; anything grouped as 'all others' is grey.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS

TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]
GREY = "#BBBBBB"
PRIMARY = "#332288"
SEQUENTIAL = "Blues"
OTHERS = "all others"
MOST_SHOWN = 6  # categories drawn by name in a split chart; the rest are added up as 'all others'
_MARGIN = {"t": 60, "l": 10, "r": 10, "b": 10}


def _colours_for(values: list[str]) -> dict[str, str]:
    named = [value for value in values if value != "other"]
    return {value: TOL_MUTED[index % len(TOL_MUTED)] for index, value in enumerate(named)}


CATEGORY_COLOURS = {
    **_colours_for(CHANNELS),
    **_colours_for(ABUSE_TYPES),
    **_colours_for(PROTECTED_CHARACTERISTICS),
    "other": GREY,
    OTHERS: GREY,
    "all incidents": PRIMARY,
}


def _layout(figure: go.Figure) -> go.Figure:
    figure.update_layout(margin=_MARGIN, legend_title_text="")
    return figure


def monthly_trend(months: pd.DataFrame) -> go.Figure:
    """Incidents per month as bars: every month is shown, including those with none."""
    figure = px.bar(
        months,
        x="month",
        y="incidents",
        title="Incidents recorded each month",
        labels={"month": "Month the incident happened", "incidents": "Number of incidents"},
        color_discrete_sequence=[PRIMARY],
    )
    figure.update_xaxes(dtick="M3", tickformat="%b %Y")
    return _layout(figure)


def _top_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the largest categories by name and add up the rest as 'all others'."""
    totals = frame.groupby("category")["incidents"].sum().sort_values(ascending=False)
    if len(totals) <= MOST_SHOWN + 1:
        return frame
    kept = set(totals.index[:MOST_SHOWN])
    grouped = frame.assign(category=frame["category"].where(frame["category"].isin(kept), OTHERS))
    return grouped.groupby(["period", "category"], as_index=False)["incidents"].sum()


def trend(frame: pd.DataFrame, period: str, split: str | None) -> go.Figure:
    """Incidents per period: bars with the rolling average as a line, or one line per category when split."""
    period_label = "Month" if period == "month" else "Quarter"
    labels = {"period": period_label, "incidents": "Number of incidents", "category": split or ""}
    if split:
        shown = _top_categories(frame)
        figure = px.line(
            shown,
            x="period",
            y="incidents",
            color="category",
            markers=True,
            labels=labels,
            title=f"Incidents each {period} by {split}",
            color_discrete_map=CATEGORY_COLOURS,
        )
    else:
        figure = px.bar(
            frame,
            x="period",
            y="incidents",
            labels=labels,
            title=f"Incidents each {period}",
            color_discrete_sequence=[TOL_MUTED[4]],
        )
        window = "3 months" if period == "month" else "4 quarters"
        figure.add_scatter(
            x=frame["period"],
            y=frame["rolling_average"],
            mode="lines",
            name=f"Average of the last {window}",
            line={"color": PRIMARY, "width": 3},
        )
    figure.update_xaxes(tickformat="%b %Y" if period == "month" else "Q%q %Y")
    return _layout(figure)


def heatmap(cells: pd.DataFrame, across: str) -> go.Figure:
    """Wards down, channels or abuse types across, the count in each cell, darker for more."""
    grid = cells.pivot_table(index="ward", columns="category", values="incidents", fill_value=0, aggfunc="sum")
    grid = grid.loc[grid.sum(axis=1).sort_values().index, grid.sum().sort_values(ascending=False).index]
    figure = px.imshow(
        grid,
        text_auto=True,
        aspect="auto",
        color_continuous_scale=SEQUENTIAL,
        labels={"x": across.capitalize(), "y": "Ward", "color": "Incidents"},
        title=f"Incidents by ward and {across}",
    )
    figure.update_layout(height=max(320, 28 * len(grid) + 160))
    return _layout(figure)


def ward_rates(rates: pd.DataFrame) -> go.Figure:
    """Incidents per councillor in each ward, highest at the top."""
    shown = rates.dropna(subset=["per_councillor"]).sort_values("per_councillor")
    figure = px.bar(
        shown,
        x="per_councillor",
        y="ward",
        orientation="h",
        color_discrete_sequence=[PRIMARY],
        labels={"per_councillor": "Incidents per councillor", "ward": "Ward"},
        title="Incidents per councillor in each ward",
        hover_data=["incidents", "councillors"],
    )
    figure.update_layout(height=max(320, 24 * len(shown) + 140))
    return _layout(figure)


def characteristics(table: pd.DataFrame) -> go.Figure:
    """Incidents targeting each protected characteristic, most first."""
    shown = table.sort_values("incidents")
    figure = px.bar(
        shown,
        x="incidents",
        y="characteristic",
        orientation="h",
        color="characteristic",
        color_discrete_map=CATEGORY_COLOURS,
        title="Incidents targeting a protected characteristic",
        labels={"incidents": "Number of incidents", "characteristic": "Protected characteristic"},
    )
    figure.update_layout(showlegend=False)
    return _layout(figure)


def group_rates(rates: pd.DataFrame) -> go.Figure:
    """Each group's incidents per councillor, with its 95% interval as a bar either side."""
    shown = rates.assign(group=rates["group_name"].str.capitalize())
    figure = px.scatter(
        shown,
        x="per_councillor",
        y="group",
        facet_row="dimension",
        error_x=shown["high"] - shown["per_councillor"],
        error_x_minus=shown["per_councillor"] - shown["low"],
        color_discrete_sequence=[PRIMARY],
        labels={"per_councillor": "Incidents per councillor (with 95% interval)", "group": "", "dimension": ""},
        title="Incidents per councillor, by group of councillors",
    )
    figure.update_yaxes(matches=None)
    figure.for_each_annotation(lambda note: note.update(text=note.text.split("=")[-1].capitalize()))
    figure.update_layout(height=460)
    return _layout(figure)
