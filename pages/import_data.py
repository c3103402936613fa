"""Import: bring in an incident log, councillor register, ward register, survey export or the wards' boundaries,
check it, then store it."""

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics import audit
from analytics.ingest import registers
from analytics.ingest.boundaries import import_boundaries
from analytics.ingest.datasets import DATASETS
from analytics.ingest.importing import IGNORE, Upload, check, commit, read_upload
from analytics.ingest.labels import label
from analytics.ingest.reading import sheet_names
from analytics.sample import demo
from analytics.surveys.surveys import TOOLS, import_survey
from analytics.text import SENTENCE, cut
from pages.common import as_written, current_user, open_page, refusals_shown, table

KINDS = {
    "incidents": "Incident log",
    "councillors": "Councillor register",
    "wards": "Ward register (ONS lookup)",
    "survey": "Councillor survey export",
    "boundaries": "Ward boundaries (for the map)",
}
RECOGNISE_TOOL = "Recognise it from the file"
FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods"]
FIND_SHEET = "Find the sheet with the data"
DO_NOT_IMPORT = "(do not import)"
PREVIEW_ROWS = 200


def _whole_file_imported(con: duckdb.DuckDBPyConnection, kind: str, asking: tuple[str, list[str], str], store):
    """A file that goes in whole (a survey wave, the wards' boundaries): uploaded, stored by `store` when the button
    is pressed, audited as `kind` ("survey", "ward boundaries"; its last word keys the widgets), and its result
    returned; None until then, or when it was refused (its sentence shown)."""
    asked_for, file_types, button = asking
    upload = st.file_uploader(asked_for, type=file_types, key=f"{kind.split()[-1]}_upload")
    if upload is None or not st.button(button, type="primary", key=f"import_{kind.split()[-1]}"):
        return None
    with refusals_shown() as attempt, st.spinner(f"Importing {as_written(upload.name)}"):
        result = store(upload)
    if attempt.refused:
        return None
    audit.record_import(con, current_user().username, kind, result.file_name, result.summary())
    st.cache_data.clear()
    return result


def _import_survey(con: duckdb.DuckDBPyConnection) -> None:
    """A survey export goes in whole, as the tool produced it: one upload is one wave of the survey."""
    st.markdown(
        "Upload the export exactly as Microsoft Forms, Google Forms, SurveyMonkey or Qualtrics produced it. "
        "Names, e-mail addresses and IP addresses the tools add are not stored."
    )
    wave = st.text_input("Which wave is this? (for example the year of the survey)", key="wave")
    tool = st.selectbox("Survey tool", [RECOGNISE_TOOL, *TOOLS], format_func=lambda name: TOOLS.get(name, name),
                        key="tool")  # fmt: skip
    chosen_tool = None if tool == RECOGNISE_TOOL else tool
    result = _whole_file_imported(
        con, "survey", ("Your survey export", FILE_TYPES, "Import the survey"),
        lambda upload: import_survey(con, upload.getvalue(), upload.name, wave=wave, tool=chosen_tool),
    )  # fmt: skip
    if result is None:
        return
    st.success(
        f"Imported wave {as_written(result.wave)} from {as_written(result.file_name)} ({TOOLS[result.tool]}): "
        f"{result.respondents:,} "
        f"respondents and {result.questions} questions; {result.inserted:,} new, {result.updated:,} updated, "
        f"{result.unchanged:,} already held unchanged."
    )
    for warning in result.warnings:
        st.warning(as_written(warning, SENTENCE))


def _import_boundaries(con: duckdb.DuckDBPyConnection) -> None:
    """Ward boundaries go in whole, replacing any held before: one file is the map of the council's wards."""
    st.markdown(
        "Upload your wards' boundaries as the ONS publishes them on the Open Geography Portal (GeoJSON, with codes "
        "such as WD24CD, in the generalised or super generalised resolution), or a HexJSON hex map of your wards. "
        "Wards are matched to your ward register by their codes, so import the ward register first."
    )
    result = _whole_file_imported(
        con, "ward boundaries", ("Your ward boundaries", ["geojson", "json", "hexjson"], "Import the boundaries"),
        lambda upload: import_boundaries(con, upload.getvalue(), upload.name),
    )  # fmt: skip
    if result is None:
        return
    st.success(
        f"Stored the boundaries of {result.stored:,} wards from {as_written(result.file_name)}: the map is on "
        "**Where is abuse concentrated?**"
    )
    if result.not_in_register:
        left_out = (
            "1 ward in the file is"
            if result.not_in_register == 1
            else f"{result.not_in_register:,} wards in the file are"
        )
        st.info(f"{left_out} not in your ward register, so not on the map.")


def _read(
    con: duckdb.DuckDBPyConnection, dataset_name: str, upload_file: UploadedFile, data: bytes, sheet: str | None
) -> Upload:
    """Read the file once per upload, sheet and kind, not on every rerun while the mapping is edited."""
    read_key = (dataset_name, upload_file.file_id, sheet)
    cached = st.session_state.get("last_read")
    if cached and cached[0] == read_key:
        return cached[1]
    with st.spinner(f"Reading {as_written(upload_file.name)}"):
        upload = read_upload(con, dataset_name, data, upload_file.name, sheet=sheet)
    st.session_state["last_read"] = (read_key, upload)
    return upload


con = open_page("import_data")
st.title("Import your data")
st.markdown(
    "Upload the spreadsheet you already keep. Nothing is stored until you press **Import**: first you see how "
    "its columns were understood and which rows cannot be accepted, and why."
)
if demo.sample_loaded(con):
    st.warning(
        "The fictional sample council is still loaded. Before importing your own data, remove it on the "
        "**Imports and rejected rows** page so the two are not mixed.",
        icon=":material/warning:",
    )

