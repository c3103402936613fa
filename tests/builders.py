"""Small hand-built councils for known-answer tests, imported through the real import path.

con = ...  # the `con` fixture
load_wards(con, {"Abbey": 1, "Brook": 2})
load_councillors(con, [councillor("Ann Abbot", "Abbey", gender="Woman")])
load_incidents(con, [incident("2026-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse")])
"""

from __future__ import annotations

import json

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


def ons_boundaries(codes: dict[str, str], *, year: str = "23", grid: str = "lon/lat") -> bytes:
    """Ward boundaries as the ONS publishes them: a GeoJSON FeatureCollection with WDyyCD and WDyyNM properties, a
    ward a square in a row of squares (the last ward a MultiPolygon of two squares, one with a hole), in WGS84
    lon/lat ("BGC" files) or British National Grid metres (`grid="BNG"`)."""
    origin, step = ((-1.50, 52.40), 0.01) if grid == "lon/lat" else ((430_000.0, 280_000.0), 1000.0)

    def square(column: float, row: float, size: float = 1.0) -> list[list[float]]:
        x, y = origin[0] + column * step, origin[1] + row * step
        return [[x, y], [x + size * step, y], [x + size * step, y + size * step], [x, y + size * step], [x, y]]

    features = []
    for index, (name, code) in enumerate(codes.items()):
        geometry = {"type": "Polygon", "coordinates": [square(index, 0)]}
        if index == len(codes) - 1:
            hole = square(index + 0.25, 1.25, 0.5)[::-1]
            geometry = {"type": "MultiPolygon", "coordinates": [[square(index, 0)], [square(index, 1), hole]]}
        properties = {"FID": index + 1, f"WD{year}CD": code, f"WD{year}NM": name, "GlobalID": f"{{{index:08d}}}"}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    name = f"Wards_December_20{year}_Boundaries_UK_BGC"
    return json.dumps({"type": "FeatureCollection", "name": name, "features": features}).encode()


def hex_map(codes: dict[str, str], layout: str = "odd-r") -> bytes:
    """A HexJSON hex map of the wards: a hex each, in a row."""
    hexes = {code: {"q": index, "r": index % 2, "n": name} for index, (name, code) in enumerate(codes.items())}
    return json.dumps({"layout": layout, "hexes": hexes}).encode()
