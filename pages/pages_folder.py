"""Streamlit's old pages-folder mode, switched off: the one place the dashboard reaches into Streamlit's insides.

Because a folder named pages/ sits beside app.py, Streamlit starts in its old pages-folder mode (every script in
pages/ a page of its own, app.py among them) and keeps it until st.navigation has run once in the process. So a
freshly started dashboard's first run is in that mode: by a link to a page, the page runs bare (no navigation, no
filters); at the root, app.py runs as one of its pages, so the sign-in form it draws is not the form the next run
draws, and the first sign-in is lost. AppTest starts every run of app.py in that mode.

Streamlit 1.67 has no setting or API that switches the mode off (`client.showSidebarNavigation` only hides its
navigation), so both workarounds here set the flag st.navigation itself sets, `PagesManager.uses_pages_directory`.

When to remove it: when tests/pages/test_pages_folder.py fails, the Streamlit upgrade no longer starts app.py in
the old mode; delete this module and its calls in app.py, pages/common.py and tests/pages/conftest.py.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def leave_pages_folder_mode() -> None:
    """For the served dashboard: before anything is drawn, switch the old mode off and run again, so that app.py
    draws the sign-in form, navigation and filters itself and then runs the page found by the same address."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def start_app_tests_without_it(monkeypatch) -> None:
    """For the page tests: start every AppTest run as the served dashboard runs after its first visit, through
    app.py's st.navigation. `monkeypatch` is pytest's, which puts Streamlit back as it was after each test."""
    start = PagesManager.__init__

    def start_without_pages_folder_mode(self, *args, **kwargs):
        start(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", start_without_pages_folder_mode)
