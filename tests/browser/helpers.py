"""What the browser tests share besides their fixtures: what each page says."""

NO_ACCESS = "You do not have access to this page"

HEADINGS = {
    "overview": "How much abuse are our councillors facing?",
    "trends": "Is abuse getting worse?",
    "patterns": "Where is abuse concentrated?",
    "councillors": "Whose risk has risen?",
    "incident_log": "Which incidents are behind the figures?",
    "surveys": "What do our councillors tell us?",
    "assessment": "Score our approach",
    "review": "Prepare a post-incident review",
    "import_data": "Import your data",
    "data": "What has been imported?",
    "users": "Who can use the dashboard?",
    "audit": "Who did what, and when?",
    "retention": "How long is data kept?",
    "report": "Report an incident",
    "own_risk": "Assess my own risk",
    "requests": "New reports and requests",
    "individual_risk": "Record an individual risk assessment",
}
