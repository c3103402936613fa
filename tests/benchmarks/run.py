"""`make bench`: is the dashboard fast enough for a national data set on one ordinary machine? (issue #15)

    .venv/bin/python -m tests.benchmarks.run [--incidents 1000000] [--repeats 3] [--out artefacts/bench.json]

Generates (or finds in --data) a national data set and the sample council (tests/benchmarks/national.py), measures
every row below in one run, prints a table and writes it as JSON, each row with its target and "met" or "missed by
N" in the row's own unit. Timings vary with the machine and what else runs on it: read them, never assert them.

- the incident log's CSV import, end to end, against DuckDB's bare load of the same file; a 100,000-row .xlsx
  import against pandas reading it with calamine (the median of --repeats runs of each, alternating);
- the CSV import's peak memory, in a process of its own;
- each page's first render (AppTest, an administrator, caches cleared) at national size and against the council;
- the slowest call of each analytics function the pages call, while they render at national size;
- the resident memory of the process that rendered every page;
- --sessions sessions rendering every page while the new incidents import through the same connection.

A page still running after --page-limit seconds is stopped and reported as missed (with the analytics call it was
in); the sessions start no new page after --sessions-limit seconds, and the row says how many renders were done.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from analytics import clock, store
from tests.benchmarks import loading, rendering
from tests.benchmarks.national import TODAY, Size, council, national

REPO = Path(__file__).resolve().parents[2]
PAGES = (
    ("overview", "Overview"), ("trends", "Trends"), ("patterns", "Patterns"), ("councillors", "Councillors and risk"),
    ("incident_log", "Incident log"), ("surveys", "Councillor surveys"), ("assessment", "Self-assessment"),
    ("review", "Post-incident review"), ("import_data", "Import"), ("data", "Imports and rejected rows"),
    ("users", "Users"), ("audit", "Audit trail"), ("retention", "Retention"),
)  # fmt: skip  # app.py's SECTIONS, in its order (importing app.py would start a Streamlit App)
FUNCTION_LIMIT_MS = 300


@dataclass
class Row:
    what: str
    target: str
    measured: float | None
    unit: str
    verdict: str
    note: str = ""


def _shown(value: float, unit: str) -> str:
    digits = {"s": 2, "x": 1, "MB": 0, "ms": 0}.get(unit, 0)
    return f"{value:.{digits}f}{'' if unit == 'x' else ' '}{unit}".rstrip()


def _row(what: str, measured: float, limit: float, unit: str, *, strictly: bool = False, note: str = "") -> Row:
    """A row whose target is `measured` at most `limit` (below it, when `strictly`)."""
    met = measured < limit if strictly else measured <= limit
    target = f"{'<' if strictly else '<='} {_shown(limit, unit)}"
    verdict = "met" if met else f"missed by {_shown(measured - limit, unit)}"
    return Row(what, target, measured, unit, verdict, note)


# --- the workers ---------------------------------------------------------------------------------------------------


def _lines(command: list[str], database: Path, wait: float):
    """What a worker reports, line by line, each waited for at most `wait` seconds (then the worker is ended). Its
    standard error goes to a log beside the database."""
    env = os.environ | {store.DB_ENV: str(database), clock.CLOCK_ENV: TODAY}
    with database.with_suffix(".log").open("a") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.rendering", *command],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read, args=(worker.stdout, lines), daemon=True).start()
    try:
        while (line := lines.get(timeout=wait)) is not None:
            if line.startswith(rendering.MARK):
                yield json.loads(line.removeprefix(rendering.MARK))
    except queue.Empty:
        yield {"stopped": True}
    finally:
        worker.kill()
        worker.wait()


def _read(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def render_pages(database: Path, pages: list[str], limit: float) -> tuple[dict[str, dict], dict]:
    """Each page's report from the pages worker, and the last worker's resident memory and how many ran. A stopped
    page ends its worker, so another renders the pages left."""
    reports, remaining, workers, resident = {}, list(pages), 0, None
    while remaining:
        workers += 1
        left = len(remaining)
        for line in _lines(["pages", str(limit), *remaining], database, limit + 60):
            if "resident_mb" in line:
                resident = line["resident_mb"]
            elif "page" in line:
                reports[line["page"]] = line
                remaining.remove(line["page"])
            else:
                reports[remaining[0]] = {"page": remaining[0], "timed_out": True, "functions": {}}
                remaining.pop(0)
        if len(remaining) == left:
            ended = f"its worker ended without a word (see {database.with_suffix('.log').name})"
            reports[remaining[0]] = {"page": remaining[0], "seconds": None, "error": ended}
            remaining.pop(0)
    return reports, {"resident_mb": resident, "workers": workers}


def render_sessions(database: Path, pages: list[str], sessions: int, limit: float, deadline: float, log: Path) -> dict:
    command = ["sessions", str(limit), str(sessions), str(deadline), str(log), *pages]
    for line in _lines(command, database, deadline + limit + 120):
        return line
    return {"stopped": True}


# --- the rows ------------------------------------------------------------------------------------------------------


def import_rows(csv: loading.Comparison, xlsx: loading.Comparison, memory: loading.Memory, size: Size) -> list[Row]:
    return [
        _row(
            f"{size.incidents:,}-row CSV import, end to end, against DuckDB's bare load",
            csv.ratio,
            2.0,
            "x",
            note=f"ours {csv.ours:.2f} s, DuckDB {csv.bare:.2f} s (median of {csv.repeats} each); "
            f"{csv.result.inserted:,} stored, {csv.result.rejected:,} rejected",
        ),
        _row(
            f"{size.new_incidents:,}-row .xlsx import against pandas.read_excel (calamine)",
            xlsx.ratio,
            1.3,
            "x",
            note=f"ours {xlsx.ours:.2f} s, pandas {xlsx.bare:.2f} s (median of {xlsx.repeats} each); "
            f"{xlsx.result.inserted:,} stored, {xlsx.result.rejected:,} rejected",
        ),
        _row(
            f"peak memory of the {size.incidents:,}-row import",
            memory.peak_mb,
            1024,
            "MB",
            strictly=True,
            note=f"a process of its own; {memory.baseline_mb:.0f} MB after importing the modules",
        ),
    ]


def page_rows(national: dict[str, dict], council: dict[str, dict], limit: float, size: Size, small: int) -> list[Row]:
    rows = []
    at = f"{size.incidents:,}"
    for page, title in PAGES:
        big, base = national[page], council[page]
        if big.get("timed_out"):
            over = f"missed: over {limit:.0f} s"
            rows.append(Row(f"{title}: first render at {at}", "< 1.50 s", limit, "s", over, _running(big)))
            ratio = limit / base["seconds"] if base.get("seconds") else None
            rows.append(Row(f"{title}: {at} against {small:,}", "<= 3.0x", ratio, "x", f"{over} at {at}"))
            continue
        if big.get("seconds") is None or base.get("seconds") is None:
            failed = big.get("error") or base.get("error")
            rows.append(
                Row(f"{title}: first render at {at}", "< 1.50 s", None, "s", f"missed: the page failed: {failed}")
            )
            continue
        rows.append(_row(f"{title}: first render at {at}", big["seconds"], 1.5, "s", strictly=True))
        ratio = big["seconds"] / base["seconds"]
        note = f"{base['seconds']:.2f} s at {small:,}"
        rows.append(_row(f"{title}: {at} against {small:,}", ratio, 3.0, "x", note=note))
    return rows


def _running(report: dict) -> str:
    """Where a page was when it was stopped: the analytics call it was in, and the line of the project's code."""
    running = report.get("running") or {}
    calls = [f"in {name} for {seconds:.0f} s" for name, seconds in running.items()] or ["in no analytics call"]
    stuck = report.get("stuck_at")
    return "stopped " + "; ".join(calls) + (f", at {stuck}" if stuck else "")


