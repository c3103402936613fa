"""Evidence attached to a report: screenshots and files, kept in the database beside the report.

A file is accepted only if its first bytes say it is a PNG, a JPEG or a PDF (its name and the browser's word for it
count for nothing), and only up to MAX_BYTES. It is read by whoever may read the incident's description
(access.reads_description: the safety team, and the councillor it is about), and handed out as a download of
plain bytes under a name of our own, never as a page a browser would render.
"""

from __future__ import annotations

import hashlib
import uuid

import duckdb
import pandas as pd

from analytics import audit, clock, store
from analytics.errors import Refusal
from analytics.governance.access import User, reads_description
from analytics.text_input import storable

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10  # to one report
_SIGNATURES = {"png": (b"\x89PNG\r\n\x1a\n",), "jpeg": (b"\xff\xd8\xff",), "pdf": (b"%PDF-",)}
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "pdf": ".pdf"}
DOWNLOAD_TYPE = "application/octet-stream"  # never text/html, never rendered in the browser


def kind_of(data: bytes) -> str:
    """What a file is by its first bytes; refused (one sentence) unless a PNG, a JPEG or a PDF within the size."""
    if len(data) > MAX_BYTES:
        raise Refusal(f"A file can be at most {MAX_BYTES // (1024 * 1024)} MB: attach a smaller screenshot or file.")
    for kind, signatures in _SIGNATURES.items():
        if data.startswith(signatures):
            return kind
    raise Refusal("Attach screenshots as PNG or JPEG images, and documents as PDF files: other files are not kept.")


def _about(con: duckdb.DuckDBPyConnection, request_id: str) -> str:
    """The councillor a report is about."""
    row = con.execute("SELECT councillor_key FROM requests WHERE request_id = ?", [request_id]).fetchone()
    if row is None:
        raise Refusal(f"There is no report {request_id}: it may have been closed and removed.")
    return row[0]


def attach(con: duckdb.DuckDBPyConnection, user: User, request_id: str, data: bytes, file_name: str) -> str | None:
    """Keep a file with a report, by the councillor it is about or the safety team; returns its id, or None when
    the same file is with that report already (sent twice)."""
    if not reads_description(user, _about(con, request_id)):
        raise Refusal("You can attach evidence only to your own reports: ask the safety officer to add it.")
    kind = kind_of(data)
    digest = hashlib.sha256(data).hexdigest()
    with store.transaction(con):
        held = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE sha256 = ?) FROM evidence WHERE request_id = ?",
            [digest, request_id],
        ).fetchone()
        if held[1]:
            return None
        if held[0] >= MAX_FILES:
            raise Refusal(f"A report can hold {MAX_FILES} files: send the rest to the safety officer.")
        evidence_id = uuid.uuid4().hex
        con.execute(
            "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [evidence_id, request_id, storable(file_name)[:200], kind, digest, len(data), data, user.username,
             clock.now()],
        )  # fmt: skip
        audit.record(con, user.username, audit.CHANGED_REQUEST, request_id, f"evidence attached ({kind})")
    return evidence_id


def evidence_of(con: duckdb.DuckDBPyConnection, user: User, request_id: str) -> pd.DataFrame:
    """The files with a report (not their content), for those who may read its description; none for anyone else."""
    if not reads_description(user, _about(con, request_id)):
        return pd.DataFrame(columns=["evidence_id", "file_name", "kind", "size", "added_at"])
    return con.execute(
        "SELECT evidence_id, file_name, kind, size, added_at FROM evidence WHERE request_id = ? ORDER BY added_at",
        [request_id],
    ).df()


def evidence_file(con: duckdb.DuckDBPyConnection, user: User, evidence_id: str) -> tuple[bytes, str]:
    """A file's bytes and the name it is downloaded under (the report's reference, a number, the extension its
    content says), for those who may read the report's description."""
    row = con.execute(
        "SELECT e.content, e.kind, e.request_id, r.councillor_key, e.evidence_id FROM evidence e "
        "JOIN requests r USING (request_id) WHERE e.evidence_id = ?",
        [evidence_id],
    ).fetchone()
    if row is None or not reads_description(user, row[3]):
        raise Refusal("That file is not yours to open: ask the safety officer if you need it.")
    content, kind, request_id, _, _ = row
    return bytes(content), download_name(request_id, evidence_id, kind)


def download_name(request_id: str, evidence_id: str, kind: str) -> str:
    """The name a file is downloaded under: ours, never the name it came with."""
    return f"evidence-{request_id}-{evidence_id[:6]}{EXTENSIONS[kind]}"
