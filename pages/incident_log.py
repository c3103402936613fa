"""Incident log: the incidents behind the figures."""

import streamlit as st

from pages.common import incident_filter, open_page

con = open_page()
incident_filter(con)
st.title("Incident log")
