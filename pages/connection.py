"""The one read-write connection this process holds on the database, for the pages and the server's own
addresses alike (pages/sessions.py, pages/server.py). DuckDB lets one process write the file; opening it a second
time would run the migrations and recreate the views again, racing with whatever opens it at the same moment.

While the server runs it keeps, beside the file, the copy the command line reads (analytics/snapshot.py), since
no other process can open the file it holds."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import duckdb
import streamlit as st
from starlette.concurrency import run_in_threadpool

from analytics import snapshot, store
from analytics.governance import accounts

_opened = threading.Event()  # this process holds the database: it opens it for the first page or request


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """The process's connection; on a first run it also creates the administrator and says where its password is."""
    con = store.connect(path)
    password = accounts.ensure_administrator(con)
    if password:
        print(accounts.first_run_message(accounts.hand_over_first_password(password, Path(path))), flush=True)
    _opened.set()
    return con


def process_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process's connection, for the calling thread (a page's run, or a request to the server)."""
    return _connection(str(store.database_path())).cursor()


def _cursor_once_opened() -> duckdb.DuckDBPyConnection | None:
    """A cursor of the process's connection once a page or request has opened it; None before."""
    return process_cursor() if _opened.is_set() else None


@asynccontextmanager
async def command_line_copy_kept(app: st.App) -> AsyncIterator[None]:
    """The server's lifespan: the command line's copy of the database kept from when the server first opens the
    database (its first page or request) until it stops."""
    keeper = snapshot.Keeper(_cursor_once_opened, store.database_path())
    keeper.start()
    try:
        yield
    finally:
        await run_in_threadpool(keeper.stop)
