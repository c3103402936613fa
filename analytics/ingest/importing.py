"""Importing a council's file: map its headers, check every row, and store it in one transaction.

A row travels: uploaded bytes -> `reading.read_table` (text cells, header found) -> `prepare` (headers mapped to
fields, values normalised over distinct values, every problem recorded as a reason) -> `commit` (accepted rows
merged by key, with the previous version of a changed record kept; rejected rows quarantined with their original
cells and reasons; one batch row). Every row read is counted exactly once:
rows_read = inserted + updated + unchanged + rejected.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import duckdb
import pandas as pd

from analytics import clock, keyed
from analytics.errors import ImportRefused
from analytics.exports import without_formula_guard
from analytics.ingest import registers
from analytics.ingest.datasets import DATASETS, Dataset
from analytics.ingest.dates import parse_dates
from analytics.ingest.headers import CHOSEN, Registers, closest, match_columns
from analytics.ingest.reading import RawTable, read_table
from analytics.ingest.vocabulary import (
    VALUE_LISTS,
    key,
    keys,
    map_multi,
    map_single,
    map_yes_no,
    platform_from_channel,
    tidy,
)
from analytics.store import incidents_changed, transaction
from analytics.text import cut, listed
from analytics.text_input import storable

Progress = Callable[[float, str], None]
IGNORE = ""  # a mapping to this field name means: do not import the column
_REASON_SEPARATOR = "\x1f"


@dataclass
class ImportResult:
    batch_id: str
    dataset: str
    file_name: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """The CLI's one-line JSON report."""
        keys = ["batch_id", "rows_read", "inserted", "updated", "unchanged", "rejected", "warnings"]
        return {name: value for name, value in asdict(self).items() if name in keys}


@dataclass
class Prepared:
    """A file read and checked, ready to commit or to show as a preview."""

    upload: Upload
    clean: pd.DataFrame  # canonical columns for every row, aligned with upload.raw.frame
    reasons: pd.Series  # '' for an accepted row, else reasons joined by \x1f
    warnings: list[str]

    @property
    def dataset(self) -> Dataset:
        return self.upload.dataset

    @property
    def raw(self) -> RawTable:
        return self.upload.raw

    @property
    def accepted(self) -> pd.DataFrame:
        return self.clean[self.reasons == ""]

    @property
    def rejected(self) -> pd.DataFrame:
        """The rejected rows as the user gave them, with their row number and reasons."""
        rows = self.raw.frame[self.reasons != ""].copy()
        rows.insert(0, "reasons", self.reasons[self.reasons != ""].str.replace(_REASON_SEPARATOR, "; "))
        return rows


# ---- header mapping -------------------------------------------------------------------------------------


def saved_mapping(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, str]:
    """Header key -> field, as the user last confirmed them for this kind of file."""
    rows = con.execute("SELECT header_key, field FROM column_mappings WHERE dataset = ?", [dataset]).fetchall()
    return dict(rows)


def save_mapping(con: duckdb.DuckDBPyConnection, dataset: str, mapping: dict[str, str]) -> None:
    """Remember each header's field, in one statement: a file may have thousands of columns."""
    chosen = pd.DataFrame({"header_key": [key(header) for header in mapping], "field": list(mapping.values())})
    frame_name = f"mapping_{uuid.uuid4().hex}"
    con.register(frame_name, chosen.drop_duplicates("header_key", keep="last"))
    try:
        con.execute(
            f"INSERT OR REPLACE INTO column_mappings SELECT ?, header_key, field, ? FROM {frame_name}",
            [dataset, clock.now()],
        )
    finally:
        con.unregister(frame_name)


def _header_scorer(dataset: Dataset, saved: dict[str, str]) -> Callable[[list[str]], int]:
    """How much a row looks like this dataset's header: the fields it names, weighted by how surely."""

    def score(cells: list[str]) -> int:
        return round(10 * sum(match.score for match in match_columns(dataset, cells, saved).values()))

    return score


def _field_name(dataset: Dataset, target: str) -> str:
    """A field as a mapping names it: by its name or by the council's label for it ('Date of incident')."""
    by_label = {key(spec.label): spec.name for spec in dataset.fields}
    return by_label.get(key(target), target) if target else IGNORE


