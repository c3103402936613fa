"""How fast a national-sized incident log imports, against DuckDB loading the same CSV bare.

Not a test (timings vary by machine): run it by hand and read the ratios it prints.

    .venv/bin/python -m tests.benchmarks.import_speed [--incidents 1000000]
"""

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from analytics import store
from analytics.ingest.importing import import_file
from analytics.sample.sample import write_sample


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=1_000_000)
    incidents = parser.parse_args().incidents
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        log = next(
            p
            for p in write_sample(folder, incidents=incidents, incident_format="csv")
            if p.suffix == ".csv" and p.stem == "incident_log"
        )
        count = _seconds(lambda: duckdb.sql(f"SELECT count(*) FROM read_csv('{log}', all_varchar=true)").fetchall())
        bare = duckdb.connect(str(folder / "bare.duckdb"))
        load = _seconds(
            lambda: bare.execute(f"CREATE TABLE log AS SELECT * FROM read_csv('{log}', all_varchar=true); CHECKPOINT")
        )
        con = store.connect(folder / "dashboard.duckdb")
        data = log.read_bytes()
        result = None

        def run():
            nonlocal result
            result = import_file(con, "incidents", data, log.name)

        ours = _seconds(run)
        print(f"{incidents:,} incidents, {len(data) / 1e6:.0f} MB: {result.summary()}")
        print(f"DuckDB count(*) over the CSV: {count:.2f} s")
        print(f"DuckDB loading the CSV into a table: {load:.2f} s")
        print(
            f"Dashboard import (read, check, store): {ours:.2f} s = {ours / load:.1f}x the bare load, "
            f"{ours / count:.1f}x the bare count"
        )


if __name__ == "__main__":
    main()
