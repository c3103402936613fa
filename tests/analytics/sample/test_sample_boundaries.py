"""The sample council's invented ward boundaries: ONS-shaped, one shape a Fernwick ward, and what is committed in
sample_data/ is what the generator writes."""

import json

from analytics.ingest.boundaries import read_outlines
from analytics.sample import sample_boundaries
from analytics.sample.demo import SAMPLE_DIR
from analytics.sample.sample import ward_register


def test_each_fernwick_ward_has_one_invented_outline_in_the_ons_shape(tmp_path):
    path = sample_boundaries.write_boundaries(tmp_path)
    features = json.loads(path.read_text())["features"]
    fernwick = ward_register().query("LAD24NM == 'Fernwick'")
    assert sorted(feature["properties"]["WD24CD"] for feature in features) == sorted(fernwick["WD24CD"])
    assert {feature["geometry"]["type"] for feature in features} == {"Polygon"}
    assert len(read_outlines(path.read_bytes()).outlines) == len(fernwick)


def test_neighbouring_wards_share_their_borders(tmp_path):
    features = json.loads(sample_boundaries.write_boundaries(tmp_path).read_text())["features"]
    points = [tuple(point) for feature in features for point in feature["geometry"]["coordinates"][0][:-1]]
    shared = len(points) - len(set(points))
    assert shared > len(points) / 3  # a border's points are written once for each of its two wards


def test_the_committed_boundaries_are_what_the_generator_writes(tmp_path):
    path = sample_boundaries.write_boundaries(tmp_path)
    assert (SAMPLE_DIR / path.name).read_bytes() == path.read_bytes(), f"regenerate sample_data/{path.name}"