def _check_fields(dataset: Dataset, targets: list[str]) -> None:
    unknown = sorted({target for target in targets if target and target not in {f.name for f in dataset.fields}})
    if unknown:
        raise ImportRefused(
            f"The column mapping names fields the {dataset.label} does not have: "
            f"{', '.join(cut(name, 40) for name in unknown)}; "
            f"its fields are {', '.join(spec.label for spec in dataset.fields)}."
        )


def _check_mapping(dataset: Dataset, mapping: dict[str, str], headers: list[str]) -> None:
    _check_fields(dataset, list(mapping.values()))
    missing = [name for name in dataset.required if name not in mapping.values()]
    if not missing:
        return
    if len(missing) == 1:
        nearest = closest(dataset, headers, missing[0], mapping)
        found = " and ".join(f"'{cut(header, 40)}'" for header in nearest)
        which = f"the closest {'are' if len(nearest) > 1 else 'is'} {found}" if nearest else _columns_are(headers)
    else:
        which = _columns_are(headers)
    raise ImportRefused(
        f"This file has no column for {_listed(dataset.labels(missing))} ({which}); "
        "map the columns on the Import page or pass --mapping, then import again."
    )


def _columns_are(headers: list[str]) -> str:
    return f"its columns are {listed(headers, shown=3, limit=25)}"


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


# ---- checking and normalising ----------------------------------------------------------------------------


