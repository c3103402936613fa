"""Self-assessment: how well does our approach meet the toolkit's statements?"""

import streamlit as st

from pages.common import open_page

con = open_page()
st.title("Score our approach")
