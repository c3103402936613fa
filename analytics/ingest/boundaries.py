"""Ward boundaries for the map, as the council is given them: the ONS's GeoJSON (a FeatureCollection whose features
carry the ward's code as WDyyCD, for any year yy, in WGS84 lon/lat or British National Grid metres) or a HexJSON hex
map of the wards.

Each ward is matched to the ward register by its code and stored once as flat plane coordinates, so the page draws
filled shapes on ordinary axes and nothing is fetched to draw it (no map tiles, no projection at run time):
longitude is scaled by the cosine of the mean latitude (equirectangular, true enough across one council), British
National Grid is already a plane. Holes are left out (a ward inside another is drawn on top of it) and each outline
is thinned to at most MAX_POINTS, so a page draws one shape a ward and a few thousand points at most.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass

import duckdb

from analytics import clock
from analytics.errors import ImportRefused
from analytics.ingest.registers import council_wards
from analytics.store import transaction

MAX_BYTES = 100 * 1024 * 1024  # the whole UK's generalised ward boundaries are about 60 MB
MAX_WARDS = 500  # more than any council has (Birmingham has 69, Cornwall 87): a page draws one shape a ward
MAX_POINTS = 160  # a ward's outline once thinned, over all its parts
MAX_PARTS = 8  # a ward's largest parts kept (islands beyond them are left out)
MIN_RING = 4  # points a thinned part keeps at least
_CODE = re.compile(r"^WD\d{2}CD$", re.IGNORECASE)
_NAME = re.compile(r"^WD\d{2}NM$", re.IGNORECASE)
HEX_LAYOUTS = ("odd-r", "even-r", "odd-q", "even-q")
_WHAT_TO_GIVE = (
    "give the ward boundaries as the ONS publishes them (GeoJSON with a WD24CD column) or a HexJSON hex map."
)

Part = list[tuple[float, float]]


@dataclass(frozen=True)
class Outline:
    """One ward's shape on the plane: its code, the name the file gives it, and its parts' outlines."""

    code: str
    name: str | None
    parts: list[Part]


@dataclass(frozen=True)
class InFile:
    """The wards a boundaries file holds: how many, and the outlines of those asked for."""

    wards: int
    outlines: list[Outline]


@dataclass(frozen=True)
class BoundariesImport:
    """What an import of ward boundaries did."""

    batch_id: str
    file_name: str
    wards_in_file: int
    stored: int
    not_in_register: int

    def summary(self) -> dict:
        return {
            "wards_in_file": self.wards_in_file,
            "stored": self.stored,
            "not_in_register": self.not_in_register,
        }


def import_boundaries(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str) -> BoundariesImport:
    """Read a boundaries file and store the shapes of the register's wards in it, replacing any held before: all of
    it, or (when refused) none of it."""
    register = council_wards(con)
    if register.empty:
        raise ImportRefused(
            "Import your ward register first (the ONS ward lookup, on the Import page), then the ward boundaries."
        )
    return store_outlines(con, read_outlines(data, frozenset(register["ward_code"])), file_name)


def read_outlines(data: bytes, wanted: frozenset[str] | None = None) -> InFile:
    """The outlines of the wards in a GeoJSON FeatureCollection or a HexJSON hex map, on the plane and thinned: of
    every ward, or only of those `wanted` (a file of the whole country holds thousands the council has no use for,
    so only its own are converted)."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"The file is too big to be ward boundaries ({len(data) / 1e6:,.0f} MB); download the boundaries of "
            "your council's wards only, in the generalised (BGC) or super generalised (BSC) resolution."
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(f"The file is not GeoJSON or HexJSON; {_WHAT_TO_GIVE}") from exc
    if isinstance(document, dict) and "hexes" in document:
        return _hexes(document, wanted)
    if not (isinstance(document, dict) and isinstance(document.get("features"), list)):
        raise ImportRefused(f"The file is not GeoJSON ward boundaries (a FeatureCollection); {_WHAT_TO_GIVE}")
    return _features(document["features"], wanted)


def _features(features: list, wanted: frozenset[str] | None) -> InFile:
    wards: dict[str, tuple[str | None, list]] = {}  # each ward's geometries, as they are until it is known wanted
    for feature in features:
        properties = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        code = next((str(value) for name, value in properties.items() if _CODE.match(name) and value), None)
        if code is None:
            continue
        name = next((str(value) for key, value in properties.items() if _NAME.match(key) and value), None)
        wards.setdefault(code.strip().upper(), (name, []))[1].append(feature.get("geometry"))
    if not wards:
        raise ImportRefused(
            "The file has no ward codes: each ward needs its code in a property named like WD24CD (with WD24NM for its "
            "name), as in the ONS's ward boundaries."
        )
    rings = {
        code: (name, [ring for geometry in geometries for ring in _exterior_rings(geometry)])
        for code, (name, geometries) in wards.items()
        if wanted is None or code in wanted
    }
    points = [point for _, parts in rings.values() for part in parts for point in part]
    if rings and not points:
        raise ImportRefused(f"The file's wards have no outlines (Polygon or MultiPolygon); {_WHAT_TO_GIVE}")
    to_plane = _lon_lat_projection(points) if points and _in_degrees(points) else (lambda x, y: (x, y))
    outlines = [
        Outline(code, name, _thinned([[to_plane(x, y) for x, y in part] for part in parts]))
        for code, (name, parts) in rings.items()
        if parts
    ]
    return InFile(len(wards), outlines)