class _Checker:
    """Collects, for each row, the reasons it cannot be accepted."""

    def __init__(self, index: pd.Index):
        self.reasons = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, message: str, cells: pd.Series | None = None) -> None:
        """Give the rows in `mask` a reason; '{value}' in the message is each row's own cell from `cells`."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        if cells is None:
            text = message
        else:
            before, after = message.rsplit("{value}", 1)  # the last: the header before it may hold one too
            text = before + cells[mask].astype(str).str.strip() + after
        current = self.reasons[mask]
        self.reasons[mask] = current.where(current == "", current + _REASON_SEPARATOR) + text


def _normalise_column(spec, cells: pd.Series, header: str, checker: _Checker, warnings: list[str]) -> pd.Series:
    """One mapped column in its canonical form, with a reason recorded against each bad cell."""
    if spec.kind == "text":
        return tidy(cells)
    if spec.kind == "free_text":
        stripped = cells.str.strip()
        return stripped.where(stripped != "", None)
    if spec.kind == "date":
        parsed = parse_dates(cells, header)
        checker.add(parsed.unreadable, f"'{header}' has '{{value}}', which is not a date we can read", cells)
        checker.add(parsed.values > pd.Timestamp(clock.today()), f"'{header}' is in the future")
        if parsed.warning:
            warnings.append(parsed.warning)
        return parsed.values
    if spec.kind == "year":
        years = pd.to_numeric(cells.str.strip(), errors="coerce")
        bad = (cells.str.strip() != "") & ~years.between(1900, clock.today().year)
        checker.add(bad, f"'{header}' has '{{value}}', which is not a year", cells)
        return years.where(~bad).astype("Int64")
    allowed = ", ".join(VALUE_LISTS.get(spec.name, []))
    if spec.kind == "one":
        values = map_single(cells, spec.name)
        checker.add(values.isna(), f"'{header}' has '{{value}}', which is not one of: {allowed}", cells)
        return values.where(values != "", None)
    if spec.kind == "several":
        values, unknown = map_multi(cells, spec.name)
        checker.add(unknown != "", f"'{header}' has '{{value}}', which is not one of: {allowed}", unknown)
        return values
    values, invalid = map_yes_no(cells)
    checker.add(invalid, f"'{header}' has '{{value}}', which is not yes or no", cells)
    return values


def _normalise(
    field_cells: dict[str, pd.Series],
    dataset: Dataset,
    headers: dict[str, str],
    index: pd.Index,
    checker: _Checker,
    warnings: list[str],
) -> pd.DataFrame:
    """Every field of the dataset in canonical form; fields the file does not have are missing throughout."""
    clean = pd.DataFrame(index=index)
    for spec in dataset.fields:
        if spec.name not in field_cells:
            clean[spec.name] = pd.Series(None, index=index, dtype="str")
            continue
        cells, header = field_cells[spec.name], headers[spec.name]
        if spec.required:
            checker.add(cells.str.strip() == "", f"'{header}' is empty")
        before = checker.reasons.copy()
        clean[spec.name] = _normalise_column(spec, cells, header, checker, warnings)
        if spec.required:
            _unreadable_required(spec, cells, clean[spec.name], header, checker, before)
    return clean


def _unreadable_required(spec, cells: pd.Series, values: pd.Series, header: str, checker: _Checker, before) -> None:
    """A required cell that is not blank yet gave no value and no reason of its own ('?', '-', a zero-width
    space): said so, rather than accepted as if blank."""
    unexplained = (cells.str.strip() != "") & values.isna() & (checker.reasons == before)
    allowed = VALUE_LISTS.get(spec.name)
    ending = f"which is not one of: {', '.join(allowed)}" if allowed else "which we cannot read"
    checker.add(unexplained, f"'{header}' has '{{value}}', {ending}", cells)


def _reject_repeated_keys(keys: pd.Series, checker: _Checker, source_rows: pd.Series, what: str) -> None:
    """A key seen again further down the same file is a second row for one record: keep the first."""
    accepted = checker.reasons == ""
    repeated = keys.duplicated(keep="first") & keys.notna() & accepted
    if repeated.any():
        first_row = source_rows[accepted].groupby(keys[accepted]).transform("min")
        checker.add(repeated, f"{what} " + keys.astype(str) + " is also on row " + first_row.astype(str))


def _incident_rules(con, clean, field_cells, headers, checker, source_rows) -> None:
    clean["councillor"] = registers.without_title(clean["councillor"])
    clean["councillor_key"] = registers.councillor_keys(con, clean["councillor"])
    _match_wards(con, clean, field_cells, headers, checker)
    if "channel" in field_cells:
        clean["platform"] = clean["platform"].fillna(platform_from_channel(field_cells["channel"]))
    for name in ("protected_characteristics", "council_action"):
        clean[name] = clean[name].fillna("")
    clean["incident_ref"] = clean["incident_ref"].str.upper()
    _reject_repeated_keys(clean["incident_ref"], checker, source_rows, "Reference")


def _match_wards(con, clean: pd.DataFrame, field_cells, headers, checker: _Checker) -> None:
    present = clean["ward"].notna()
    names, codes, matched = registers.match_wards(con, clean["ward"])
    message = f"'{headers['ward']}' has '{{value}}', which is not a ward in the ward register"
    checker.add(present & ~matched, message, field_cells["ward"])
    clean["ward"] = names.where(present, None)
    clean["ward_code"] = codes.where(present, None)


def _councillor_rules(con, clean, field_cells, headers, checker, source_rows) -> None:
    clean["name"] = registers.without_title(clean["name"])
    clean["name_key"] = registers.name_keys(clean["name"])
    _match_wards(con, clean, field_cells, headers, checker)
    clean["mitigations"] = clean["mitigations"].fillna("")
    clean["record_key"] = clean["councillor_id"].str.lower().fillna(clean["name_key"])
    _reject_repeated_keys(clean["record_key"], checker, source_rows, "Councillor")


def _ward_rules(con, clean, field_cells, headers, checker, source_rows) -> None:
    clean["ward_code"] = clean["ward_code"].str.upper()
    clean["ward_key"] = keys(clean["ward_name"])
    clean["record_key"] = clean["ward_code"]
    _reject_repeated_keys(clean["ward_code"], checker, source_rows, "Ward code")


_RULES = {"incidents": _incident_rules, "councillors": _councillor_rules, "wards": _ward_rules}


@dataclass(frozen=True)
class Upload:
    """A file read, with the mapping of its headers that would be used: what the Import page lets a user edit."""

    dataset: Dataset
    file_name: str
    file_sha256: str
    raw: RawTable
    mapping: dict[str, str]
    confidence: dict[str, str] = field(default_factory=dict)  # header -> how sure its suggested field is

    @property
    def headers(self) -> list[str]:
        return _headers(self.raw)

    def with_mapping(self, mapping: dict[str, str]) -> Upload:
        """The upload mapped as the user chose: a choice that differs from the suggestion is theirs."""
        chosen = {header: mapping.get(header, IGNORE) for header in self.headers}
        confidence = {
            header: CHOSEN if target != self.mapping.get(header) else self.confidence.get(header, "")
            for header, target in chosen.items()
        }
        return replace(self, mapping=chosen, confidence=confidence)


def _headers(raw: RawTable) -> list[str]:
    return [column for column in raw.frame.columns if column != "source_row"]


def read_upload(
    con: duckdb.DuckDBPyConnection,
    dataset_name: str,
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Upload:
    """Read a file and suggest how its headers map: `mapping` first, then the saved mapping, then the best match
    of header and values."""
    dataset = DATASETS[dataset_name]
    saved = saved_mapping(con, dataset.name)
    if mapping:
        given = {key(header): _field_name(dataset, target) for header, target in mapping.items()}
        _check_fields(dataset, list(given.values()))
        saved = saved | given
    raw = _without_guard(read_table(data, file_name, sheet=sheet, header_score=_header_scorer(dataset, saved)))
    headers = _headers(raw)
    columns = {header: raw.frame[header] for header in headers}
    matches = match_columns(dataset, headers, saved, columns, _registers(con, dataset))
    return Upload(
        dataset=dataset,
        file_name=storable(file_name),
        file_sha256=hashlib.sha256(data).hexdigest(),
        raw=raw,
        mapping={header: matches[header].field if header in matches else IGNORE for header in headers},
        confidence={header: matches[header].confidence for header in matches},
    )


def _registers(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> Registers:
    """The registers a column's values are recognised against: none for the ward register itself."""
    if dataset.name == "wards":
        return Registers()
    return Registers(wards=registers.ward_keys(con), councillors=registers.councillor_name_keys(con))


