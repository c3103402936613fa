"""The council's ward and councillor registers: which authority is ours, and matching names written in logs."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from analytics.errors import Refusal
from analytics.ingest.vocabulary import key, over_distinct, tidy
from analytics.store import get_setting, set_setting

AUTHORITY_SETTING = "authority_code"
# The office before a name, taken off what is stored: 'Cllr. Joan Whitby', 'County Councillor Smith'.
_TITLE = re.compile(r"^\s*((county\s+|borough\s+)?(cllr|councillor|coun)\b\.?\s*)+", re.IGNORECASE)
# Every honorific before a name, any number of them, set aside only to link the name: 'Cllr Dr Joan Whitby'.
_HONORIFICS = re.compile(r"^\s*((county\s+|borough\s+)?(cllr|councillor|coun|mr|mrs|ms|miss|mx|dr)\b\.?\s*)+", re.I)
_GSS_CODE = re.compile(r"^[ENSW]\d{8}$")


def without_title(names: pd.Series) -> pd.Series:
    """'Cllr  Zoë Hart' -> 'Zoë Hart'; a blank name becomes missing."""
    return over_distinct(names, lambda name: " ".join(_TITLE.sub("", name).split()) or None)[0]


def name_key(name: str) -> str:
    """The key that links a councillor written in a log to the register: title, case and punctuation folded."""
    return key(_HONORIFICS.sub("", name))


def name_keys(names: pd.Series) -> pd.Series:
    return over_distinct(names, name_key)[0]


def councillor_name_keys(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every councillor's name key in the register: for recognising a column of their names."""
    return frozenset(row[0] for row in con.execute("SELECT DISTINCT name_key FROM councillors").fetchall())


def councillor_keys(con: duckdb.DuckDBPyConnection, names: pd.Series) -> pd.Series:
    """Each councillor written in a log linked to the register: by id, by name, then, when only one councillor
    fits, by initial and surname ('J. Whitby') or surname alone ('Councillor Whitby'). A name that links to no
    one, or could be more than one, keys on itself."""
    register = con.execute("SELECT councillor_key, name_key, lower(councillor_id) FROM councillors").fetchall()
    exact = {name: ckey for ckey, name, _ in register} | {cid: ckey for ckey, _, cid in register if cid}
    shortened: dict[str, set[str]] = {}
    for ckey, name, _ in register:
        words = name.split()
        if words:
            for short in (f"{words[0][0]} {words[-1]}", words[-1]):
                shortened.setdefault(short, set()).add(ckey)

    def councillor_key(name: str) -> str:
        folded = name_key(name)
        words = folded.split()
        short = f"{words[0][0]} {words[-1]}" if len(words) > 1 and len(words[0]) == 1 else folded
        only = shortened.get(short, set())
        return exact.get(name.strip().lower()) or exact.get(folded) or (next(iter(only)) if len(only) == 1 else folded)

    return over_distinct(names, councillor_key)[0]


def ward_keys(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The council's wards by name key and by GSS code: for recognising a column of wards."""
    wards = council_wards(con)
    return frozenset(wards["ward_key"]) | frozenset(wards["ward_code"])


def authorities(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every local authority in the ward register, with its number of wards."""
    return con.execute(
        """SELECT authority_code, authority_name, count(*) AS wards
           FROM wards GROUP BY ALL ORDER BY authority_name"""
    ).df()


def chosen_authority(con: duckdb.DuckDBPyConnection) -> str | None:
    """The authority whose wards are this council's; None when the register has only one or none chosen."""
    return get_setting(con, AUTHORITY_SETTING)


def choose_authority(con: duckdb.DuckDBPyConnection, name_or_code: str) -> tuple[str, str]:
    """Make an authority in the ward register this council's; returns its (code, name)."""
    row = con.execute(
        """SELECT DISTINCT authority_code, authority_name FROM wards
           WHERE upper(authority_code) = upper(?) OR lower(authority_name) = lower(?)""",
        [name_or_code.strip(), name_or_code.strip()],
    ).fetchone()
    if row is None:
        raise Refusal(f"No local authority called {name_or_code!r} is in the ward register.")
    set_setting(con, AUTHORITY_SETTING, row[0])
    return row


def council_wards(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The wards logs are matched against: the chosen authority's, or the whole register if none is chosen."""
    return con.execute(
        """SELECT ward_code, ward_name, ward_key FROM wards
           WHERE ? IS NULL OR authority_code = ? ORDER BY ward_name""",
        [chosen_authority(con)] * 2,
    ).df()


def match_wards(con: duckdb.DuckDBPyConnection, cells: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Ward names or GSS codes as written -> (register name, code, matched).

    With no ward register loaded every ward is accepted as written (tidied) and has no code.
    """
    written = tidy(cells)
    register = council_wards(con)
    if register.empty:
        return written, pd.Series(None, index=cells.index, dtype="str"), written.notna()
    by_key = dict(zip(register["ward_key"], register["ward_code"], strict=True))
    names = dict(zip(register["ward_code"], register["ward_name"], strict=True))

    def code_of(ward: str) -> str | None:
        upper = ward.upper()
        return upper if _GSS_CODE.match(upper) and upper in names else by_key.get(key(ward))

    code = over_distinct(written, code_of)[0]
    matched = code.notna()
    return over_distinct(code, names.get)[0].where(matched, written), code, matched


def councillor_choices(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each councillor in the register, by key, as 'Name (Ward)': for linking a councillor's account to them."""
    rows = con.execute("SELECT councillor_key, name || ' (' || ward || ')' FROM councillors ORDER BY name, ward")
    return dict(rows.fetchall())