def function_rows(national: dict[str, dict], size: Size) -> list[Row]:
    """The slowest outermost call of each function, over every page, with how often the pages called it and for
    how long in all; a call still running when its page was stopped counts as at least as long as it had run."""
    slowest: dict[str, tuple[float, str]] = {}
    totals: dict[str, tuple[int, float]] = {}
    for page, _ in PAGES:
        report = national[page]
        calls = [(name, took, "") for name, took in report.get("functions", {}).items()]
        calls += [(name, took, " (still running when the page was stopped)") for name, took in _in_flight(report)]
        for name, took, how in calls:
            if took > slowest.get(name, (-1.0, ""))[0]:
                slowest[name] = (took, f"slowest on {page}{how}")
        for name, (count, seconds) in report.get("totals", {}).items():
            before = totals.get(name, (0, 0.0))
            totals[name] = (before[0] + count, before[1] + seconds)
    return [
        _row(f"{name} at {size.incidents:,}", took * 1000, FUNCTION_LIMIT_MS, "ms", strictly=True, note=note)
        for name, (took, where) in sorted(slowest.items())
        for note in [f"{where}; {_calls(totals.get(name, (0, 0.0)))}"]
    ]


def _calls(total: tuple[int, float]) -> str:
    count, seconds = total
    return f"{count} call{'' if count == 1 else 's'}, {seconds:.2f} s in all"


def _in_flight(report: dict) -> list[tuple[str, float]]:
    return list((report.get("running") or {}).items())


def memory_row(pages: dict, size: Size) -> Row:
    what = f"resident memory after every page at {size.incidents:,}"
    if pages["resident_mb"] is None:
        return Row(what, "< 1024 MB", None, "MB", "missed: no worker finished its pages")
    note = "" if pages["workers"] == 1 else f"the last of {pages['workers']} workers (a stopped page ends its worker)"
    return _row(what, pages["resident_mb"], 1024, "MB", strictly=True, note=note)


