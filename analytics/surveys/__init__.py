"""Survey waves: exports from the survey tools read (through ingest's reader) with identities dropped, questions
mapped to the data contract's measures, results counted and compared between waves, and the national benchmarks
(the reference/ folder). Every count of people shown passes through governance's suppression.

May import: analytics (top level), analytics.ingest, analytics.governance.
"""
