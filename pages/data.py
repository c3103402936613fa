"""Imports and rejected rows: what has been imported, and the rows that need correcting."""

import streamlit as st

from analytics import audit
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.governance.access import IMPORTS
from analytics.ingest import labels
from analytics.ingest.batches import list_batches, rejected_rows
from analytics.sample import demo
from analytics.text import cut
from pages.common import EXCEL, current_user, download, open_page, table, whole_table

con = open_page("data")
st.title("What has been imported?")
batches = list_batches(con)
if batches.empty:
    st.info("Nothing has been imported yet: start on the Import page.", icon=":material/upload_file:")
    st.stop()

if demo.sample_loaded(con):
    with st.expander("Remove the fictional sample council", icon=":material/delete:"):
        st.markdown(
            "Ready to use your own data? This deletes everything the sample brought in (its wards, councillors, "
            "incidents and imports) and keeps anything you imported yourself."
        )
        if st.button("Remove the sample data", key="remove_sample", type="primary"):
            demo.remove_sample(con)
            audit.record(
                con,
                current_user().username,
                audit.REMOVED_SAMPLE,
                "fictional sample council",
                "removed its wards, councillors, incidents, imports and survey waves",
            )
            st.cache_data.clear()
            st.rerun()

total_rejected = int(batches["rejected"].sum())
st.markdown(
    f"**{len(batches)} imports** so far. {total_rejected:,} rows could not be imported; each is kept below with "
    "the reason, ready to download, correct and import again."
)
shown = batches.assign(
    imported_at=batches["imported_at"].dt.strftime("%d/%m/%Y %H:%M"),
    sheet=batches["sheet"].fillna(""),
    dataset=batches["dataset"].map(labels.category),
)
whole_table(
    shown.drop(columns=["warnings"]).rename(
        columns={
            "batch_id": "Batch",
            "dataset": "What",
            "file_name": "File",
            "sheet": "Sheet",
            "imported_at": "Imported",
            "rows_read": "Rows read",
            "inserted": "New",
            "updated": "Updated",
            "unchanged": "Unchanged",
            "rejected": "Kept aside",
        }
    ),
    {
        "Batch": 90,
        "What": 110,
        "File": 160,
        "Sheet": 90,
        "Imported": 130,
        "Rows read": 70,
        "New": 60,
        "Updated": 70,
        "Unchanged": 80,
        "Kept aside": 70,
    },  # fmt: skip
    wrapping=True,
)

with_rejections = batches[batches["rejected"] > 0]
if with_rejections.empty:
    st.success("Every row of every import was accepted.")
    st.stop()

st.header("Rows that could not be imported")
imports_named = {
    row.batch_id: f"{row.file_name}, imported {row.imported_at:%d/%m/%Y %H:%M} ({row.rejected} rows)"
    for row in with_rejections.itertuples()
}
batch_id = st.selectbox("Import", list(imports_named), format_func=lambda batch: cut(imports_named[batch]), key="batch")
rows = rejected_rows(con, batch_id)
table(rows, {}, hide_index=True)
stem = f"rejected-rows-{batch_id}"
what = f"rejected rows of {imports_named[batch_id]}"
left, right = st.columns(2)
with left:
    download(
        "Download as CSV",
        lambda *_: to_csv_bytes(rows),
        f"{stem}.csv",
        "text/csv",
        key="download_csv",
        what=what,
        needs=IMPORTS,
    )
with right:
    download(
        "Download as Excel",
        lambda *_: to_excel_bytes(rows, "Rejected rows"),
        f"{stem}.xlsx",
        EXCEL,
        key="download_xlsx",
        what=what,
        needs=IMPORTS,
    )
