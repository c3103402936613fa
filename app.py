"""The councillor safety dashboard: `streamlit run app.py`."""

import streamlit as st

from pages.common import cursor, draw_filters

PAGES_WITHOUT_FILTERS = {"import", "data"}

st.set_page_config(page_title="Councillor safety dashboard", page_icon=":material/shield_person:", layout="wide")

navigation = st.navigation(
    {
        "Understand": [
            st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
            st.Page("pages/patterns.py", title="Patterns", icon=":material/grid_on:", url_path="patterns"),
            st.Page(
                "pages/councillors.py",
                title="Councillors and risk",
                icon=":material/person_alert:",
                url_path="councillors",
            ),
            st.Page("pages/incident_log.py", title="Incident log", icon=":material/list_alt:", url_path="incidents"),
        ],
        "Manage data": [
            st.Page("pages/import_data.py", title="Import", icon=":material/upload_file:", url_path="import"),
            st.Page(
                "pages/data.py",
                title="Imports and rejected rows",
                icon=":material/table_view:",
                url_path="data",
            ),
        ],
    }
)
if navigation.url_path not in PAGES_WITHOUT_FILTERS:
    draw_filters(cursor())
navigation.run()
