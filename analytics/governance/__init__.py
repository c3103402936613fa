"""Who may see and do what, and how long records are kept: the roles and their rules, accounts and sign-in,
signed-in sessions, what a user is shown (pseudonyms, suppressed small numbers), and retention with its purge.
Privacy wraps the incidents' figures for a user, and access states its rules as an incident filter.

May import: analytics (top level), analytics.ingest, analytics.incidents.
"""
