"""The councillor safety dashboard: `streamlit run app.py`.

This file is two things. `streamlit run` imports it and finds `app`, the server: Streamlit with the dashboard's
own address beside it (pages/sessions.py, where a browser that signed in collects its session cookie) and its
guard on every response (pages/server.py: security headers, downloads only for a signed-in browser, no error's
details shown). Then, for every run of every page, Streamlit runs it as the router (`route`): sign-in first, then
the navigation.

Each page's address is its file name (pages/trends.py is /trends), which Streamlit also uses when it runs a page
without this file first; see pages/pages_folder.py. Nothing is shown until someone signs in, and the navigation
offers only the pages their role may open (analytics.governance.access); each page checks again.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from pages.common import cursor, draw_filters
from pages.connection import command_line_copy_kept
from pages.pages_folder import leave_pages_folder_mode
from pages.server import Guard, on_error
from pages.sessions import CLAIM_ROUTE
from pages.sign_in import current_user, draw_account, draw_sign_in

PAGES_WITHOUT_FILTERS = {
    *("import_data", "data", "surveys", "assessment", "review", "users", "audit", "retention"),
    *("own_risk", "report", "requests", "individual_risk"),
}
SECTIONS = {
    "Understand": [
        ("overview", "Overview", ":material/dashboard:"),
        ("trends", "Trends", ":material/trending_up:"),
        ("patterns", "Patterns", ":material/grid_on:"),
        ("councillors", "Councillors and risk", ":material/person_alert:"),
        ("incident_log", "Incident log", ":material/list_alt:"),
        ("surveys", "Councillor surveys", ":material/forum:"),
    ],
    "Report and get support": [
        ("report", "Report an incident", ":material/report:"),
        ("own_risk", "Assess my own risk", ":material/shield_person:"),
    ],
    "Act": [
        ("assessment", "Self-assessment", ":material/checklist:"),
        ("review", "Post-incident review", ":material/groups:"),
        ("requests", "New reports and requests", ":material/inbox:"),
        ("individual_risk", "Individual risk assessments", ":material/assignment_ind:"),
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

ICON = Path(__file__).parent / "pages" / "favicon.png"  # served by the dashboard; a :material: icon is Google's
TITLE = "Councillor safety dashboard"
STYLE = Path(__file__).parent / "pages" / "accessibility.css"


def tab_title(page: str) -> None:
    """The browser tab says which page it holds, so tabs, history and a screen reader tell them apart (WCAG 2.4.2)."""
    st.set_page_config(page_title=f"{page} – {TITLE}")


def pages_for(may_open) -> dict[str, list[st.Page]]:
    """The navigation's sections, listing the pages `may_open` allows (sections left empty are dropped). Every
    other page is registered too, unlisted, so that a link to it says the person has no access to it
    (pages.common.open_page) rather than silently showing the Overview."""

    def page(name: str, title: str, icon: str, listed: bool) -> st.Page:
        visibility = "visible" if listed else "hidden"
        return st.Page(f"pages/{name}.py", title=title, icon=icon, default=name == "overview", visibility=visibility)

    sections = {
        section: [page(*entry, True) for entry in pages if may_open(entry[0])] for section, pages in SECTIONS.items()
    }
    unlisted = [page(*entry, False) for pages in SECTIONS.values() for entry in pages if not may_open(entry[0])]
    return {section: pages for section, pages in sections.items() if pages} | ({"": unlisted} if unlisted else {})


def route() -> None:
    leave_pages_folder_mode()
    st.set_page_config(page_title=TITLE, page_icon=str(ICON), layout="wide")
    st.html(STYLE)
    con = cursor()
    user = current_user(con)
    if user is None:
        st.navigation(pages_for(lambda name: True), position="hidden")  # keeps the address the visitor came by
        tab_title("Sign in")
        draw_sign_in(con)
        st.stop()
    navigation = st.navigation(pages_for(user.may_open))
    tab_title(navigation.title)
    draw_account(con, user)
    if navigation.url_path not in PAGES_WITHOUT_FILTERS:
        draw_filters(con)
    navigation.run()


if __name__ == "__main__":
    route()
else:
    app = st.App(
        __file__,
        lifespan=command_line_copy_kept,
        routes=[CLAIM_ROUTE],
        middleware=[Middleware(Guard)],
        on_script_error=on_error,
    )