def _without_guard(raw: RawTable) -> RawTable:
    """The table as it was before one of our exports guarded it against formulas: headers and cells alike, so
    an export imported again (rejected rows included) holds what was written. A header that would then repeat
    another is left as it is."""
    frame = raw.frame.copy(deep=False)
    for column in _headers(raw):
        frame[column] = without_formula_guard(frame[column])
    headers = without_formula_guard(pd.Series(_headers(raw), dtype=object)).tolist()
    taken = {str(header).casefold() for header in frame.columns}
    renamed = {}
    for old, new in zip(_headers(raw), headers, strict=True):
        if new != old and new.casefold() not in taken:
            renamed[old] = new
            taken.add(new.casefold())
    return replace(raw, frame=frame.rename(columns=renamed))


def check(con: duckdb.DuckDBPyConnection, upload: Upload) -> Prepared:
    """Check every row of an upload against its mapping, storing nothing."""
    dataset, raw, chosen = upload.dataset, upload.raw, upload.mapping
    _check_mapping(dataset, chosen, upload.headers)
    warnings = list(raw.warnings)
    ignored = [header for header, target in chosen.items() if not target]
    if ignored:
        warnings.append(f"These columns were not imported: {listed(ignored, shown=12)}.")
    field_cells = {target: raw.frame[header].astype(str) for header, target in chosen.items() if target}
    field_headers = {target: header for header, target in chosen.items() if target}
    checker = _Checker(raw.frame.index)
    clean = _normalise(field_cells, dataset, field_headers, raw.frame.index, checker, warnings)
    _RULES[dataset.name](con, clean, field_cells, field_headers, checker, raw.frame["source_row"])
    clean["source_row"] = raw.frame["source_row"]
    return Prepared(upload=upload, clean=clean, reasons=checker.reasons, warnings=warnings)


# ---- storing -----------------------------------------------------------------------------------------------

_STORED = {
    "incidents": [
        "incident_ref",
        "occurred_on",
        "reported_on",
        "councillor",
        "councillor_key",
        "ward",
        "ward_code",
        "channel",
        "platform",
        "abuse_types",
        "protected_characteristics",
        "perpetrator_ref",
        "perpetrator_type",
        "threat_level",
        "reported_to_police",
        "police_reference",
        "council_action",
        "status",
        "description",
    ],
    "councillors": [
        "councillor_id",
        "name",
        "name_key",
        "ward",
        "ward_code",
        "party",
        "role",
        "gender",
        "ethnicity",
        "disability",
        "lgbtq",
        "first_elected",
        "risk_level",
        "risk_assessed_on",
        "own_assessment_on",
        "mitigations",
        "safety_training_on",
    ],
    "wards": ["ward_name", "ward_key", "authority_code", "authority_name", "ward_name_welsh"],
}

# Incidents without a reference are keyed on what identifies them (keyed with the database's secret: see
# analytics.keyed), numbered when a file holds identical ones, so that the same file imported again finds the same keys.
_INCIDENT_KEY = """CASE WHEN incident_ref IS NOT NULL THEN 'ref:' || incident_ref
    ELSE 'row:' || record_key || ':' || row_number() OVER (PARTITION BY record_key ORDER BY source_row) END"""


