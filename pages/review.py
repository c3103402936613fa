"""Post-incident review: prepare and record the review meeting for one incident."""

import streamlit as st

from pages.common import open_page

con = open_page()
st.title("Prepare a post-incident review")
