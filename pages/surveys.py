"""Surveys: what do our councillors tell us?"""

import streamlit as st

from pages.common import open_page

con = open_page()
st.title("What do our councillors tell us?")