def _column_sql(dataset: Dataset, column: str) -> str:
    kind = dataset.field(column).kind if column in {f.name for f in dataset.fields} else "text"
    if kind == "several":
        return f"CASE WHEN coalesce({column}, '') = '' THEN []::VARCHAR[] ELSE string_split({column}, '; ') END"
    casts = {"date": "DATE", "year": "INTEGER", "yes_no": "BOOLEAN"}
    return f"CAST({column} AS {casts.get(kind, 'VARCHAR')})"


def _stage(con, dataset: Dataset, rows: str, staged: str) -> None:
    """Accepted rows in the table's own types, with their key and a hash of their content."""
    columns = _STORED[dataset.name]
    typed = ", ".join(f"{_column_sql(dataset, column)} AS {column}" for column in columns)
    content = ", ".join(f"coalesce(CAST({column} AS VARCHAR), '-')" for column in columns)
    if dataset.name == "incidents":
        hmac = keyed.hmac_sql(keyed.INCIDENT_FIELDS)  # only for incidents without a reference: it costs
        key, hashed, carried = _INCIDENT_KEY, f", CASE WHEN incident_ref IS NULL THEN {hmac} END AS record_key", ""
        parameters = keyed.hmac_parameters(con)
    else:
        key, hashed, carried, parameters = "record_key", "", ", record_key", None
    con.execute(
        f"""
        CREATE TEMP TABLE {staged} AS
        SELECT {key} AS {dataset.key_column}, * EXCLUDE (record_key),
               md5(concat_ws(chr(31), {content})) AS content_hash
        FROM (SELECT *{hashed}
              FROM (SELECT {typed}, CAST(source_row AS INTEGER) AS source_row{carried} FROM {rows}))""",
        parameters,
    )


def _merge(con, dataset: Dataset, staged: str, batch_id: str) -> dict[str, int]:
    """Insert new records, update changed ones (keeping the old version), and count the unchanged."""
    table, key_column = dataset.table, dataset.key_column
    plan = f"{staged}_plan"
    con.execute(f"""
        CREATE TEMP TABLE {plan} AS
        SELECT s.{key_column} AS record_key,
               CASE WHEN t.{key_column} IS NULL THEN 'insert'
                    WHEN t.content_hash = s.content_hash THEN 'unchanged' ELSE 'update' END AS action
        FROM {staged} s LEFT JOIN {table} t ON t.{key_column} = s.{key_column}""")
    updated = f"(SELECT record_key FROM {plan} WHERE action = 'update')"
    if dataset.versions_table:
        con.execute(
            f"INSERT INTO {dataset.versions_table} BY NAME SELECT *, ? AS replaced_by_batch FROM {table} "
            f"WHERE {key_column} IN {updated}",
            [batch_id],
        )
    columns = _STORED[dataset.name] + ["content_hash", "source_row"]
    assignments = ", ".join(f"{column} = s.{column}" for column in columns)
    version = ", version = t.version + 1" if dataset.versions_table else ""
    con.execute(
        f"UPDATE {table} t SET {assignments}, batch_id = ?{version} FROM {staged} s "
        f"WHERE t.{key_column} = s.{key_column} AND s.{key_column} IN {updated}",
        [batch_id],
    )
    first_version = ", 1 AS version" if dataset.versions_table else ""
    con.execute(
        f"INSERT INTO {table} BY NAME SELECT *, ? AS batch_id{first_version} FROM {staged} "
        f"WHERE {key_column} IN (SELECT record_key FROM {plan} WHERE action = 'insert')",
        [batch_id],
    )
    counts = dict(con.execute(f"SELECT action, count(*) FROM {plan} GROUP BY action").fetchall())
    return {action: counts.get(action, 0) for action in ("insert", "update", "unchanged")}


