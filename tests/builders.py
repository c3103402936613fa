"""Small hand-built councils for known-answer tests, imported through the real import path.

con = ...  # the `con` fixture
load_wards(con, {"Abbey": 1, "Brook": 2})
load_councillors(con, [councillor("Ann Abbot", "Abbey", gender="Woman")])
load_incidents(con, [incident("2026-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse")])
"""

from __future__ import annotations

import pandas as pd

from analytics.ingest import registers
from analytics.ingest.importing import ImportResult, import_file

AUTHORITY = ("E07000001", "Testshire")


def _import(con, dataset: str, rows: list[dict]) -> ImportResult:
    data = pd.DataFrame(rows).fillna("").to_csv(index=False).encode()
    result = import_file(con, dataset, data, f"{dataset}.csv")
    assert result.rejected == 0, f"test data for {dataset} was rejected: see the quarantine of {result.batch_id}"
    return result


def load_wards(con, wards: dict[str, int]) -> dict[str, str]:
    """Wards by name (the value is ignored here; seats come from the councillors); returns name -> GSS code."""
    codes = {name: f"E05{index:06d}" for index, name in enumerate(wards, start=1)}
    rows = [
        {"WD24CD": code, "WD24NM": name, "LAD24CD": AUTHORITY[0], "LAD24NM": AUTHORITY[1]}
        for name, code in codes.items()
    ]
    _import(con, "wards", rows)
    registers.choose_authority(con, AUTHORITY[0])
    return codes


def councillor(name: str, ward: str, *, party: str = "Labour", **fields) -> dict:
    """A register row in canonical field names; dates as YYYY-MM-DD, lists joined by '; '."""
    return {"name": name, "ward": ward, "party": party, **fields}


def load_councillors(con, councillors: list[dict]) -> ImportResult:
    return _import(con, "councillors", councillors)


def incident(occurred_on: str, councillor_name: str, ward: str, channel: str, abuse_types: str, **fields) -> dict:
    """An incident row in canonical field names."""
    return {
        "occurred_on": occurred_on,
        "councillor": councillor_name,
        "ward": ward,
        "channel": channel,
        "abuse_types": abuse_types,
        **fields,
    }


def load_incidents(con, incidents: list[dict]) -> ImportResult:
    return _import(con, "incidents", incidents)
