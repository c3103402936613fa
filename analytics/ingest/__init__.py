"""Files into tables: bytes read as a table of text (CSV, workbooks, legacy .xls), each column matched to a field
of the data contract, values and dates normalised in the council's words, wards and councillors matched to the
registers, and the one-transaction import with its log and quarantine. It knows nothing of what the incidents mean,
so it imports only the shared top level.

May import: analytics (top level).
"""
