"""The database's own secret, and the identifiers keyed with it.

An incident logged without a reference is keyed on what identifies it (its date, councillor, ward, channel, abuse
types and perpetrator), so that the same file imported twice finds the same incidents. A plain hash of those fields
could be worked back: anyone who sees the key and the incident's other fields can try a list of handles until one
fits. So the key is an HMAC-SHA256 of the fields with a random secret that never leaves the database; the same
secret keys the perpetrators' pseudonyms (analytics.governance.access.pseudonym) and the respondents of survey waves
(a survey tool's response id finds the person in the tool's own records).
"""

from __future__ import annotations

import hashlib
import secrets

import duckdb

SECRET_SETTING = "pseudonym_secret"  # named when pseudonyms were its only use; renaming it would change them all
_BLOCK = 64  # SHA-256's block size in bytes (RFC 2104)

# What identifies an incident without a reference, over its stored columns (and the same columns as an import
# types them), with its perpetrator as written in any case.
INCIDENT_FIELDS = """concat_ws(chr(31), occurred_on, councillor_key, coalesce(ward_code, lower(ward)), channel,
    array_to_string(abuse_types, '; '), coalesce(lower(perpetrator_ref), ''))"""


class NoSecret(Exception):
    """The database has no secret: it was not opened through analytics.store.connect."""


def make_secret(con: duckdb.DuckDBPyConnection) -> None:
    """The database's secret, made once, when the database is created or brought up to date: before any page or
    thread can ask for it, so simultaneous first uses never race to make two."""
    con.execute(
        "INSERT INTO settings SELECT $name, $value WHERE NOT EXISTS (SELECT 1 FROM settings WHERE name = $name)",
        {"name": SECRET_SETTING, "value": secrets.token_hex(32)},
    )


def secret(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT value FROM settings WHERE name = ?", [SECRET_SETTING]).fetchone()
    if row is None:
        raise NoSecret("The database has no secret: open it with analytics.store.connect, which makes one.")
    return row[0]


def hmac_sql(expression: str) -> str:
    """SQL for the HMAC-SHA256 (hex) of a text expression, with the padded keys as parameters $inner and $outer
    (see hmac_parameters): DuckDB has sha256 but no HMAC, and HMAC is two nested hashes (RFC 2104)."""
    return f"sha256($outer || unhex(sha256($inner || encode({expression}))))"


def hmac_parameters(con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    """The database's secret as the HMAC's inner and outer padded keys, for SQL made by hmac_sql."""
    key = secret(con).encode()
    padded = (hashlib.sha256(key).digest() if len(key) > _BLOCK else key).ljust(_BLOCK, b"\0")
    return {"inner": bytes(byte ^ 0x36 for byte in padded), "outer": bytes(byte ^ 0x5C for byte in padded)}


def rekey_incidents(con: duckdb.DuckDBPyConnection) -> None:
    """Migration: the secret made, and every incident without a reference keyed with it instead of an md5 of its
    fields, in the log, its earlier versions and its reviews. The number that tells identical incidents of one file
    apart is kept. (The audit trail, which only the administrator reads and only grows, keeps the keys it wrote.)"""
    make_secret(con)
    con.execute(
        f"""CREATE TEMP TABLE rekeyed AS
            SELECT DISTINCT ON (incident_key) incident_key AS old_key,
                   'row:' || {hmac_sql(INCIDENT_FIELDS)} || ':' || split_part(incident_key, ':', 3) AS new_key
            FROM (SELECT * EXCLUDE (replaced_by_batch) FROM incident_versions UNION ALL BY NAME
                  SELECT * FROM incidents)
            WHERE incident_key LIKE 'row:%'""",
        hmac_parameters(con),
    )
    for table in ("incidents", "incident_versions", "incident_reviews"):
        con.execute(
            f"UPDATE {table} SET incident_key = r.new_key FROM rekeyed r WHERE {table}.incident_key = r.old_key"
        )
    con.execute("DROP TABLE rekeyed")


def respondent_sql(expression: str = "respondent") -> str:
    """SQL for the key of a survey respondent, numbered as the survey tool numbers them (its response id, or the
    row in the export), with hmac_parameters."""
    return hmac_sql(f"'respondent' || chr(31) || {expression}")


def rekey_respondents(con: duckdb.DuckDBPyConnection) -> None:
    """Migration: every survey respondent stored as the tool's own response id keyed with the secret instead, as
    surveys.import_survey now stores them, so the next import of the same export finds them again."""
    con.execute(f"UPDATE survey_answers SET respondent = {respondent_sql()}", hmac_parameters(con))
