"""Plotly figures in the dashboard's one colour-blind-safe palette.

Every name from the data (a ward, a survey's question, answer or wave) goes through `labelled` or
analytics.text.for_chart on its way in, so a tag in it is drawn as text, not obeyed, and a long one is cut.

Categories take Paul Tol's 'muted' palette, each value of a list always the same colour on every page (social media
is always pale blue); counts on a grid use one sequential blue scale; anything grouped as 'all others' is grey.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.ingest.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS
from analytics.text import SENTENCE, for_chart

TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]
GREY = "#BBBBBB"
HIDDEN = "#DDDDDD"  # behind a heatmap's hidden cells: a grey no count is drawn in
PRIMARY = "#332288"
SEQUENTIAL = "Blues"
OTHERS = "all others"
MOST_SHOWN = 6  # categories drawn by name in a split chart; the rest are added up as 'all others'
_MARGIN = {"t": 60, "l": 10, "r": 10, "b": 10}
TITLE_WIDTH = 60  # characters a chart's title line holds before it wraps, at the narrowest a chart is drawn
AXIS_INK = "#555a66"  # 6.9:1 on white: Streamlit's chart theme draws axes and legends in a grey of 3.7:1 (WCAG 1.4.3)


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


def colours_for_split(categories: pd.Series) -> dict[str, str]:
    """A colour for each category a split chart draws, no two alike: its own where it has one (a channel, an abuse
    type) not already taken in this chart, otherwise the palette's colours not taken, in turn, so that a split by ward
    never falls back to Plotly's or Streamlit's own colours. There are 15 abuse types and 9 colours that colour-blind
    readers can tell apart, so an abuse type keeps its own colour only while no other in the chart has it."""
    colours: dict[str, str] = {}
    for category in dict.fromkeys(categories):
        own = CATEGORY_COLOURS.get(category)
        if own is not None and own not in colours.values():
            colours[category] = own
    free = [colour for colour in TOL_MUTED if colour not in colours.values()] or TOL_MUTED
    others = [category for category in dict.fromkeys(categories) if category not in colours]
    return colours | {category: free[index % len(free)] for index, category in enumerate(others)}


MOST_WARDS = 30  # wards a chart draws, those with most first: the numbers beneath it list every ward


def _with_gaps(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Columns that may hold hidden numbers (<NA>, see analytics.governance.privacy) as plain floats, so Plotly leaves
    a gap where a number is hidden; columns of plain numbers are left as they are."""
    changed = {
        column: frame[column].astype("float64")
        for column in columns
        if column in frame and isinstance(frame[column].dtype, pd.api.extensions.ExtensionDtype)
    }
    return frame.assign(**changed) if changed else frame


