"""The pages rendered through AppTest, as an administrator, in worker processes of their own.

`python -m tests.benchmarks.rendering pages LIMIT PAGE...` renders each page once, its caches cleared first, and
writes a line (MARK, then JSON) per page: its first render's seconds and, for every public function of the
analytics modules the pages import, the slowest outermost call made while it rendered (and their number and time
in all); then the process's resident memory. A page still running after LIMIT seconds is reported as timed out,
with where it was, and the worker ends, so that nothing it left behind weighs on the next page; the parent starts
another for the pages left.

`python -m tests.benchmarks.rendering sessions LIMIT SESSIONS DEADLINE LOG PAGE...` renders every page in each of
SESSIONS threads while another thread imports LOG through the process's connection (pages/connection.py), then
writes one JSON line: every render's seconds, the errors, and whether every imported row is there. Sessions start
no new page after DEADLINE seconds.

Both read the database and the clock from $SAFETY_DASHBOARD_DB and $SAFETY_DASHBOARD_TODAY.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import inspect
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from unittest.mock import MagicMock

import streamlit as st
from streamlit import config
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test

from analytics.governance import accounts, sessions
from analytics.governance.access import ADMINISTRATOR, User
from analytics.ingest.importing import import_file
from pages.pages_folder import start_app_tests_without_it

REPO = Path(__file__).resolve().parents[2]
ADMINISTRATOR_NAME = "bench-administrator"

_slowest: dict[str, float] = {}  # each function's slowest outermost call in the page being rendered
_totals: dict[str, tuple[int, float]] = {}  # and its outermost calls' number and seconds in all
_running: dict[str, float] = {}  # the outermost calls not yet returned, by when they started
_depth = threading.local()


def page_analytics_modules() -> list[str]:
    """Every analytics module that pages/ or app.py imports (`from analytics.x import y` names y when y is a module)."""
    found = set()
    for path in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analytics"):
                for alias in node.names:
                    name = f"{node.module}.{alias.name}"
                    found.add(name if _is_module(name) else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("analytics"))
    return sorted(found)


def _is_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def time_page_functions() -> None:
    """Wrap every public function of those modules so that each outermost call is timed. Run before anything
    imports pages/, whose modules take the functions by name when first imported."""
    for module_name in page_analytics_modules():
        module = importlib.import_module(module_name)
        for name, value in list(vars(module).items()):
            if not name.startswith("_") and inspect.isfunction(value) and value.__module__ == module_name:
                setattr(module, name, _timed(value, f"{module_name}.{name}"))


def _timed(function, name: str):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        depth = getattr(_depth, "value", 0)
        _depth.value = depth + 1
        started = time.perf_counter()
        if depth == 0:
            _running[name] = started
        try:
            return function(*args, **kwargs)
        finally:
            _depth.value = depth
            if depth == 0:
                _running.pop(name, None)
                took = time.perf_counter() - started
                _slowest[name] = max(_slowest.get(name, 0.0), took)
                calls, seconds = _totals.get(name, (0, 0.0))
                _totals[name] = (calls + 1, seconds + took)

    return timed


class _Patches:
    """What pages.pages_folder.start_app_tests_without_it asks of pytest's monkeypatch, kept for the whole run."""

    @staticmethod
    def setattr(target, name, value) -> None:
        setattr(target, name, value)


def _session_id() -> str:
    """A new session of the administrator's (made on first use), through the pages' own connection: a second
    connection would install the views again, racing with the pages'."""
    from pages.connection import process_cursor  # only once the functions are timed (time_page_functions)

    con = process_cursor()
    if not con.execute("SELECT count(*) FROM users WHERE username = ?", [ADMINISTRATOR_NAME]).fetchone()[0]:
        accounts.add_user(con, ADMINISTRATOR_NAME, ADMINISTRATOR, actor="benchmark", display_name="Benchmark")
    return sessions.start(con, ADMINISTRATOR_NAME)[0]


def _render(page: str, limit: float, session_id: str) -> float:
    """One page's first render in a new session of the administrator's; its seconds. Raises on a page's error."""
    from pages.sign_in import SESSION_KEY  # only once the functions are timed (time_page_functions)

    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=limit)
    app.session_state["signed_in_user"] = User(ADMINISTRATOR_NAME, "Benchmark", ADMINISTRATOR, None)
    app.session_state[SESSION_KEY] = session_id
    app.switch_page(f"pages/{page}.py")
    started = time.perf_counter()
    app.run()
    took = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(" ".join(app.exception[0].stack_trace[-1:]) or app.exception[0].message)
    return took


def _where_now() -> dict:
    """The analytics calls running, for how long, and the line of the project's code the page is at."""
    now = time.perf_counter()
    return {"running": {name: now - started for name, started in _running.items()}, "stuck_at": _stuck_at()}


