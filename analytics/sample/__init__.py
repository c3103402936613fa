"""The fictional sample council: its files generated (the log, registers and two survey waves), loaded through
the same importers as a council's own files, moved to end in the clock's latest complete month, and removed.

May import: analytics (top level), analytics.ingest, analytics.incidents, analytics.surveys, analytics.support.
"""