dataset_name = st.segmented_control(
    "What are you importing?",
    list(KINDS),
    format_func=KINDS.get,
    default="incidents",
    required=True,
    key="kind",
)

if dataset_name == "survey":
    _import_survey(con)
    st.stop()
if dataset_name == "boundaries":
    _import_boundaries(con)
    st.stop()
dataset = DATASETS[dataset_name]
upload_file = st.file_uploader(
    f"Your {dataset.label} (Excel or CSV)",
    type=FILE_TYPES,
    key="upload",
    help="Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) or CSV. Title rows above the headers are fine.",
)
if upload_file is None:
    st.caption(
        "Drop a file above to begin. Column names like 'Date of incident', 'Ward' and 'Type of abuse' "
        "are recognised; you can say what any other column holds."
    )
    st.stop()

data = upload_file.getvalue()
with refusals_shown() as reading:
    sheets = sheet_names(data, upload_file.name)
if reading.refused:
    st.stop()
sheet = None
if len(sheets) > 1:
    choice = st.selectbox("Sheet", [FIND_SHEET, *sheets], format_func=cut, key="sheet")
    sheet = None if choice == FIND_SHEET else choice

with refusals_shown() as reading:
    upload = _read(con, dataset_name, upload_file, data, sheet)
if reading.refused:
    st.stop()

st.header("1. How your columns were understood")
where = f"sheet '{as_written(upload.raw.sheet)}', " if upload.raw.sheet else ""
st.caption(f"Headers found on {where}row {upload.raw.header_row}; {len(upload.raw.frame):,} rows of data below them.")
labels = {spec.name: label(spec.name) for spec in dataset.fields}  # the council's words, never a field's name
fields_by_label = {label: name for name, label in labels.items()}
examples = upload.raw.frame.head(3)
mapping_table = pd.DataFrame(
    {
        "Column in your file": upload.headers,
        "Example": [" | ".join(examples[header].astype(str).str.slice(0, 40)) for header in upload.headers],
        "Imports as": [labels.get(upload.mapping[header], DO_NOT_IMPORT) for header in upload.headers],
        "How sure": [upload.confidence.get(header, "") for header in upload.headers],
    }
)
edited = st.data_editor(
    mapping_table,
    hide_index=True,
    disabled=["Column in your file", "Example", "How sure"],
    column_config={
        "Imports as": st.column_config.SelectboxColumn(options=[DO_NOT_IMPORT, *labels.values()], required=True)
    },
    key=f"mapping-{dataset_name}-{upload.file_sha256}-{sheet}",
)
chosen = {
    row["Column in your file"]: fields_by_label.get(row["Imports as"], IGNORE)
    for row in edited.to_dict(orient="records")
}
required = ", ".join(labels[name] for name in dataset.required)
st.caption(
    f"Required: {required}. 'How sure' says how well a column's header and values fit what it imports as; "
    "check any marked 'a guess'. Your choices are remembered for the next file like this one."
)

with refusals_shown() as checking, st.spinner(f"Checking {len(upload.raw.frame):,} rows"):
    prepared = check(con, upload.with_mapping(chosen))
if checking.refused:
    st.stop()

st.header("2. What will be imported")
accepted, rejected = len(prepared.accepted), len(prepared.rejected)
columns = st.columns(3)
columns[0].metric("Rows read", f"{len(prepared.raw.frame):,}")
columns[1].metric("Can be imported", f"{accepted:,}")
columns[2].metric("Cannot be imported", f"{rejected:,}")
for warning in prepared.warnings:
    st.warning(as_written(warning, SENTENCE))
if rejected:
    st.markdown(
        f"These {rejected:,} rows will be kept aside with the reason, so nothing is lost: after importing you can "
        "download them from **Imports and rejected rows**, correct them and import them again."
    )
    table(
        prepared.rejected.head(PREVIEW_ROWS).rename(
            columns={"reasons": "Why it cannot be imported", "source_row": "Row"}
        ),
        {},
        hide_index=True,
    )

st.header("3. Import")
if st.button(f"Import {len(prepared.raw.frame):,} rows", type="primary", key="import"):
    bar = st.progress(0.0, text="Starting")
    result = commit(con, prepared, progress=lambda fraction, message: bar.progress(fraction, text=message))
    audit.record_import(con, current_user().username, dataset_name, result.file_name, result.summary())
    st.cache_data.clear()
    st.success(
        f"Imported {as_written(result.file_name)}: {result.inserted:,} new, {result.updated:,} updated, "
        f"{result.unchanged:,} already held unchanged, {result.rejected:,} kept aside."
    )
    st.caption(f"Import batch {result.batch_id}")

if dataset_name == "wards":
    choices = registers.authorities(con)
    if len(choices):
        st.header("Which council are you?")
        labels = dict(zip(choices["authority_code"], choices["authority_name"], strict=True))
        current = registers.chosen_authority(con)
        codes = list(labels)
        authority = st.selectbox(
            "Your local authority",
            codes,
            format_func=lambda code: cut(labels[code]),
            key="authority",
            index=codes.index(current) if current in codes else None,
        )
        if authority and authority != current and st.button("Use this council's wards", key="choose_authority"):
            registers.choose_authority(con, authority)
            change = f"{current or 'none chosen'} to {authority} ({labels[authority]})"
            audit.record(con, current_user().username, audit.SETTING_CHANGED, "ward authority", change)
            st.success(
                f"Incidents and councillors will now be matched to the wards of {as_written(labels[authority])}."
            )
