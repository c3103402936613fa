"""Councillors written in a log as officers write them, linked to the register."""

import pandas as pd

from analytics.ingest import registers
from tests.builders import councillor, load_councillors


def test_a_councillor_written_with_honorifics_initials_or_surname_alone_links_to_the_register(con):
    load_councillors(con, [councillor("Joan Whitby", "Abbey"), councillor("Ann Smith", "Brook")])
    written = ["Cllr Joan Whitby", "Councillor Whitby", "Cllr. J. Whitby", "Cllr Dr Joan Whitby", "Mrs J Whitby"]
    [joan] = con.execute("SELECT councillor_key FROM councillors WHERE name = 'Joan Whitby'").fetchone()
    assert registers.councillor_keys(con, pd.Series(written, dtype="str")).tolist() == [joan] * 5


def test_the_office_is_taken_off_a_stored_name_but_other_titles_are_kept_as_written():
    names = pd.Series(["Cllr  Zoë Hart", "County Councillor Ann Lee", "Dr Jane Smith"], dtype="str")
    assert registers.without_title(names).tolist() == ["Zoë Hart", "Ann Lee", "Dr Jane Smith"]