def session_rows(report: dict, sessions: int, limit: float, left_out: list[str], size: Size) -> list[Row]:
    what = f"{sessions} sessions x every page during a {size.new_incidents:,}-row import"
    if report.get("stopped"):
        stopped = "missed: the sessions did not finish"
        return [Row(f"{what}: {part}", target, None, unit, stopped) for part, target, unit in _SESSION_PARTS]
    times = sorted(report["seconds"])
    stopped = sum(took >= limit for took in times)
    done = f"{len(times)} of {report['renders_planned']} renders done ({stopped} stopped at {limit:.0f} s, counted so)"
    skipped = f"; left out (over the page limit alone): {', '.join(left_out)}" if left_out else ""
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)] if times else None
    rows = [_row(f"{what}: page errors", len(report["errors"]), 0, "", note="; ".join(report["errors"][:3]))]
    if p95 is None:
        rows.append(Row(f"{what}: p95 page time", "< 3.00 s", None, "s", "missed: no page rendered", done + skipped))
    elif len(times) < report["renders_planned"]:
        rows.append(Row(f"{what}: p95 page time", "< 3.00 s", p95, "s", f"missed: only {done}", skipped.lstrip("; ")))
    else:
        rows.append(_row(f"{what}: p95 page time", p95, 3.0, "s", strictly=True, note=done + skipped))
    missing = report.get("rows_missing")
    if missing is None:
        failed = f"missed: the import failed: {report.get('import_error')}"
        rows.append(Row(f"{what}: imported rows missing after", "<= 0", None, "", failed))
    else:
        note = f"{report['rows_imported']:,} stored, {report['rows_rejected']:,} rejected"
        rows.append(_row(f"{what}: imported rows missing after", missing, 0, "", note=note))
    return rows


_SESSION_PARTS = (
    ("page errors", "<= 0", ""),
    ("p95 page time", "< 3.00 s", "s"),
    ("imported rows missing after", "<= 0", ""),
)


# --- the run -------------------------------------------------------------------------------------------------------


def _step(doing: str) -> None:
    print(doing, file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, work: Path) -> dict:
    size = Size(args.incidents, args.councillors, args.answers, args.new_incidents)
    _step(f"Data sets in {args.data} (generated on the first run)")
    files = national(args.data, size)
    sample = council(args.data, args.council_incidents)
    template = loading.national_registers(work, files)
    _step("The CSV import's peak memory")
    memory = loading.import_memory(template, work / "memory.duckdb", files.log)
    _step(f"The CSV import and DuckDB's load, {args.repeats} times each")
    csv, database = loading.csv_import(work, template, files.log, args.repeats)
    answers = loading.survey_answers(database, files.survey)
    _step(f"The .xlsx import and pandas' read, {args.repeats} times each")
    xlsx = loading.xlsx_import(work, template, files.new_log_xlsx, args.repeats)
    names = [page for page, _ in PAGES]
    _step(f"Every page at {args.council_incidents:,} incidents")
    small, _ = render_pages(loading.council_database(work, sample), names, args.page_limit)
    _step(f"Every page at {args.incidents:,} incidents")
    big, resident = render_pages(database, names, args.page_limit)
    left_out = [page for page in names if big[page].get("timed_out")]
    together = [page for page in names if page not in left_out]
    _step(f"{args.sessions} sessions during an import")
    sessions = render_sessions(
        database, together, args.sessions, args.page_limit, args.sessions_limit, files.new_log_csv
    )
    rows = [
        *import_rows(csv, xlsx, memory, size),
        *page_rows(big, small, args.page_limit, size, args.council_incidents),
        *function_rows(big, size),
        memory_row(resident, size),
        *session_rows(sessions, args.sessions, args.page_limit, left_out, size),
    ]
    return {
        "sizes": asdict(size) | {"wards": size.wards, "survey_answers_stored": answers},
        "council_incidents": args.council_incidents,
        "repeats": args.repeats,
        "clock": TODAY,
        "rows": [asdict(row) for row in rows],
        "measured": {"pages": {"national": big, "council": small}, "resident": resident, "sessions": sessions},
    }


def table(rows: list[dict]) -> str:
    header = ("what", "target", "measured", "verdict", "note")
    lines = [
        (
            row["what"],
            row["target"],
            "-" if row["measured"] is None else _shown(row["measured"], row["unit"]),
            row["verdict"],
            row["note"],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *lines]
    )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000, help="the national incident log's rows")
    parser.add_argument("--councillors", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=100_000, help="survey answers, about")
    parser.add_argument("--new-incidents", type=int, default=100_000, help="the .xlsx (and concurrent) import's rows")
    parser.add_argument("--council-incidents", type=int, default=5_000, help="the sample council's incidents")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each import and its bare load")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--page-limit", type=float, default=120, help="seconds a page may take before it is stopped")
    parser.add_argument("--sessions-limit", type=float, default=900, help="seconds the sessions may start pages in")
    parser.add_argument("--data", type=Path, default=REPO / "artefacts" / "bench-data", help="generated files")
    parser.add_argument("--out", type=Path, default=REPO / "artefacts" / "bench.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    os.environ[clock.CLOCK_ENV] = TODAY  # the imports' batches are dated as the pages will see them
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        report = measure(args, Path(work))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(table(report["rows"]))
    print(f"\nWritten to {args.out}")


if __name__ == "__main__":
    main()
