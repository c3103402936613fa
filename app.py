"""The councillor safety dashboard: `streamlit run app.py`.

Each page's address is its file name (pages/trends.py is /trends), which Streamlit also uses when it runs a page
without this file first; see pages.common.open_page.
"""

import streamlit as st

from pages.common import cursor, draw_filters

PAGES_WITHOUT_FILTERS = {"import_data", "data", "surveys", "assessment", "review"}

st.set_page_config(page_title="Councillor safety dashboard", page_icon=":material/shield_person:", layout="wide")

navigation = st.navigation(
    {
        "Understand": [
            st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:"),
            st.Page("pages/patterns.py", title="Patterns", icon=":material/grid_on:"),
            st.Page("pages/councillors.py", title="Councillors and risk", icon=":material/person_alert:"),
            st.Page("pages/incident_log.py", title="Incident log", icon=":material/list_alt:"),
            st.Page("pages/surveys.py", title="Councillor surveys", icon=":material/forum:"),
        ],
        "Act": [
            st.Page("pages/assessment.py", title="Self-assessment", icon=":material/checklist:"),
            st.Page("pages/review.py", title="Post-incident review", icon=":material/groups:"),
        ],
        "Manage data": [
            st.Page("pages/import_data.py", title="Import", icon=":material/upload_file:"),
            st.Page("pages/data.py", title="Imports and rejected rows", icon=":material/table_view:"),
        ],
    }
)
if navigation.url_path not in PAGES_WITHOUT_FILTERS:
    draw_filters(cursor())
navigation.run()
