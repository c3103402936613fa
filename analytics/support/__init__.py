"""What councillors raise themselves, and the officers' queue behind it: incidents they report into the log, their
requests for support, and their own risk assessments (the toolkit's statements 2.1.1 to 2.1.4: councillors assess
their own risk, get guidance that fits, and flag when they need support from officers).

May import: analytics (top level), analytics.ingest, analytics.incidents, analytics.governance, analytics.assessment.
"""
