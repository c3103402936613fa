import io

import openpyxl
import pandas as pd

from analytics.exports import formula_safe, to_csv_bytes, to_excel_bytes, without_formula_guard

RISKY = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def test_cells_a_spreadsheet_would_run_are_neutralised():
    safe = formula_safe(pd.DataFrame({"cell": [*RISKY, "plain", None], "count": range(8)}))
    assert safe["cell"][:6].tolist() == ["'" + cell for cell in RISKY]
    assert safe["cell"][6] == "plain" and pd.isna(safe["cell"][7])
    assert safe["count"].tolist() == list(range(8))


def test_excel_export_holds_formulas_as_text():
    workbook = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(pd.DataFrame({"cell": RISKY}))))
    cells = [row[0] for row in workbook.active.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert cells[0].value == '\'=HYPERLINK("http://x")'


def test_csv_export_starts_every_risky_cell_with_an_apostrophe():
    text = to_csv_bytes(pd.DataFrame({"cell": ['=HYPERLINK("http://x")']})).decode("utf-8-sig")
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"")"'


def test_guarded_cells_read_back_as_they_were():
    cells = pd.Series([*RISKY, "'quoted", "plain"])
    assert without_formula_guard(formula_safe(pd.DataFrame({"cell": cells}))["cell"]).tolist() == cells.tolist()
