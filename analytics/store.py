"""The DuckDB file: where it lives, how it is opened, and the schema migrations that keep it current.

One read-write connection per process (DuckDB allows one writer per file); threads take a cursor from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analytics import clock, keyed
from analytics.errors import Refusal
from analytics.incidents import facts

DB_ENV = "SAFETY_DASHBOARD_DB"
DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "safety.duckdb"
FACTS_BUILT = facts.BUILT_SETTING  # the setting that changes whenever the incidents' facts are built again
# DuckDB's own memory, beyond which it works on disk beside the database: left alone it would take 80% of the
# machine's, and a million-row import would take gigabytes on a server the council shares.
MEMORY_LIMIT = "512MB"
_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False, "memory_limit": MEMORY_LIMIT}


class StoreBusy(Refusal):
    """Another process (usually the running dashboard) holds the database file."""


_INCIDENT_COLUMNS = """
    incident_ref VARCHAR,
    occurred_on DATE NOT NULL,
    reported_on DATE,
    councillor VARCHAR NOT NULL,
    councillor_key VARCHAR NOT NULL,
    ward VARCHAR NOT NULL,
    ward_code VARCHAR,
    channel VARCHAR NOT NULL,
    platform VARCHAR,
    abuse_types VARCHAR[] NOT NULL,
    protected_characteristics VARCHAR[] NOT NULL,
    perpetrator_ref VARCHAR,
    perpetrator_type VARCHAR,
    threat_level VARCHAR,
    reported_to_police BOOLEAN,
    police_reference VARCHAR,
    council_action VARCHAR[] NOT NULL,
    status VARCHAR,
    description VARCHAR,
    content_hash VARCHAR NOT NULL,
    batch_id VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    version INTEGER NOT NULL
"""

_COUNCILLOR_COLUMNS = """
    councillor_id VARCHAR,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    ward VARCHAR NOT NULL,
    ward_code VARCHAR,
    party VARCHAR NOT NULL,
    role VARCHAR,
    gender VARCHAR,
    ethnicity VARCHAR,
    disability VARCHAR,
    lgbtq VARCHAR,
    first_elected INTEGER,
    risk_level VARCHAR,
    risk_assessed_on DATE,
    own_assessment_on DATE,
    mitigations VARCHAR[] NOT NULL,
    safety_training_on DATE,
    content_hash VARCHAR NOT NULL,
    batch_id VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    version INTEGER NOT NULL
