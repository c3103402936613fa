"""pages/pages_folder.py works around Streamlit's old pages-folder mode. It is needed only while Streamlit starts a
script beside a folder named pages/ in that mode: this test fails on the Streamlit upgrade that stops doing so."""

import pytest
from streamlit.runtime.pages_manager import PagesManager

from tests.conftest import REPO


@pytest.fixture
def served_navigation():
    """Streamlit as it is here: not started without the old mode, as every other page test is (conftest.py)."""


@pytest.fixture
def undecided(monkeypatch):
    """The mode not yet decided, as when the dashboard's server starts and as AppTest begins every run."""
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)


def test_streamlit_still_starts_the_dashboard_in_its_old_pages_folder_mode(undecided):
    PagesManager(str(REPO / "app.py"))
    assert PagesManager.uses_pages_directory, (
        "Streamlit no longer starts a script beside a pages/ folder in its old pages-folder mode: delete the "
        "workaround, pages/pages_folder.py, with its calls in app.py, pages/common.py and tests/pages/conftest.py, "
        "and this test."
    )