def labelled(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The frame with the names in `columns` as Plotly should be given them (analytics.text.for_chart)."""
    return frame.assign(**{column: frame[column].map(for_chart) for column in columns if column in frame})


def _layout(figure: go.Figure) -> go.Figure:
    figure.update_layout(margin=_MARGIN, legend_title_text="", legend_font_color=AXIS_INK)
    figure.update_xaxes(tickfont_color=AXIS_INK, title_font_color=AXIS_INK)
    figure.update_yaxes(tickfont_color=AXIS_INK, title_font_color=AXIS_INK)
    figure.update_annotations(font_color=AXIS_INK)  # the titles of a chart's panels
    if figure.layout.coloraxis.colorscale:
        figure.update_coloraxes(colorbar_tickfont_color=AXIS_INK, colorbar_title_font_color=AXIS_INK)
    if figure.layout.title.text:
        title = wrapped(figure.layout.title.text)
        lines = title.count("<br>") + 1
        figure.update_layout(title_text=title, margin_t=_MARGIN["t"] + 22 * (lines - 1))
    return figure


def wrapped(title: str) -> str:
    """A title broken into lines of at most TITLE_WIDTH characters, at spaces: Plotly cuts a long title off at the
    chart's edge rather than wrap it."""
    return "<br>".join(textwrap.wrap(title, TITLE_WIDTH, break_long_words=False, break_on_hyphens=False))


def draws_nothing(figure: go.Figure) -> bool:
    """Whether every number the chart would draw is hidden (see analytics.governance.privacy): it would be an empty
    frame, axes and a legend with nothing in them. A trace draws nothing when one of its numeric arrays holds no
    number."""
    return all(_draws_nothing(trace) for trace in figure.data)


def _draws_nothing(trace) -> bool:
    arrays = [getattr(trace, axis, None) for axis in ("x", "y", "z")]
    numeric = [
        values
        for values in (pd.Series(np.ravel(array)) for array in arrays if array is not None)
        if pd.api.types.is_numeric_dtype(values)
    ]
    return any(values.isna().all() for values in numeric)


def monthly_trend(months: pd.DataFrame) -> go.Figure:
    """Incidents per month as bars: every month is shown, including those with none."""
    figure = px.bar(
        _with_gaps(months, "incidents"),
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
    # A hidden number leaves its 'all others' point a gap too, rather than a total that reads as complete.
    return grouped.groupby(["period", "category"], as_index=False)["incidents"].sum(skipna=False)


def trend(frame: pd.DataFrame, period: str, split: str | None) -> go.Figure:
    """Incidents per period: bars with the rolling average as a line, or one line per category when split."""
    period_label = "Month" if period == "month" else "Quarter"
    labels = {"period": period_label, "incidents": "Number of incidents", "category": split or ""}
    frame = labelled(_with_gaps(frame, "incidents", "rolling_average"), "category")
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
            color_discrete_map=colours_for_split(shown["category"]),
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


def heatmap(grid: pd.DataFrame, across: str) -> go.Figure:
    """Wards down (the grid's index), channels or abuse types across (its columns), the count in each cell, darker
    for more; a hidden count is a grey cell marked 'hidden'."""
    grid = _with_gaps(grid, *grid.columns)
    grid = grid.loc[grid.sum(axis=1).sort_values().index, grid.sum().sort_values(ascending=False).index]
    title = f"Incidents by ward and {across}"
    if len(grid) > MOST_WARDS:
        title = f"Incidents by ward and {across}: the {MOST_WARDS} wards with most of {len(grid):,}"
        grid = grid.iloc[-MOST_WARDS:]
    grid = grid.set_axis(grid.index.map(for_chart), axis=0).set_axis(grid.columns.map(for_chart), axis=1)
    figure = px.imshow(
        grid,
        text_auto=True,
        aspect="auto",
        color_continuous_scale=SEQUENTIAL,
        labels={"x": across.capitalize(), "y": "Ward", "color": "Incidents"},
        title=title,
    )
    figure.update_layout(height=max(320, 28 * len(grid) + 160))
    if grid.isna().to_numpy().any():
        _mark_hidden_cells(figure, grid)
    return _layout(figure)


def _mark_hidden_cells(figure: go.Figure, grid: pd.DataFrame) -> None:
    """A hidden count drawn grey and labelled 'hidden' (in the cell and on hover), so it cannot be read as the
    palest blue of a 0."""
    cells = [["hidden" if pd.isna(value) else f"{value:,.0f}" for value in row] for row in grid.to_numpy()]
    figure.update_traces(text=cells, texttemplate="%{text}", hovertemplate="%{y}, %{x}: %{text}<extra></extra>")
    figure.update_layout(plot_bgcolor=HIDDEN)


def ward_rates(rates: pd.DataFrame) -> go.Figure:
    """Incidents per councillor in each ward, highest at the top."""
    shown = _with_gaps(rates, "incidents", "per_councillor").dropna(subset=["per_councillor"])
    title = "Incidents per councillor in each ward"
    if len(shown) > MOST_WARDS:
        title = f"Incidents per councillor: the {MOST_WARDS} highest of {len(shown):,} wards"
        shown = shown.nlargest(MOST_WARDS, "per_councillor")
    shown = labelled(shown.sort_values("per_councillor"), "ward")
    figure = px.bar(
        shown,
        x="per_councillor",
        y="ward",
        orientation="h",
        color_discrete_sequence=[PRIMARY],
        labels={"per_councillor": "Incidents per councillor", "ward": "Ward"},
        title=title,
        hover_data=["incidents", "councillors"],
    )
    figure.update_layout(height=max(320, 24 * len(shown) + 140))
    return _layout(figure)


WARD_MAP_TITLE = "Incidents per councillor in each ward, on a map"
HATCH = {"shape": "/", "fgcolor": "#555555", "bgcolor": "#FFFFFF", "size": 8, "solidity": 0.25}
BORDER = {"color": "#555555", "width": 0.8}


def ward_map(figures: pd.DataFrame) -> go.Figure:
    """Each ward a filled shape on plain axes, darker for more incidents per councillor; a ward whose figure is
    hidden hatched, one with no councillor grey, each said on hover. Plain shapes, not a geo or map trace, so nothing
    (no tiles, no outlines) is fetched from the internet to draw it."""
    rates = figures["per_councillor"].astype("float64")
    highest = max(float(rates.max()), 1.0) if rates.notna().any() else 1.0
    figure = go.Figure()
    for ward in figures.itertuples():
        x, y = _outline(ward.x), _outline(ward.y)
        rate = rates[ward.Index]
        if ward.hidden:
            fill, said = {"fillcolor": "#FFFFFF", "fillpattern": HATCH}, "figure hidden for your role"
        elif ward.councillors == 0:
            fill, said = {"fillcolor": GREY}, "no councillor registered"
        else:
            colour = px.colors.sample_colorscale(SEQUENTIAL, [rate / highest])[0]
            fill, said = {"fillcolor": colour}, f"{rate:,.1f} incidents per councillor ({ward.incidents:,} incidents)"
        label = f"{for_chart(ward.ward)}: {said}"
        figure.add_trace(
            go.Scatter(x=x, y=y, fill="toself", mode="lines", line=BORDER, name=label, meta=for_chart(ward.ward),
                       hoveron="fills", hoverinfo="name", showlegend=False, **fill)
        )  # fmt: skip
    if len(figures) <= MOST_WARDS:
        figure.add_trace(_names(figures, rates / highest))
    figure.add_trace(_colour_bar(figures, highest))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    figure.update_layout(title=WARD_MAP_TITLE, height=560, plot_bgcolor="#FFFFFF", hoverlabel={"namelength": -1})
    return _layout(figure)


def _outline(parts: list) -> list:
    """A ward's parts as one line for Plotly: each part closed, the parts apart (None between them)."""
    line = []
    for part in parts:
        line += [*part, part[0], None]
    return line[:-1]


def _names(figures: pd.DataFrame, darkness: pd.Series) -> go.Scatter:
    """Each ward's name in the middle of its largest part: white on the darker blues, dark on the rest."""
    middles = [_middle(x, y) for x, y in zip(figures["x"], figures["y"], strict=True)]
    return go.Scatter(
        x=[x for x, _ in middles],
        y=[y for _, y in middles],
        mode="text",
        text=[for_chart(ward) for ward in figures["ward"]],
        textfont={"size": 11, "color": ["#FFFFFF" if dark > 0.6 else "#222222" for dark in darkness.fillna(0)]},
        hoverinfo="skip",
        showlegend=False,
    )


def _middle(x_parts: list, y_parts: list) -> tuple[float, float]:
    largest = max(range(len(x_parts)), key=lambda index: len(x_parts[index]))
    return sum(x_parts[largest]) / len(x_parts[largest]), sum(y_parts[largest]) / len(y_parts[largest])


_KEY = {"title": {"text": "Incidents per councillor", "font": {"color": AXIS_INK}}, "tickfont": {"color": AXIS_INK}}


def _colour_bar(figures: pd.DataFrame, highest: float) -> go.Scatter:
    """The map's key: an invisible point whose colour scale is the one the wards are filled from."""
    first = figures.iloc[0]
    return go.Scatter(
        x=[first.x[0][0]],
        y=[first.y[0][0]],
        mode="markers",
        marker={"size": 0, "opacity": 0, "color": [0], "cmin": 0, "cmax": highest, "colorscale": SEQUENTIAL,
                "showscale": True, "colorbar": _KEY},
        hoverinfo="skip",
        showlegend=False,
    )  # fmt: skip


def characteristics(table: pd.DataFrame) -> go.Figure:
    """Incidents targeting each protected characteristic, most first."""
    shown = labelled(_with_gaps(table, "incidents").sort_values("incidents"), "characteristic")
    figure = px.bar(
        shown,
        x="incidents",
        y="characteristic",
        orientation="h",
        color_discrete_sequence=[PRIMARY],
        title="Incidents targeting a protected characteristic",
        labels={"incidents": "Number of incidents", "characteristic": "Protected characteristic"},
    )
    return _layout(figure)


def group_rates(rates: pd.DataFrame) -> go.Figure:
    """Each group's incidents per councillor, with its 95% interval as a bar either side."""
    shown = _with_gaps(rates, "per_councillor", "low", "high")
    shown = shown.assign(group=shown["group_name"].str.capitalize().map(for_chart))
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


# --- survey answers ---------------------------------------------------------------------------------------------

# Paul Tol's blue-to-red diverging scheme: ordered, colour-blind safe; the pale middle is the neutral point.
SCALE_COLOURS = ["#2166AC", "#4393C3", "#92C5DE", "#D1E5F0", "#F7F7F7", "#FDDBC7", "#F4A582", "#D6604D", "#B2182B"]


def scale_colours(points: int) -> list[str]:
    """`points` colours from one end of the ordered scale to the other (the middle one neutral when odd)."""
    if points <= 1:
        return [PRIMARY]
    steps = [round(i * (len(SCALE_COLOURS) - 1) / (points - 1)) for i in range(points)]
    if points % 2 == 0:  # no neutral point: keep clear of the pale middle
        half = points // 2
        steps = [round(i * 3 / max(half - 1, 1)) for i in range(half)]
        steps = steps + [len(SCALE_COLOURS) - 1 - step for step in reversed(steps)]
    return [SCALE_COLOURS[step] for step in steps]


def _share_text(percent, count) -> str:
    if pd.isna(percent) or pd.isna(count):
        return "hidden (small number)"
    return f"{percent:.0f}% (n={int(count)})"


def answer_shares(counts: pd.DataFrame, title: str, axis_title: str) -> go.Figure:
    """One bar an answer (columns answer, count, percent), its % with n beside it, top to bottom in the order of
    the rows (biggest first, or the answers' own order for numbers and dates). A hidden number has no bar."""
    shown = labelled(counts, "answer").assign(
        percent=pd.to_numeric(counts["percent"], errors="coerce").astype("float64"),
        label=[_share_text(p, c) for p, c in zip(counts["percent"], counts["count"], strict=True)],
    )
    figure = go.Figure(
        go.Bar(
            x=shown["percent"],
            y=shown["answer"],
            orientation="h",
            text=shown["label"],
            textposition="outside",
            marker_color=PRIMARY,
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(title=for_chart(title, SENTENCE), height=max(260, 36 * len(shown) + 140), showlegend=False)
    figure.update_xaxes(title=axis_title, range=[0, 115], ticksuffix="%")
    figure.update_yaxes(title="", categoryorder="array", categoryarray=list(reversed(shown["answer"].tolist())))
    return _layout(figure)


def diverging_scale(shares: pd.DataFrame, points: list[str], title: str) -> go.Figure:
    """A scale question as diverging stacked bars, one bar per row of `shares` (rows: groups or 'All who answered';
    columns: the scale's points, in scale order, as % of the row). The first half of the scale runs left of the
    zero line and the second half right; an odd scale's middle point straddles it."""
    colours = scale_colours(len(points))
    middle = len(points) // 2 if len(points) % 2 else None
    left = list(range((len(points) - 1) // 2 if middle is not None else len(points) // 2))
    right = list(range(len(left) + (middle is not None), len(points)))
    rows = [for_chart(row) for row in shares.index]
    names = [for_chart(point) for point in points]
    figure = go.Figure()

    def add(index: int, sign: float, half: bool, legend: bool) -> None:
        values = pd.to_numeric(shares[points[index]], errors="coerce").astype("float64")
        x = sign * values * (0.5 if half else 1.0)
        figure.add_trace(
            go.Bar(
                x=x,
                y=rows,
                orientation="h",
                name=names[index],
                legendgroup=names[index],
                showlegend=legend,
                marker_color=colours[index],
                marker_line={"color": "#666666", "width": 0.5},
                customdata=values,
                hovertemplate=f"{names[index]}: %{{customdata:.0f}}%<extra>%{{y}}</extra>",
                legendrank=index,
            )
        )

    if middle is not None:  # drawn first so it sits either side of the zero line
        add(middle, -1, True, True)
        add(middle, 1, True, False)
    for index in reversed(left):  # the one nearest the middle first, so it sits against the zero line
        add(index, -1, False, True)
    for index in right:
        add(index, 1, False, True)
    figure.update_layout(
        title=for_chart(title, SENTENCE),
        barmode="relative",
        height=max(240, 48 * len(rows) + 170),
        legend={"orientation": "h", "traceorder": "normal", "y": -0.2},
    )
    figure.update_xaxes(title="% of those answering (left and right of the line)", ticksuffix="%", range=[-100, 100])
    figure.update_yaxes(title="", categoryorder="array", categoryarray=list(reversed(rows)))
    figure.add_vline(x=0, line_color="#444444", line_width=1)
    return _layout(figure)


def group_shares(long: pd.DataFrame, title: str, group_title: str) -> go.Figure:
    """Each answer's % within each group, side by side (answers down, one colour a group)."""
    shown = long.assign(percent=pd.to_numeric(long["percent"], errors="coerce").astype("float64"))
    shown = labelled(shown.assign(group=shown["group"].astype(str)), "group", "answer")
    answers = list(dict.fromkeys(shown["answer"]))
    figure = px.bar(
        shown,
        x="percent",
        y="answer",
        color="group",
        barmode="group",
        orientation="h",
        color_discrete_sequence=TOL_MUTED,
        title=for_chart(title, SENTENCE),
        labels={"percent": "% of the group", "answer": "", "group": for_chart(group_title)},
        hover_data={"count": True, "n_group": True},
    )
    figure.update_xaxes(ticksuffix="%", range=[0, 100])
    figure.update_yaxes(categoryorder="array", categoryarray=list(reversed(answers)))
    figure.update_layout(height=max(300, 22 * len(shown) + 160))
    return _layout(figure)


def wave_shares(labels: list[str], shares: list[float], counts: list[int], title: str) -> go.Figure:
    """The share choosing an answer in each wave, oldest first, with n beside each %."""
    figure = go.Figure(
        go.Bar(
            x=[for_chart(label) for label in labels],
            y=shares,
            text=[f"{share:.0f}% (n={count})" for share, count in zip(shares, counts, strict=True)],
            textposition="outside",
            marker_color=PRIMARY,
            cliponaxis=False,
        )
    )
    figure.update_layout(title=for_chart(title, SENTENCE), height=320)
    figure.update_xaxes(title="Survey wave", type="category")
    figure.update_yaxes(title="% of those answering", ticksuffix="%", range=[0, 110])
    return _layout(figure)


# --- self-assessment --------------------------------------------------------------------------------------------


def assessment_history(history: pd.DataFrame, most: int) -> go.Figure:
    """The self-assessment's total at each saved assessment, oldest first, on an axis from 0 to the most possible."""
    figure = px.line(
        history,
        x="assessed_on",
        y="total",
        markers=True,
        color_discrete_sequence=[PRIMARY],
        title=f"Our self-assessment total at each assessment (out of {most})",
        labels={"assessed_on": "Date of the assessment", "total": f"Total score (out of {most})"},
    )
    figure.update_yaxes(range=[0, most], dtick=2 if most <= 20 else None)
    figure.update_xaxes(tickformat="%d/%m/%Y")
    return _layout(figure)