"""

# Each migration after keyed.rekey_respondents must run again harmlessly (CREATE TABLE IF NOT EXISTS): the tests of
# upgrading an older database wind the schema version back to before a rekeying, so everything after it runs twice.
MIGRATIONS: list[str | Callable[[duckdb.DuckDBPyConnection], None]] = [
    f"""
    CREATE TABLE import_batches (
        batch_id VARCHAR PRIMARY KEY,
        dataset VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        sheet VARCHAR,
        header_row INTEGER,
        imported_at TIMESTAMP NOT NULL,
        rows_read INTEGER NOT NULL,
        inserted INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        warnings VARCHAR[] NOT NULL
    );
    CREATE TABLE quarantine (
        batch_id VARCHAR NOT NULL,
        source_row INTEGER NOT NULL,
        cells JSON NOT NULL,
        reasons VARCHAR[] NOT NULL
    );
    CREATE TABLE column_mappings (
        dataset VARCHAR NOT NULL,
        header_key VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        PRIMARY KEY (dataset, header_key)
    );
    CREATE TABLE settings (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    CREATE TABLE incidents (incident_key VARCHAR PRIMARY KEY, {_INCIDENT_COLUMNS});
    CREATE TABLE incident_versions (
        incident_key VARCHAR NOT NULL, {_INCIDENT_COLUMNS}, replaced_by_batch VARCHAR NOT NULL
    );
    CREATE TABLE councillors (councillor_key VARCHAR PRIMARY KEY, {_COUNCILLOR_COLUMNS});
    CREATE TABLE councillor_versions (
        councillor_key VARCHAR NOT NULL, {_COUNCILLOR_COLUMNS}, replaced_by_batch VARCHAR NOT NULL
    );
    CREATE TABLE wards (
        ward_code VARCHAR PRIMARY KEY,
        ward_name VARCHAR NOT NULL,
        ward_key VARCHAR NOT NULL,
        authority_code VARCHAR NOT NULL,
        authority_name VARCHAR NOT NULL,
        ward_name_welsh VARCHAR,
        content_hash VARCHAR NOT NULL,
        batch_id VARCHAR NOT NULL,
        source_row INTEGER NOT NULL
    );
    """,
    """
    CREATE TABLE survey_waves (
        wave_id VARCHAR PRIMARY KEY,
        label VARCHAR NOT NULL UNIQUE,
        survey_name VARCHAR,
        tool VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL,
        respondents INTEGER NOT NULL,
        questions INTEGER NOT NULL
    );
    CREATE TABLE survey_questions (
        wave_id VARCHAR NOT NULL,
        question_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('single', 'multi', 'text', 'number', 'date')),
        options VARCHAR[]
    );
    CREATE TABLE survey_answers (
        wave_id VARCHAR NOT NULL,
        respondent VARCHAR NOT NULL,
        question_id VARCHAR NOT NULL,
        answer VARCHAR NOT NULL
    );
    """,
    """
    CREATE TABLE survey_measure_mappings (
        question_key VARCHAR PRIMARY KEY,
        measure VARCHAR,  -- NULL: the user said this question is none of the measures
        saved_at TIMESTAMP NOT NULL
    );
    """,
    """
    CREATE TABLE assessments (
        assessment_id VARCHAR PRIMARY KEY,
        assessed_on DATE NOT NULL,
        assessed_by VARCHAR,
        saved_at TIMESTAMP NOT NULL
    );
    CREATE TABLE assessment_sections (
        assessment_id VARCHAR NOT NULL,
        section_id VARCHAR NOT NULL,
        evidence VARCHAR,
        PRIMARY KEY (assessment_id, section_id)
    );
    CREATE TABLE assessment_scores (
        assessment_id VARCHAR NOT NULL,
        section_id VARCHAR NOT NULL,
        statement_id VARCHAR NOT NULL,
        score INTEGER NOT NULL CHECK (score IN (0, 1, 2)),
        evidence VARCHAR,
        PRIMARY KEY (assessment_id, section_id, statement_id)
    );
    CREATE TABLE improvement_actions (
        action_id VARCHAR PRIMARY KEY,
        assessment_id VARCHAR NOT NULL,
        section_id VARCHAR NOT NULL,
        statement_id VARCHAR,  -- NULL: an action for the whole section
        action VARCHAR NOT NULL,
        owner VARCHAR,
        due_on DATE,
        done_on DATE
    );
    CREATE TABLE incident_reviews (
        review_id VARCHAR PRIMARY KEY,
        incident_key VARCHAR NOT NULL,
        reviewed_on DATE NOT NULL,
        attendees VARCHAR[] NOT NULL,  -- by role: "monitoring officer", "safety champion", ...
        what_happened VARCHAR,
        what_worked VARCHAR,
        lessons VARCHAR,
        saved_at TIMESTAMP NOT NULL
    );
    CREATE TABLE review_mitigations (
        review_id VARCHAR NOT NULL,
        mitigation VARCHAR NOT NULL,
        effectiveness VARCHAR NOT NULL
            CHECK (effectiveness IN ('effective', 'partly effective', 'not effective', 'not tried')),
        PRIMARY KEY (review_id, mitigation)
    );
    CREATE TABLE review_actions (
        action_id VARCHAR PRIMARY KEY,
        review_id VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        owner VARCHAR,
        due_on DATE,
        done_on DATE
    );
    """,
    """
    CREATE TABLE users (
        username VARCHAR PRIMARY KEY,  -- lower case; an e-mail address for people signing in with a council account
        display_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL
            CHECK (role IN ('administrator', 'safety officer', 'safety champion', 'councillor', 'viewer')),
        councillor_key VARCHAR,  -- the councillor a councillor's account belongs to
        password_hash VARCHAR,  -- argon2id; NULL for people who sign in only with the council's account
        active BOOLEAN NOT NULL,
        failed_sign_ins INTEGER NOT NULL,
        locked_until TIMESTAMP,
        created_at TIMESTAMP NOT NULL
    );
    CREATE SEQUENCE audit_entries;
    CREATE TABLE audit_log (
        entry BIGINT PRIMARY KEY DEFAULT nextval('audit_entries'),
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        subject VARCHAR,
        detail VARCHAR
    );
    """,
    """
    CREATE TABLE sessions (
        session_id VARCHAR PRIMARY KEY,  -- random; never sent to a browser
        username VARCHAR NOT NULL,
        claim_hash VARCHAR,  -- sha256 of the one-time code the signing-in browser exchanges for its cookie
        claim_until TIMESTAMP,
        token_hash VARCHAR UNIQUE,  -- sha256 of the cookie's random token, once claimed
        started_at TIMESTAMP NOT NULL,
        seen_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        ended_why VARCHAR
    );
    """,
    """
    CREATE TABLE sign_in_failures (  -- the last quarter of an hour's failed sign-ins, for the limit on each client
        attempt VARCHAR PRIMARY KEY,
        client VARCHAR NOT NULL,  -- the address the attempt came from, as the server saw it
        username VARCHAR NOT NULL,
        failed_at TIMESTAMP NOT NULL
    );
    """,
    keyed.rekey_incidents,
    keyed.rekey_respondents,
    """
    -- The officers' queue: incidents councillors report, and their requests for support.
    CREATE TABLE IF NOT EXISTS requests (
        request_id VARCHAR PRIMARY KEY,  -- random, the reference the councillor is given
        kind VARCHAR NOT NULL,  -- analytics.support.requests.KINDS
        councillor_key VARCHAR NOT NULL,  -- whom it is about
        raised_by VARCHAR NOT NULL,  -- the account that raised it: the councillor, or an officer on their behalf
        raised_at TIMESTAMP NOT NULL,
        threat VARCHAR NOT NULL,  -- low, medium, high or critical: how soon it must be acknowledged
        incident_key VARCHAR,  -- the incident a report put in the log
        summary VARCHAR NOT NULL,  -- what it is about in a line, with no description of the incident
        state VARCHAR NOT NULL,  -- analytics.support.requests.STATES
        owner VARCHAR,  -- the officer's account that has it
        acknowledged_at TIMESTAMP,
        closed_at TIMESTAMP
    );
    CREATE TABLE IF NOT EXISTS request_notes (
        request_id VARCHAR NOT NULL,
        written_at TIMESTAMP NOT NULL,
        author VARCHAR NOT NULL,
        note VARCHAR NOT NULL
    );
    """,
    """
    CREATE TABLE IF NOT EXISTS own_risk_assessments (  -- councillors' own risk assessments (analytics.support.own_risk)
        assessment_id VARCHAR PRIMARY KEY,  -- random
        councillor_key VARCHAR NOT NULL,  -- whom it is about
        completed_by VARCHAR NOT NULL,  -- the account: the councillor, or an officer with them
        completed_on DATE NOT NULL,
        completed_at TIMESTAMP NOT NULL,
        answers JSON NOT NULL,  -- question id: answer; holds personal circumstances (special category data)
        score INTEGER NOT NULL,
        level VARCHAR NOT NULL,  -- low, medium or high
        reasons VARCHAR[] NOT NULL,
        risks VARCHAR[] NOT NULL,  -- the ids of the risks found
        guided VARCHAR[] NOT NULL,  -- those the guidance library gave guidance for
        guidance JSON NOT NULL,  -- [{"risk": its name, "guidance": [sentences]}]
        review_on DATE NOT NULL,
        request_id VARCHAR  -- the support request asked for from it, if any
    );
    """,
    """
    -- each report form sent, once: a second press of Send finds its first
    CREATE TABLE IF NOT EXISTS request_submissions (
        submission_id VARCHAR PRIMARY KEY,  -- random, made by the page when the form is drawn
        request_id VARCHAR NOT NULL
    );
    CREATE TABLE IF NOT EXISTS report_drafts (  -- a report being written, kept as it is typed so a reload loses nothing
        username VARCHAR PRIMARY KEY,
        answers JSON NOT NULL,
        saved_at TIMESTAMP NOT NULL
    );
    -- screenshots and files attached to a report: PNG, JPEG or PDF by content, size-limited
    CREATE TABLE IF NOT EXISTS evidence (
        evidence_id VARCHAR PRIMARY KEY,
        request_id VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,  -- as the person named it, for showing only: downloads get a name of our own
        kind VARCHAR NOT NULL,  -- png, jpeg or pdf, from the file's first bytes
        sha256 VARCHAR NOT NULL,
        size INTEGER NOT NULL,
        content BLOB NOT NULL,
        added_by VARCHAR NOT NULL,
        added_at TIMESTAMP NOT NULL,
        UNIQUE (request_id, sha256)
    );
    """,
    """
    CREATE TABLE IF NOT EXISTS individual_risk_assessments (  -- officers' (analytics.support.individual_risk)
        assessment_id VARCHAR PRIMARY KEY,  -- random
        councillor_key VARCHAR NOT NULL,  -- whom it is about
        assessed_on DATE NOT NULL,
        level VARCHAR NOT NULL,  -- low, medium or high; in force if newer than the register's
        offered VARCHAR[] NOT NULL,  -- mitigations and support offered
        accepted VARCHAR[] NOT NULL,  -- those the councillor accepted
        notes VARCHAR,
        review_on DATE NOT NULL,
        recorded_by VARCHAR NOT NULL,  -- the officer's account
        recorded_at TIMESTAMP NOT NULL
    );
    """,
    """
    CREATE TABLE IF NOT EXISTS ward_boundaries (  -- the map's ward shapes (analytics.ingest.boundaries)
        ward_code VARCHAR PRIMARY KEY,  -- the ward register's
        name_in_file VARCHAR,
        x DOUBLE[][] NOT NULL,  -- each part's outline on the plane, projected once on import
        y DOUBLE[][] NOT NULL,
        batch_id VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL
    );
    """,
]


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """The --db flag if given, else $SAFETY_DASHBOARD_DB, else data/safety.duckdb inside the checkout."""
    return Path(explicit or os.environ.get(DB_ENV) or DEFAULT_DB)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)")
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of the block's writes, or (on any failure) none of them."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring an older file up to this code's schema, each step (SQL, or a function for a step that needs the
    database's secret) in its own transaction; returns the version."""
    current = schema_version(con)
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        with transaction(con):
            script(con) if callable(script) else con.execute(script)
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, clock.now()])
            con.execute("DELETE FROM settings WHERE name = ?", [facts.RULES_SETTING])
    return len(MIGRATIONS)


def connect(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if need be) and migrate the database; raises StoreBusy if another process holds it."""
    target = database_path(path)
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), config=_CONFIG)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(
                f"The database {target} is in use by another program, usually the running dashboard: "
                "import through the dashboard's Import page, or stop the dashboard and try again."
            ) from exc
        raise
    migrate(con)
    with transaction(con):
        facts.install(con, get_setting(con, facts.RULES_SETTING))
    return con


def incidents_changed(con: duckdb.DuckDBPyConnection) -> None:
    """Every writer to `incidents` calls this inside its transaction: the derived facts built again with it."""
    facts.refresh(con)


def connect_read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Open a database as it is, for reading: no migration, no views recreated (analytics.snapshot's copy)."""
    return duckdb.connect(str(path), read_only=True, config=_CONFIG)


def get_setting(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def set_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [name, value])


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the tables a user cares about, for `python -m analytics summary`."""
    tables = [
        "incidents",
        "incident_versions",
        "councillors",
        "councillor_versions",
        "wards",
        "import_batches",
        "quarantine",
        "survey_waves",
        "survey_questions",
        "survey_answers",
    ]
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
