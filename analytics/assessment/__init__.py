"""The toolkit's self-assessment (its sections as data in the frameworks/ folder), what the council's data says
about each statement, and post-incident reviews with their actions. It reads incidents' risk levels and the
incident log, never writes them.

May import: analytics (top level), analytics.ingest, analytics.incidents.
"""
