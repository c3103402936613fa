"""A tiny run of `make bench` end to end: every row is there with a number and a verdict. Its timings are never
asserted (they vary by machine); `make bench` measures at national size."""

import json

from analytics import clock
from tests.benchmarks import run
from tests.benchmarks.national import TODAY

TINY = ["--incidents", "3000", "--councillors", "200", "--answers", "2000", "--new-incidents", "300"]
TINY += ["--council-incidents", "200", "--repeats", "1", "--sessions", "2"]


def test_a_tiny_run_writes_every_row_with_a_number_and_a_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv(clock.CLOCK_ENV, TODAY)  # the run pins the clock; put back as it was afterwards
    out = tmp_path / "bench.json"

    run.main([*TINY, "--data", str(tmp_path / "data"), "--out", str(out)])

    rows = json.loads(out.read_text())["rows"]
    whats = [row["what"] for row in rows]
    titles = [title for _, title in run.PAGES]
    expected = ["CSV import", ".xlsx import", "peak memory", "resident memory", "page errors", "p95 page time"]
    expected += ["imported rows missing", *(f"{title}: first render" for title in titles)]
    expected += [f"{title}: 3,000 against 200" for title in titles]
    assert [part for part in expected if not any(part in what for what in whats)] == []
    assert any(what.startswith("analytics.incidents.") for what in whats)  # a row a function the pages call
    for row in rows:
        assert isinstance(row["measured"], int | float), row
        assert row["verdict"] == "met" or row["verdict"].startswith("missed by "), row
