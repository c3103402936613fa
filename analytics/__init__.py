"""The dashboard's analytics: plain functions over a DuckDB connection, never Streamlit.

The top level holds what every concern shares: the clock, the store (the DuckDB file and its migrations), the
database's secret (keyed), the audit trail, the user's errors, text for the screen and from outside, exports, and the
command line (cli, with __main__). Each concern is a subpackage: ingest (files into tables), incidents (what the log
says), surveys (survey waves), assessment (the toolkit's self-assessment and reviews), governance (who may see and do
what, and how long records are kept), sample (the fictional council). A top-level module imports only other
top-level modules, except the command line, which drives every concern, and the store, which has the
incidents' derived facts built whenever the incidents change.

May import: analytics (top level).
Except: analytics.cli may import analytics.*; analytics.store may import analytics.incidents.facts.
"""
