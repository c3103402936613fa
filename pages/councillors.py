"""Councillors and risk: whose risk has risen, and who needs escalating?"""

import streamlit as st

from pages.common import incident_filter, open_page

con = open_page()
incident_filter(con)
st.title("Whose risk has risen?")
