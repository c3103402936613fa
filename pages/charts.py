"""Plotly figures in the dashboard's one colour-blind-safe palette (Okabe and Ito)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
PRIMARY = OKABE_ITO[0]


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
    figure.update_layout(margin={"t": 60, "l": 10, "r": 10, "b": 10})
    return figure
