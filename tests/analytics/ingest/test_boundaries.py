"""Ward boundaries as the ONS publishes them, or a HexJSON hex map, read, checked against the ward register and
stored for the map."""

import json
import math

import pytest

from analytics import audit
from analytics.errors import ImportRefused
from analytics.ingest import boundaries
from tests.builders import hex_map, load_wards, ons_boundaries

WARDS = {"Abbey": 1, "Brook": 2, "Castle": 3}


def stored(con) -> dict[str, tuple[list, list]]:
    rows = con.execute("SELECT ward_code, x, y FROM ward_boundaries ORDER BY ward_code").fetchall()
    return {code: (x, y) for code, x, y in rows}


def width_over_height(parts_x: list[list[float]], parts_y: list[list[float]]) -> float:
    xs = [value for part in parts_x for value in part]
    ys = [value for part in parts_y for value in part]
    return (max(xs) - min(xs)) / (max(ys) - min(ys))


@pytest.mark.parametrize("grid", ["lon/lat", "BNG"])
def test_ons_boundaries_of_either_grid_are_stored_for_each_ward_of_the_register_by_code(con, grid):
    codes = load_wards(con, WARDS)
    result = boundaries.import_boundaries(con, ons_boundaries(codes, grid=grid), "Wards_BGC.geojson")
    shapes = stored(con)
    assert sorted(shapes) == sorted(codes.values())
    assert (result.wards_in_file, result.stored, result.not_in_register) == (3, 3, 0)
    abbey_x, abbey_y = shapes[codes["Abbey"]]
    assert len(abbey_x) == 1  # a Polygon is one part
    # a square on the ground stays square on the plane: longitude is scaled by the cosine of the latitude
    assert width_over_height(abbey_x, abbey_y) == pytest.approx(
        math.cos(math.radians(52.405)) if grid == "lon/lat" else 1.0, rel=0.01
    )


def test_a_multipolygon_ward_keeps_each_of_its_parts_outline(con):
    codes = load_wards(con, WARDS)
    boundaries.import_boundaries(con, ons_boundaries(codes), "wards.geojson")
    castle_x, _ = stored(con)[codes["Castle"]]
    assert len(castle_x) == 2


def test_any_year_of_ward_codes_is_read(con):
    codes = load_wards(con, WARDS)
    boundaries.import_boundaries(con, ons_boundaries(codes, year="19"), "wards.geojson")
    assert len(stored(con)) == 3


def test_a_ward_not_in_the_register_is_left_out_and_counted(con):
    codes = load_wards(con, {"Abbey": 1, "Brook": 2})
    result = boundaries.import_boundaries(con, ons_boundaries(codes | {"Elsewhere": "E05999999"}), "wards.geojson")
    assert sorted(stored(con)) == sorted(codes.values())
    assert result.not_in_register == 1


def test_a_detailed_outline_is_simplified_to_a_bounded_number_of_points(con):
    codes = load_wards(con, {"Abbey": 1})
    ring = [
        [-1.5 + 0.01 * math.cos(2 * math.pi * i / 5000), 52.4 + 0.01 * math.sin(2 * math.pi * i / 5000)]
        for i in range(5000)
    ]
    geometry = {"type": "Polygon", "coordinates": [ring + ring[:1]]}
    feature = {"type": "Feature", "properties": {"WD24CD": codes["Abbey"]}, "geometry": geometry}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    boundaries.import_boundaries(con, data, "detailed.geojson")
    [(x, _)] = stored(con).values()
    assert 4 <= sum(len(part) for part in x) <= boundaries.MAX_POINTS


@pytest.mark.parametrize("layout", ["odd-r", "even-r", "odd-q", "even-q"])
def test_a_hex_map_stores_a_hexagon_for_each_ward(con, layout):
    codes = load_wards(con, WARDS)
    boundaries.import_boundaries(con, hex_map(codes, layout), "wards.hexjson")
    shapes = stored(con)
    assert sorted(shapes) == sorted(codes.values())
    assert all(len(x) == 1 and len(x[0]) == 6 for x, _ in shapes.values())


def test_importing_again_replaces_the_boundaries(con):
    codes = load_wards(con, WARDS)
    boundaries.import_boundaries(con, ons_boundaries(codes), "wards.geojson")
    boundaries.import_boundaries(con, hex_map({"Abbey": codes["Abbey"]}), "abbey.hexjson")
    assert list(stored(con)) == [codes["Abbey"]]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"WD24CD,WD24NM\nE05000001,Abbey\n", "is not GeoJSON"),
        (json.dumps({"type": "Feature"}).encode(), "is not GeoJSON"),
        (json.dumps({"layout": "sideways", "hexes": {}}).encode(), "layout"),
        (
            json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Abbey"},
                        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}).encode(),
            "no ward codes",
        ),
        (ons_boundaries({"Elsewhere": "E05999999"}), "None of the"),
    ],
)  # fmt: skip
def test_a_file_the_map_cannot_use_is_refused_with_what_to_do_and_nothing_changes(con, data, says):
    codes = load_wards(con, WARDS)
    boundaries.import_boundaries(con, ons_boundaries(codes), "wards.geojson")
    before = stored(con)
    with pytest.raises(ImportRefused, match=says) as refused:
        boundaries.import_boundaries(con, data, "bad.geojson")
    assert str(refused.value).count(". ") <= 1
    assert stored(con) == before


def test_a_file_too_big_is_refused(con, monkeypatch):
    codes = load_wards(con, WARDS)
    monkeypatch.setattr(boundaries, "MAX_BYTES", 100)
    with pytest.raises(ImportRefused, match="too big"):
        boundaries.import_boundaries(con, ons_boundaries(codes), "wards.geojson")


def test_boundaries_need_the_ward_register_first(con):
    with pytest.raises(ImportRefused, match="ward register first"):
        boundaries.import_boundaries(con, ons_boundaries({"Abbey": "E05000001"}), "wards.geojson")


def test_an_import_of_boundaries_is_audited_with_what_it_stored(con):
    codes = load_wards(con, WARDS)
    result = boundaries.import_boundaries(con, ons_boundaries(codes), "wards.geojson")
    audit.record_import(con, "officer", "ward boundaries", result.file_name, result.summary())
    entry = audit.entries(con, actions=(audit.IMPORTED,)).iloc[0]
    assert (entry["Which"], entry["Detail"]) == (
        "wards.geojson",
        "ward boundaries: 3 wards in file, 3 stored, 0 not in register",
    )


def test_more_wards_than_a_council_has_are_refused_so_a_page_never_draws_thousands(con, monkeypatch):
    codes = load_wards(con, WARDS)
    monkeypatch.setattr(boundaries, "MAX_WARDS", 2)
    with pytest.raises(ImportRefused, match="choose your council"):
        boundaries.import_boundaries(con, ons_boundaries(codes), "wards.geojson")