def _stuck_at() -> str:
    """The innermost line of the project's own code (pages/, analytics/, app.py) that a thread other than this one
    is running: where a page that ran out of time was."""
    for ident, frame in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        for place in reversed(traceback.extract_stack(frame)):
            where = Path(place.filename)
            if where.is_relative_to(REPO) and where.relative_to(REPO).parts[0] in ("pages", "analytics", "app.py"):
                return f"{where.relative_to(REPO)}:{place.lineno} in {place.name}"
    return ""


def _timed_out(error: Exception) -> bool:
    return "timed out" in str(error)


MARK = "bench: "  # starts each line a worker writes for the parent; the dashboard may print lines of its own


def _say(**line) -> None:
    print(MARK + json.dumps(line), flush=True)


def _resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


def pages_worker(limit: float, pages: list[str]) -> None:
    time_page_functions()
    start_app_tests_without_it(_Patches())
    session_id = _session_id()
    for page in pages:
        st.cache_data.clear()
        _slowest.clear()
        _totals.clear()
        where: dict = {}  # where the page is just before AppTest stops it (stopping waits for its next st call)
        watch = threading.Timer(limit * 0.98, lambda found=where: found.update(_where_now()))
        watch.start()
        try:
            took = _render(page, limit, session_id)
        except RuntimeError as error:
            if _timed_out(error):
                _say(page=page, timed_out=True, functions=dict(_slowest), totals=dict(_totals), **where)
                os._exit(3)
            _say(page=page, error=str(error), seconds=None, functions=dict(_slowest), totals=dict(_totals))
            continue
        finally:
            watch.cancel()
        _say(page=page, seconds=took, functions=dict(_slowest), totals=dict(_totals))
    _say(resident_mb=_resident_mb())


def app_tests_in_threads() -> None:
    """Let AppTests run at once in several threads of one process, as the served dashboard runs its sessions.

    Each AppTest run installs a mock Streamlit runtime as the process's only one, and a config option, and removes
    them when it ends, so a run ending in one thread pulls them from under a run still going in another (its page
    fails on the missing runtime). Here one mock runtime is installed for the whole process and AppTest's own
    install and removal go to a subclass nothing reads; the option is set once for good. The benchmark only.
    """
    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    shared.dataframe_source_mgr = DataframeSourceManager()
    shared.cache_storage_manager = MemoryCacheStorageManager()
    shared.bidi_component_registry = BidiComponentManager()
    Runtime._instance = shared
    app_test.Runtime = type("Runtime", (Runtime,), {})
    config.set_option("global.appTest", True)
    app_test.patch_config_options = lambda options: contextlib.nullcontext()


def sessions_worker(limit: float, count: int, deadline: float, log: str, pages: list[str]) -> None:
    start_app_tests_without_it(_Patches())
    app_tests_in_threads()
    ends = time.monotonic() + deadline
    times, errors = [], []

    def session(session_id: str) -> None:
        for page in pages:
            if time.monotonic() > ends:
                return
            try:
                times.append(_render(page, limit, session_id))
            except Exception as error:  # every failure is what this row counts
                if _timed_out(error):
                    times.append(limit)  # at least: AppTest stopped it there
                else:
                    errors.append(f"{page}: {error}")

    imported = {}
    threads = [threading.Thread(target=session, args=(_session_id(),)) for _ in range(count)]
    threads.append(threading.Thread(target=lambda: imported.update(_import_beside(Path(log)))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _say(seconds=times, errors=errors, renders_planned=count * len(pages), **imported)


def _import_beside(log: Path) -> dict:
    """The log imported through the process's own connection while the sessions render; how many of its rows are
    missing afterwards (read, less rejected, less stored)."""
    from pages.connection import process_cursor  # the pages' own connection, as the served dashboard shares it

    con = process_cursor()
    before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    try:
        result = import_file(con, "incidents", log.read_bytes(), log.name)
    except Exception as error:  # the row says so rather than the run ending
        return {"import_error": str(error), "rows_missing": None}
    after = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    stored = con.execute("SELECT count(*) FROM incidents WHERE batch_id = ?", [result.batch_id]).fetchone()[0]
    missing = result.rows_read - result.rejected - min(stored, after - before)
    return {"rows_missing": missing, "rows_imported": result.inserted, "rows_rejected": result.rejected}


if __name__ == "__main__":
    kind, limit, *rest = sys.argv[1:]
    if kind == "pages":
        pages_worker(float(limit), rest)
    else:
        count, deadline, log, *pages = rest
        sessions_worker(float(limit), int(count), float(deadline), log, pages)
