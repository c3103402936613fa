"""Files the dashboard hands out: CSV and Excel that a spreadsheet will never run as formulas."""

from __future__ import annotations

import io

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe, so they stay text."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            text = safe[column]
            risky = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
            safe[column] = text.where(~risky, "'" + text.astype(str))
    return safe


def without_formula_guard(cells: pd.Series) -> pd.Series:
    """Undo `formula_safe` on cells read back in, so an exported '@handle' imports as the same person."""
    guarded = cells.str.startswith(tuple("'" + start for start in _FORMULA_START)).fillna(False).astype(bool)
    return cells.where(~guarded, cells.str.slice(1)) if guarded.any() else cells


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accented names correctly."""
    return formula_safe(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        formula_safe(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
