"""Trends: is abuse getting worse?"""

import streamlit as st

from pages.common import incident_filter, open_page

con = open_page()
incident_filter(con)
st.title("Is abuse getting worse?")