def _quarantine(con, prepared: Prepared, batch_id: str, frame_name: str) -> int:
    rejected = prepared.reasons != ""
    if not rejected.any():
        return 0
    original = prepared.raw.frame.loc[rejected].drop(columns="source_row")
    rows = pd.DataFrame(
        {
            "source_row": prepared.raw.frame.loc[rejected, "source_row"].astype("int64"),
            # One JSON object a row, never split on lines: a cell may hold U+2028, U+2029 or U+0085.
            "cells": [json.dumps(cells, ensure_ascii=False) for cells in original.to_dict(orient="records")],
            "reasons": prepared.reasons[rejected],
        }
    )
    con.register(frame_name, rows)
    con.execute(
        f"INSERT INTO quarantine SELECT ?, source_row, cells, string_split(reasons, chr(31)) FROM {frame_name}",
        [batch_id],
    )
    return len(rows)


def _new_batch_id(dataset: str) -> str:
    return f"{dataset}-{clock.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


_ACCEPTED = "accepted_row"  # a column no import has: the clean frame's columns are named after the fields


def commit(
    con: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    progress: Progress | None = None,
    *,
    then: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Store a prepared file in one transaction: all of it, or (on any failure) none of it. `then` runs last inside
    that transaction, for a write that must stand or fall with the file (the request an incident report raises)."""
    report = progress or (lambda fraction, message: None)
    dataset = prepared.dataset
    batch_id = _new_batch_id(dataset.name)
    token = batch_id.replace("-", "_")
    frames = {"accepted": f"accepted_{token}", "rejected": f"rejected_{token}"}
    staged = f"staged_{token}"
    # DuckDB leaves out the rejected rows as it reads them: a pandas row filter would copy the whole file.
    checked = prepared.clean.assign(**{_ACCEPTED: prepared.reasons == ""})
    con.register(frames["accepted"], checked)
    try:
        with transaction(con):
            report(0.5, "Checking which records are new, changed or unchanged")
            _stage(con, dataset, f"(SELECT * FROM {frames['accepted']} WHERE {_ACCEPTED})", staged)
            report(0.7, f"Saving {int(checked[_ACCEPTED].sum()):,} rows")
            counts = _merge(con, dataset, staged, batch_id)
            if dataset.table == "incidents":
                report(0.8, "Working out each incident's threat level and repeat perpetrators")
                incidents_changed(con)
            report(0.9, "Keeping the rows that could not be imported")
            rejected = _quarantine(con, prepared, batch_id, frames["rejected"])
            result = ImportResult(
                batch_id=batch_id,
                dataset=dataset.name,
                file_name=prepared.upload.file_name,
                rows_read=len(prepared.raw.frame),
                inserted=counts["insert"],
                updated=counts["update"],
                unchanged=counts["unchanged"],
                rejected=rejected,
                warnings=prepared.warnings,
            )
            _record_batch(con, prepared, result)
            save_mapping(con, dataset.name, prepared.upload.mapping)
            if then:
                then(result)
    finally:
        for name in frames.values():
            con.unregister(name)
        con.execute(f"DROP TABLE IF EXISTS {staged}")
        con.execute(f"DROP TABLE IF EXISTS {staged}_plan")
    report(1.0, "Import finished")
    return result


def _record_batch(con, prepared: Prepared, result: ImportResult) -> None:
    if result.rows_read != result.inserted + result.updated + result.unchanged + result.rejected:
        raise RuntimeError(f"Import of {result.file_name} did not account for every row: {result.summary()}")
    con.execute(
        "INSERT INTO import_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.batch_id,
            result.dataset,
            result.file_name,
            prepared.upload.file_sha256,
            prepared.raw.sheet,
            prepared.raw.header_row,
            clock.now(),
            result.rows_read,
            result.inserted,
            result.updated,
            result.unchanged,
            result.rejected,
            result.warnings,
        ],
    )


def import_file(
    con: duckdb.DuckDBPyConnection,
    dataset_name: str,
    data: bytes,
    file_name: str,
    *,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check and store one file, as the CLI does; the Import page takes the same three steps one at a time."""
    report = progress or (lambda fraction, message: None)
    report(0.05, f"Reading {file_name}")
    prepared = check(con, read_upload(con, dataset_name, data, file_name, sheet=sheet, mapping=mapping))
    return commit(con, prepared, progress)


def load_mapping_file(text: str) -> dict[str, str]:
    """A --mapping file: JSON object of header in the file -> field, by its label or its name ("" to ignore a
    column)."""
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f'The mapping file is not valid JSON ({exc.msg}); write it as {{"Header in the file": "Date of incident"}}.'
        ) from exc
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ImportRefused('The mapping file must be a JSON object like {"When it happened": "Date of incident"}.')
    return mapping
