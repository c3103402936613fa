"""What the browser tests share besides their fixtures: what each page says, and what it must never say."""

import json
import re
from datetime import date

import pandas as pd
import pyarrow as pa

from analytics.ingest import labels

NO_ACCESS = "You do not have access to this page"

HEADINGS = {
    "overview": "How much abuse are our councillors facing?",
    "trends": "Is abuse getting worse?",
    "patterns": "Where is abuse concentrated?",
    "councillors": "Whose risk has risen?",
    "incident_log": "Which incidents are behind the figures?",
    "surveys": "What do our councillors tell us?",
    "assessment": "Score our approach",
    "review": "Prepare a post-incident review",
    "import_data": "Import your data",
    "data": "What has been imported?",
    "users": "Who can use the dashboard?",
    "audit": "Who did what, and when?",
    "retention": "How long is data kept?",
    "report": "Report an incident",
    "own_risk": "Assess my own risk",
    "requests": "New reports and requests",
    "individual_risk": "Record an individual risk assessment",
}

# What a person must never read on a page: a missing value as the code prints it, a yes/no as a program writes it.
_MISSING_OR_CODE = ("None", "NaN", "nan", "<NA>", "NaT", "True", "False", "true", "false")
# In a sentence "None" and "true" can be words; on their own on a line, or as a whole cell, they are a program's.
_ALONE = re.compile(r"(?m)^\s*(None|NaN|nan|<NA>|NaT|True|False|true|false)\s*$|(?<![\w-])(NaN|<NA>|NaT)(?![\w-])")
_UNROUNDED = re.compile(r"\d\.\d{3,}")  # more places than the style guide ever shows
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _field_names() -> set[str]:
    """Every canonical name a person never reads: the fields' and measures' names with an underscore."""
    return {name for name in labels.LABELS if "_" in name}


def _raw_names(text: str, names: set[str]) -> list[str]:
    return sorted(name for name in names if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", text))


def _configured(element) -> dict:
    return json.loads(element.columns or "{}")


def _column_found(name: str, cells: pd.Series, config: dict, placeholder: bool, names: set[str]) -> list[str]:
    """What a person would read in one column of a table as Streamlit draws it."""
    configured = config.get(f"col:{name}") or config.get(str(name)) or {}
    header = configured.get("label") or str(name)  # what the column's heading reads
    found = [f"header {header!r}" for raw in (*_raw_names(header, names), *_MISSING_OR_CODE) if raw == header]
    found += [f"header {header!r} holds {raw!r}" for raw in _raw_names(header, names) if raw != header]
    shown_as = configured.get("type_config", {})
    if cells.isna().any() and not placeholder:
        found.append(f"{name!r}: a missing value drawn as 'None'")
    present = cells.dropna()
    if pd.api.types.is_bool_dtype(present) and len(present):
        found.append(f"{name!r}: yes/no drawn as true/false")
    elif pd.api.types.is_datetime64_any_dtype(cells) or present.map(lambda v: isinstance(v, date)).any():
        if "format" not in shown_as:
            found.append(f"{name!r}: dates drawn as 2025-04-03")
    elif pd.api.types.is_float_dtype(present) and "format" not in shown_as:
        unrounded = present[present.map(lambda v: _UNROUNDED.search(str(float(v))) is not None)]
        if len(unrounded):
            found.append(f"{name!r}: unrounded decimals such as {float(unrounded.iloc[0])}")
    else:
        written = present.astype(str)
        for code in _MISSING_OR_CODE:
            if (written == code).any():
                found.append(f"{name!r}: a cell reads {code!r}")
        for raw in sorted({raw for cell in written.unique()[:500] for raw in _raw_names(cell, names)}):
            found.append(f"{name!r}: a cell reads {raw!r}")
        if written.str.fullmatch(r"\d{4}-\d{2}-\d{2}").any():
            found.append(f"{name!r}: dates written as 2025-04-03")
        if written.str.fullmatch(r"-?\d+\.\d{3,}").any():
            found.append(f"{name!r}: unrounded decimals written out")
    return found


def _table_found(element, names: set[str]) -> list[str]:
    kind = element.WhichOneof("type")
    shown = getattr(element, kind)
    if not shown.arrow_data.data:
        return []
    frame = pa.ipc.open_stream(shown.arrow_data.data).read_all().to_pandas()
    config = _configured(shown) if kind == "dataframe" else {}
    placeholder = kind == "dataframe" and shown.HasField("placeholder")
    hidden = {name for name, column in config.items() if isinstance(column, dict) and column.get("hidden")}
    found = []
    for name in frame.columns:
        if f"col:{name}" not in hidden and name not in hidden:
            found += _column_found(name, frame[name], config, placeholder, names)
    return found


def unreadable_words(page, received) -> list[str]:
    """Every None, NaN, <NA>, NaT, True/False, raw field name, unrounded decimal or ISO date a person would read on the
    page as drawn: in its visible text, and in the headers and cells of every table the server sent it (Streamlit
    draws tables on a canvas, so they are read from what reached the browser). What was sent is then forgotten, so
    the next page is read on its own."""
    names = _field_names()
    visible = page.locator("[data-testid='stMain'], [data-testid='stSidebar']").all_inner_texts()
    words = "\n".join(visible)
    found = [f"text reads {match.group().strip()!r}" for match in _ALONE.finditer(words)]
    found += [f"text reads {raw!r}" for raw in _raw_names(words, names)]
    found += [f"text reads {match!r}" for match in _UNROUNDED.findall(words)]
    found += [f"text reads {match!r}" for match in _ISO_DATE.findall(words)]
    for element in received.elements():
        if element.WhichOneof("type") in ("dataframe", "table"):
            found += _table_found(element, names)
    received.messages.clear()
    return sorted(set(found))


def headline_figure(page, label: str):
    """The Overview's headline figure under `label` ("Incidents" is the whole period's count), as a person reads it."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue")
