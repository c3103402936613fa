"""What every page shares: the database connection, the sample-data notice, and formatting."""

from __future__ import annotations

import duckdb
import streamlit as st

from analytics import demo, store


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return store.connect(path)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the one read-write connection this process holds, for this script run's thread."""
    try:
        return _connection(str(store.database_path())).cursor()
    except store.StoreBusy as exc:
        st.error(str(exc))
        st.stop()


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an import lands, so cached query results are keyed by it."""
    return str(con.execute("SELECT count(*), max(imported_at) FROM import_batches").fetchone())


def open_page() -> duckdb.DuckDBPyConnection:
    """Start a page: its cursor, and the notice that the data is fictional while the sample council is loaded."""
    con = cursor()
    _sample_notice(con)
    return con


def _sample_notice(con: duckdb.DuckDBPyConnection) -> None:
    if demo.sample_loaded(con):
        st.info(
            "You are looking at **fictional sample data** for an imaginary council (Fernwick). "
            "No person, ward or incident in it is real.",
            icon=":material/science:",
        )
