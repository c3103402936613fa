"""Patterns: where is abuse concentrated, and who is targeted?"""

import streamlit as st

from pages.common import incident_filter, open_page

con = open_page()
incident_filter(con)
st.title("Where is abuse concentrated?")
