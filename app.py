"""The councillor safety dashboard: `streamlit run app.py`.

Each page's address is its file name (pages/trends.py is /trends), which Streamlit also uses when it runs a page
without this file first; see pages.common.open_page. Nothing is shown until someone signs in, and the navigation
offers only the pages their role may open (analytics.access); each page checks again.
"""

import streamlit as st

from pages.common import cursor, draw_filters
from pages.sign_in import draw_account, sign_in

PAGES_WITHOUT_FILTERS = {"import_data", "data", "surveys", "assessment", "review", "users", "audit", "retention"}
SECTIONS = {
    "Understand": [
        ("overview", "Overview", ":material/dashboard:"),
        ("trends", "Trends", ":material/trending_up:"),
        ("patterns", "Patterns", ":material/grid_on:"),
        ("councillors", "Councillors and risk", ":material/person_alert:"),
        ("incident_log", "Incident log", ":material/list_alt:"),
        ("surveys", "Councillor surveys", ":material/forum:"),
    ],
    "Act": [
        ("assessment", "Self-assessment", ":material/checklist:"),
        ("review", "Post-incident review", ":material/groups:"),
    ],
    "Manage data": [
        ("import_data", "Import", ":material/upload_file:"),
        ("data", "Imports and rejected rows", ":material/table_view:"),
    ],
    "Administer": [
        ("users", "Users", ":material/manage_accounts:"),
        ("audit", "Audit trail", ":material/history:"),
        ("retention", "Retention", ":material/auto_delete:"),
    ],
}

st.set_page_config(page_title="Councillor safety dashboard", page_icon=":material/shield_person:", layout="wide")


def pages_for(may_open) -> dict[str, list[st.Page]]:
    """The navigation's sections, holding only the pages `may_open` allows; sections left empty are dropped."""
    sections = {
        section: [
            st.Page(f"pages/{name}.py", title=title, icon=icon, default=name == "overview")
            for name, title, icon in pages
            if may_open(name)
        ]
        for section, pages in SECTIONS.items()
    }
    return {section: pages for section, pages in sections.items() if pages}


con = cursor()
user = sign_in(con)
if user is None:
    st.navigation(pages_for(lambda name: True), position="hidden")  # keeps the address the visitor came by
    st.stop()
navigation = st.navigation(pages_for(user.may_open))
draw_account(con, user)
if navigation.url_path not in PAGES_WITHOUT_FILTERS:
    draw_filters(con)
navigation.run()
