"""The fictional sample council's ward boundaries, invented like everything else about Fernwick, so the map of the
wards shows as soon as the sample is loaded.

Written as the ONS publishes ward boundaries (a GeoJSON FeatureCollection in WGS84 lon/lat with WD24CD and WD24NM),
so the sample goes through the same import as a council's own file. The wards tile a patch of invented ground: a
grid of 5 by 4 of uneven columns and rows, its corners moved at random and each border drawn as a wavy line that
both its wards share. Fixed by a seed, so the committed file is what this writes; the boundaries have no dates, so
they are loaded as committed however the sample's dates are moved.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from analytics.sample.sample import ward_register

FILE_NAME = "ward_boundaries.geojson"
SEED = 2026
# North at the top; each name one of Fernwick's wards in the register.
LAYOUT = (
    ("Westerleigh", "Northgate", "Fernwick North", "Hollins Cross", "Thornley"),
    ("Langdon Vale", "St. John's", "Fernwick Central", "Castle Hill", "Kingsmead"),
    ("Oakhurst", "Priory Fields", "St. Mary's and Wellbrook", "Riverside", "Millbrook"),
    ("Harrowdene", "Ashby Green", "Southmoor", "Abbeyfield", "Brackenfield"),
)
WEST, NORTH = -2.12, 52.98  # the patch's north-west corner, in degrees
CELL = (0.034, 0.021)  # a ward's usual width and height in degrees (about 2.3 km each way)
WAVES = 8  # points along each border between its corners


def write_boundaries(out_dir: Path) -> Path:
    """Write the sample's ward boundaries into out_dir; returns the file's path."""
    rng = np.random.default_rng(SEED)
    corners = _corners(rng)
    borders: dict[tuple, list[tuple[float, float]]] = {}
    codes = dict(zip(ward_register()["WD24NM"], ward_register()["WD24CD"], strict=True))
    features = []
    for row, names in enumerate(LAYOUT):
        for column, name in enumerate(names):
            loop = [(row, column), (row, column + 1), (row + 1, column + 1), (row + 1, column)]
            ring = []
            for start, end in zip(loop, loop[1:] + loop[:1], strict=True):
                ring += _border(rng, corners, borders, start, end)[:-1]
            ring.append(ring[0])
            features.append(
                {
                    "type": "Feature",
                    "properties": {"FID": len(features) + 1, "WD24CD": codes[name], "WD24NM": name, "WD24NMW": " "},
                    "geometry": {"type": "Polygon", "coordinates": [[list(point) for point in ring]]},
                }
            )
    path = Path(out_dir) / FILE_NAME
    collection = {"type": "FeatureCollection", "name": "Fernwick_wards_fictional_BGC", "features": features}
    path.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def _corners(rng: np.random.Generator) -> np.ndarray:
    """Where the grid's corners lie (lon, lat), columns and rows of uneven size and inner corners moved about."""
    rows, columns = len(LAYOUT), len(LAYOUT[0])
    widths = np.r_[0, np.cumsum(rng.uniform(0.75, 1.25, columns))] * CELL[0]
    heights = np.r_[0, np.cumsum(rng.uniform(0.75, 1.25, rows))] * CELL[1]
    lon = WEST + np.tile(widths, (rows + 1, 1))
    lat = NORTH - np.tile(heights[:, None], (1, columns + 1))
    inner = (slice(1, rows), slice(1, columns))
    lon[inner] += rng.uniform(-0.3, 0.3, lon[inner].shape) * CELL[0]
    lat[inner] += rng.uniform(-0.3, 0.3, lat[inner].shape) * CELL[1]
    return np.stack([lon, lat], axis=-1)


def _border(rng, corners: np.ndarray, borders: dict, start: tuple, end: tuple) -> list[tuple[float, float]]:
    """The wavy border from one corner to the next, made once and shared by the wards either side of it."""
    edge = tuple(sorted([start, end]))
    if edge not in borders:
        a, b = corners[edge[0]], corners[edge[1]]
        steps = np.linspace(0, 1, WAVES + 2)
        normal = np.array([-(b - a)[1], (b - a)[0]])
        bends = rng.uniform(-0.07, 0.07, 3)  # a gentle curve: three waves along the border, none at its ends
        wobble = sum(bend * np.sin((k + 1) * np.pi * steps) for k, bend in enumerate(bends))
        points = a + steps[:, None] * (b - a) + wobble[:, None] * normal
        borders[edge] = [(round(float(x), 6), round(float(y), 6)) for x, y in points]
    points = borders[edge]
    return points if edge[0] == start else points[::-1]
