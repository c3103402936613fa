"""Command line for scheduled and bulk work, on the same code path as the dashboard's pages.

python -m analytics import incidents|councillors|wards FILE [--db PATH] [--sheet NAME] [--mapping FILE]
python -m analytics import survey FILE --wave LABEL [--tool NAME] [--db PATH] [--sheet NAME]
python -m analytics import-boundaries FILE [--db PATH]   (the wards' ONS GeoJSON boundaries, or a HexJSON hex map)
python -m analytics summary [--db PATH]
python -m analytics batches [--db PATH]
python -m analytics rejected --batch ID --out FILE [--db PATH]
python -m analytics load-sample [--db PATH]
python -m analytics sample --out DIR [--incidents N] [--seed S] [--format xlsx|csv] [--months-later M]
python -m analytics alerts [--db PATH] [--as-of YYYY-MM-DD]   (default: the clock's today, analytics.clock)
python -m analytics reset-password USER [--db PATH]

While the dashboard runs it holds the database file, and DuckDB lets no other process open it: the read commands
(summary, batches, rejected, alerts) then read the copy the dashboard keeps (analytics.snapshot), read-only, and say
on stderr when it was made; the others refuse, saying what to do instead.

The command line needs no sign-in: whoever can run it can read the database file. Its imports and password resets
are written to the audit trail as the operating-system account that ran them.

A refusal (analytics.errors) is printed as its sentence on stderr. Anything else is a bug: its traceback is appended
to errors.log beside the database, under a reference of 8 hex capitals (the shape the pages' references have, see
pages.server.on_error), and stderr gets one sentence with that reference and where the log is. A log that cannot be
written is no reason to lose the details: they go to stderr instead.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import sys
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

import duckdb

from analytics import audit, clock, snapshot, store
from analytics.errors import ImportRefused, Refusal
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.governance import accounts
from analytics.incidents.alerts import current_alerts
from analytics.ingest import registers
from analytics.ingest.batches import batch_exists, list_batches, rejected_rows
from analytics.ingest.boundaries import import_boundaries
from analytics.ingest.importing import import_file, load_mapping_file
from analytics.sample.demo import load_sample
from analytics.sample.sample import MIN_INCIDENTS, write_sample
from analytics.surveys.surveys import TOOLS, import_survey
from analytics.text_input import printable

MAX_FILE_BYTES = 200 * 1024 * 1024  # as the Import page's upload limit (.streamlit/config.toml maxUploadSize)
MAX_SAMPLE_INCIDENTS = 1_000_000
MAX_MONTHS_LATER = 1200  # a century either way keeps every date a date
ERROR_LOG = "errors.log"
NO_COPY_YET = (
    "it makes a copy for the command line to read within seconds of opening the file, and there is none yet; "
    "try again in a minute, or stop the dashboard and try again"
)
SAMPLE_WHEN_HELD = "stop the dashboard, load the sample, then start the dashboard again"
PASSWORD_WHEN_HELD = (
    "an administrator can set a new password on the dashboard's Users page; "
    "if none can sign in, stop the dashboard and try again"
)
LOG = logging.getLogger("safety_dashboard.command_line")


class BadArgument(Refusal):
    """A command-line value the command cannot use."""


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the arguments told in one line like every other refusal (not usage, then error).

    Its subcommands' parsers are of this class too (argparse makes them of the parent's class)."""

    def error(self, message: str):
        self.exit(2, f"error: {printable(message)}; `{self.prog} --help` lists what it takes.\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analytics", description="Councillor safety dashboard tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    importing = commands.add_parser(
        "import", help="import an incident log, councillor register, ward register or survey export"
    )
    importing.add_argument("dataset", choices=["incidents", "councillors", "wards", "survey"])
    importing.add_argument("file", type=Path)
    importing.add_argument("--db", help="database file (default: $SAFETY_DASHBOARD_DB or data/safety.duckdb)")
    importing.add_argument("--sheet", help="worksheet to read (default: the one that holds the data)")
    importing.add_argument("--mapping", type=Path, help='JSON file: {"Header in the file": "field"}')
    importing.add_argument("--authority", help="for wards: the local authority (name or code) that is this council")
    importing.add_argument("--wave", help='for survey: the label of this survey wave, e.g. "2025"')
    importing.add_argument("--tool", choices=list(TOOLS), help="for survey: default recognised from the file")

    boundaries = commands.add_parser(
        "import-boundaries", help="import the wards' boundaries for the map (ONS GeoJSON or a HexJSON hex map)"
    )
    boundaries.add_argument("file", type=Path)
    boundaries.add_argument("--db", help="database file (default: $SAFETY_DASHBOARD_DB or data/safety.duckdb)")

    summary = commands.add_parser("summary", help="print the number of rows in each table as JSON")
    summary.add_argument("--db")

    batches = commands.add_parser("batches", help="list the imports, newest first, one JSON object a line")
    batches.add_argument("--db")

    rejected = commands.add_parser("rejected", help="write the rows an import could not accept")
    rejected.add_argument("--batch", required=True)
    rejected.add_argument("--out", required=True, type=Path, help="a .csv or .xlsx file")
    rejected.add_argument("--db")

    load = commands.add_parser("load-sample", help="load the sample council into a database with no incidents yet")
    load.add_argument("--db")

    sample = commands.add_parser("sample", help="write the fictional sample council's files")
    sample.add_argument("--out", required=True, type=Path)
    sample.add_argument("--incidents", type=int, default=1500)
    sample.add_argument("--seed", type=int, default=2026)
    sample.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help="format of the incident log")
    sample.add_argument(
        "--months-later", type=int, default=0, help="move every date by this many months (the log ends October 2026)"
    )

    alerts = commands.add_parser("alerts", help="print the current alerts, one JSON object a line")
    alerts.add_argument("--db")
    alerts.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day (default: the clock's today)")

    reset = commands.add_parser("reset-password", help="give an account a new random password, printed once")
    reset.add_argument("user")
    reset.add_argument("--db")
    return parser


def _import(args) -> dict:
    if args.dataset == "survey" and not args.wave:
        raise BadArgument("import survey needs --wave LABEL, the survey wave the file holds, e.g. --wave 2025.")
    data = _read_file(args.file)
    con = _connect(args.db)
    if args.dataset == "survey":
        result = import_survey(con, data, args.file.name, wave=args.wave, tool=args.tool, sheet=args.sheet)
        audit.record_import(con, audit.command_line_actor(), "survey", args.file.name, result.summary())
        return result.summary()
    mapping = load_mapping_file(_mapping_text(args.mapping)) if args.mapping else None
    result = import_file(con, args.dataset, data, args.file.name, sheet=args.sheet, mapping=mapping)
    audit.record_import(con, audit.command_line_actor(), args.dataset, args.file.name, result.summary())
    if args.dataset == "wards" and args.authority:
        try:
            registers.choose_authority(con, args.authority)
        except Refusal as exc:
            raise ImportRefused(f"{exc} The wards were imported; choose the authority on the Import page.") from exc
    return result.summary()


def _import_boundaries(args) -> dict:
    data = _read_file(args.file)
    con = _connect(args.db)
    result = import_boundaries(con, data, args.file.name)
    audit.record_import(con, audit.command_line_actor(), "ward boundaries", result.file_name, result.summary())
    return result.summary()


def _read_file(path: Path) -> bytes:
    """The file's bytes, reading no more than the Import page's upload limit (and one byte to know it is over)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportRefused(f"Cannot read {path}: {exc.strerror}; check the path and try again.") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the most one import can take; "
            "split it into smaller files and import them one at a time."
        )
    return data


def _mapping_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadArgument(f"The mapping file {path} is not UTF-8 text; save it as UTF-8 and try again.") from None


def _connect(db: str | None, *, when_held: str | None = None) -> duckdb.DuckDBPyConnection:
    """store.connect, with a file that is not a database (or cannot be opened as one) told in one sentence, and a
    file the running dashboard holds told with `when_held` (what to do), if given, instead of store's advice."""
    try:
        return store.connect(db)
    except store.StoreBusy:
        if when_held is None:
            raise
        raise _held(store.database_path(db), when_held) from None
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadArgument(
            f"{store.database_path(db)} cannot be opened as the dashboard's database ({first_line}); "
            "check --db names a database file and try again."
        ) from None


def _held(path: Path, what_to_do: str) -> store.StoreBusy:
    """store.connect's refusal of a file another process holds, saying what to do for this command."""
    return store.StoreBusy(
        f"The database {path} is in use by another program, usually the running dashboard: {what_to_do}."
    )


def _connect_to_read(db: str | None) -> duckdb.DuckDBPyConnection:
    """The database or, while the running dashboard holds it, the copy the dashboard keeps of it for the command
    line (analytics.snapshot), read-only, with a line on stderr saying when that copy was made."""
    try:
        return _connect(db)
    except store.StoreBusy:
        path = store.database_path(db)
        opened = snapshot.open_copy(path)
        if opened is None:
            raise _held(path, NO_COPY_YET) from None
    con, made_at = opened
    note = f"Read from the running dashboard's copy of {path}, made at {made_at:%Y-%m-%d %H:%M:%S}."
    print(printable(note), file=sys.stderr)
    return con


def _rejected(args) -> dict:
    con = _connect_to_read(args.db)
    if not batch_exists(con, args.batch):
        raise ImportRefused(f"There is no import batch {args.batch}; `python -m analytics batches` lists them.")
    rows = rejected_rows(con, args.batch)
    data = to_excel_bytes(rows, "Rejected rows") if args.out.suffix.lower() == ".xlsx" else to_csv_bytes(rows)
    args.out.write_bytes(data)
    return {"batch_id": args.batch, "rows": len(rows), "out": str(args.out)}


def _batches(args) -> list[dict]:
    batches = list_batches(_connect_to_read(args.db)).astype(object)
    return batches.where(batches.notna(), None).to_dict(orient="records")  # JSON has null, not NaN


def _summary(args) -> dict:
    return store.table_counts(_connect_to_read(args.db))


def _sample(args) -> dict:
    if not MIN_INCIDENTS <= args.incidents <= MAX_SAMPLE_INCIDENTS:
        raise BadArgument(
            f"--incidents {args.incidents} cannot be used; the sample needs at least {MIN_INCIDENTS} "
            f"and at most {MAX_SAMPLE_INCIDENTS:,} incidents."
        )
    if args.seed < 0:
        raise BadArgument(f"--seed {args.seed} cannot be used; give 0 or a positive whole number, e.g. --seed 2026.")
    if abs(args.months_later) > MAX_MONTHS_LATER:
        raise BadArgument(
            f"--months-later {args.months_later} cannot be used; move the dates by at most {MAX_MONTHS_LATER} months."
        )
    if args.out.exists() and not args.out.is_dir():
        raise BadArgument(f"--out {args.out} is a file, not a folder; give a folder for the sample's files.")
    paths = write_sample(
        args.out, incidents=args.incidents, seed=args.seed, incident_format=args.format, months_later=args.months_later
    )
    return {"files": [str(path) for path in paths]}


def _load_sample(args) -> list[dict]:
    """Load the sample (when there are no incidents yet) and, on a first run, create the administrator."""
    con = _connect(args.db, when_held=SAMPLE_WHEN_HELD)
    password = accounts.ensure_administrator(con)
    if password:
        password_file = accounts.hand_over_first_password(password, store.database_path(args.db))
        print(accounts.first_run_message(password_file), file=sys.stderr)
    loaded = load_sample(con)
    for result in loaded:
        audit.record_import(con, audit.command_line_actor(), "sample", result.file_name, result.summary())
    return [result.summary() | {"file": result.file_name} for result in loaded]


def _reset_password(args) -> dict:
    con = _connect(args.db, when_held=PASSWORD_WHEN_HELD)
    password = secrets.token_urlsafe(12)
    try:
        accounts.set_password(con, args.user, password, actor=audit.command_line_actor())
    except accounts.AccountError as exc:
        raise BadArgument(str(exc)) from None
    return {"user": args.user.strip().lower(), "password": password}


def _alerts(args) -> list[dict]:
    as_of = _iso_date(args.as_of) if args.as_of else clock.today()
    return [asdict(alert) for alert in current_alerts(_connect_to_read(args.db), as_of)]


def _iso_date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise BadArgument(f"--as-of {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-24.") from None


def main(argv: list[str] | None = None) -> int:
    """Run one command: its output as JSON lines, or one line on stderr beginning "error: ", never a traceback
    (a bug's goes to the error log, see the module's docstring)."""
    args = _parser().parse_args(argv)
    commands = {
        "import": _import,
        "import-boundaries": _import_boundaries,
        "summary": _summary,
        "batches": _batches,
        "rejected": _rejected,
        "sample": _sample,
        "load-sample": _load_sample,
        "alerts": _alerts,
        "reset-password": _reset_password,
    }
    try:
        output = commands[args.command](args)
        for line in output if isinstance(output, list) else [output]:
            print(json.dumps(line, default=str))
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    except Refusal as refusal:
        return _error(str(refusal))
    except OSError as exc:
        where = str(exc.filename) if exc.filename else "A file"
        return _error(f"{where}: {exc.strerror or type(exc).__name__}; check the path and try again.")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last word: a bug, told in a line the way every refusal is
        reference, log = _log_bug(exc, args)
        return _error(
            f"The command stopped on a problem it cannot explain (reference {reference}, its details in {log}); "
            "run it again, and if it stops again report the command and this line.",
            code=1,
        )
    return 0


def _log_bug(exc: Exception, args) -> tuple[str, str]:
    """Write a bug's traceback under a new reference to the error log beside the database; the reference, and where
    the details went."""
    reference = secrets.token_hex(4).upper()
    log = store.database_path(getattr(args, "db", None)).parent / ERROR_LOG
    try:
        handler, where = logging.FileHandler(log, encoding="utf-8"), str(log)
    except OSError:
        handler, where = logging.StreamHandler(sys.stderr), "the lines above"
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    LOG.addHandler(handler)
    try:
        LOG.error("Error %s in `python -m analytics %s`", reference, args.command, exc_info=exc)
    finally:
        LOG.removeHandler(handler)
        handler.close()
    return reference, where


def _error(message: str, *, code: int = 2) -> int:
    print(f"error: {printable(message)}", file=sys.stderr)
    return code


def _reader_gone() -> int:
    """The command reading the output (`| head -1`) has closed the pipe, as it may: stop quietly.

    Python would flush stdout again on the way out and report the broken pipe, so stdout goes to /dev/null."""
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())
    return 0
