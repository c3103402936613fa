"""What the incident log says: the sidebar's filter as SQL, the incidents' derived facts (incident_facts and the
tables built with it), headline figures, trends, patterns, unusual rises, repeat perpetrators, suggested risk levels,
the alerts digest, and the incident log itself.
It reads dates and value lists from ingest, and the incident log asks governance which incidents and fields a user
may see.

May import: analytics (top level), analytics.ingest, analytics.governance.
"""