def _exterior_rings(geometry) -> list[Part]:
    """Each polygon's outer ring of a Polygon or MultiPolygon; other geometries have none."""
    if not isinstance(geometry, dict):
        return []
    polygons = {"Polygon": [geometry.get("coordinates")], "MultiPolygon": geometry.get("coordinates")}.get(
        geometry.get("type"), []
    )
    try:
        return [[(float(point[0]), float(point[1])) for point in polygon[0]] for polygon in polygons if polygon]
    except (TypeError, ValueError, IndexError) as exc:
        raise ImportRefused(f"The file's outlines are damaged (a point is not two numbers); {_WHAT_TO_GIVE}") from exc


def _in_degrees(points: list[tuple[float, float]]) -> bool:
    """WGS84 lon/lat, not British National Grid: every point within the globe's degrees (BNG is in metres)."""
    return all(abs(x) <= 180 and abs(y) <= 90 for x, y in points)


def _lon_lat_projection(points: list[tuple[float, float]]):
    scale = math.cos(math.radians(sum(y for _, y in points) / len(points)))
    return lambda x, y: (x * scale, y)


def _hexes(document: dict, wanted: frozenset[str] | None) -> InFile:
    layout, hexes = document.get("layout"), document.get("hexes")
    if layout not in HEX_LAYOUTS:
        raise ImportRefused(
            f"The hex map's layout must be one of {', '.join(HEX_LAYOUTS)}; check the file is HexJSON and says its "
            "layout."
        )
    if not isinstance(hexes, dict) or not hexes:
        raise ImportRefused("The hex map has no hexes; give a HexJSON file with a hex for each ward by its code.")
    try:
        outlines = [
            Outline(str(code).strip().upper(), cell.get("n"), [_hexagon(layout, int(cell["q"]), int(cell["r"]))])
            for code, cell in hexes.items()
            if wanted is None or str(code).strip().upper() in wanted
        ]
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ImportRefused("The hex map is damaged: each hex needs whole numbers q and r.") from exc
    return InFile(len(hexes), outlines)


def _hexagon(layout: str, q: int, r: int) -> Part:
    """The hex at column q, row r (rows counted upwards, as HexJSON draws them), of side 1: pointy-topped for the
    row layouts, odd or even rows shifted right by half a hex; flat-topped for the column layouts, odd or even
    columns shifted down."""
    root3 = math.sqrt(3)
    shifted = (r if layout.endswith("r") else q) % 2 == (1 if layout.startswith("odd") else 0)
    if layout.endswith("r"):
        centre, start = (root3 * (q + 0.5 * shifted), 1.5 * r), 30
    else:
        centre, start = (1.5 * q, root3 * (r - 0.5 * shifted)), 0
    return [
        (
            round(centre[0] + math.cos(math.radians(start + 60 * k)), 6),
            round(centre[1] + math.sin(math.radians(start + 60 * k)), 6),
        )
        for k in range(6)
    ]


def _area(part: Part) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(part, part[1:] + part[:1], strict=True))) / 2


def _thinned(parts: list[Part]) -> list[Part]:
    """The largest MAX_PARTS parts, each without its closing point and thinned evenly along its length so that the
    ward keeps at most MAX_POINTS (and each part at least MIN_RING) points."""
    kept = sorted(
        (part[:-1] if len(part) > 1 and part[0] == part[-1] else part for part in parts), key=_area, reverse=True
    )[:MAX_PARTS]
    total = sum(len(part) for part in kept)
    thinned = []
    for part in kept:
        allowed = max(MIN_RING, MAX_POINTS * len(part) // total)
        step = math.ceil(len(part) / allowed)
        thinned.append(part[::step])
    return thinned


def store_outlines(con: duckdb.DuckDBPyConnection, in_file: InFile, file_name: str) -> BoundariesImport:
    """Store the outlines read of the register's wards in place of those held before, in one transaction."""
    matched = in_file.outlines
    if not matched:
        raise ImportRefused(
            f"None of the {in_file.wards:,} wards in the file is in your ward register; check the file covers your "
            "council and is of the same year as the register (WD24CD codes for a 2024 register)."
        )
    if len(matched) > MAX_WARDS:
        raise ImportRefused(
            f"The file matches {len(matched):,} wards of your ward register, more than one council has; choose your "
            "council under 'Which council are you?' on the Import page (Ward register), then import the boundaries."
        )
    batch_id = f"boundaries-{clock.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    rows = [
        (
            outline.code,
            outline.name,
            [[x for x, _ in part] for part in outline.parts],
            [[y for _, y in part] for part in outline.parts],
            batch_id,
            file_name,
            clock.now(),
        )
        for outline in matched
    ]
    with transaction(con):
        con.execute("DELETE FROM ward_boundaries")
        con.executemany("INSERT INTO ward_boundaries VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return BoundariesImport(batch_id, file_name, in_file.wards, len(matched), in_file.wards - len(matched))
