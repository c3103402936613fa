"""Who may see what: the five roles, what each may do, and which pages each may open.

This is the one place these rules live. The navigation offers only the pages a role may open; every page, every
export and every figure asks here again, so a page reached by its address without permission shows nothing.
The README's table of roles is this module written out.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace

from analytics.incidents.filters import IncidentFilter

ADMINISTRATOR = "administrator"
SAFETY_OFFICER = "safety officer"
SAFETY_CHAMPION = "safety champion"
COUNCILLOR = "councillor"
VIEWER = "viewer"
ROLES = (ADMINISTRATOR, SAFETY_OFFICER, SAFETY_CHAMPION, COUNCILLOR, VIEWER)

# What a role may do, in words an information governance officer can check against the README.
AGGREGATES = "see counts, trends and survey results"
SMALL_NUMBERS = "see counts below 5 (others see them hidden)"
INCIDENTS = "see every incident's record, without its description"
OWN_INCIDENTS = "see the incidents recorded against themselves"
DESCRIPTIONS = "read incident descriptions"
IDENTITIES = "see who the perpetrators are (others see a stable pseudonym)"
COUNCILLOR_RISK = "see each councillor's risk and the repeat perpetrators"
SURVEY_COMMENTS = "read survey free-text answers"
SELF_ASSESSMENT = "score the self-assessment"
REVIEWS = "hold post-incident reviews"
IMPORTS = "import data and see rejected rows"
ADMINISTER = "manage users, settings, retention and the audit trail"
REPORT = "report an incident or ask for support, and follow what they raised"
OWN_RISK = "complete their own risk assessment and see their past ones"
REQUEST_COUNTS = "see how many reports and requests are open and overdue"
QUEUE = "work the queue of reports and requests, and read the circumstances councillors share"

_CHAMPION = {AGGREGATES, SMALL_NUMBERS, INCIDENTS, COUNCILLOR_RISK, SURVEY_COMMENTS, SELF_ASSESSMENT, REQUEST_COUNTS}
_OFFICER = _CHAMPION | {DESCRIPTIONS, IDENTITIES, REVIEWS, IMPORTS, REPORT, QUEUE}
ALLOWED: dict[str, frozenset[str]] = {
    ADMINISTRATOR: frozenset(_OFFICER | {ADMINISTER}),
    SAFETY_OFFICER: frozenset(_OFFICER),
    SAFETY_CHAMPION: frozenset(_CHAMPION),
    COUNCILLOR: frozenset({AGGREGATES, OWN_INCIDENTS, REPORT, OWN_RISK}),
    VIEWER: frozenset({AGGREGATES}),
}

# Each page (by its address) and what opening it needs: any one of the capabilities listed.
PAGES: dict[str, tuple[str, ...]] = {
    "overview": (AGGREGATES,),
    "trends": (AGGREGATES,),
    "patterns": (AGGREGATES,),
    "councillors": (COUNCILLOR_RISK,),
    "incident_log": (INCIDENTS, OWN_INCIDENTS),
    "surveys": (AGGREGATES,),
    "assessment": (SELF_ASSESSMENT,),
    "review": (REVIEWS,),
    "import_data": (IMPORTS,),
    "data": (IMPORTS,),
    "users": (ADMINISTER,),
    "audit": (ADMINISTER,),
    "retention": (ADMINISTER,),
    "own_risk": (OWN_RISK,),
    "report": (REPORT,),
    "requests": (QUEUE, REQUEST_COUNTS),
    "individual_risk": (QUEUE,),
}


@dataclass(frozen=True)
class User:
    """Someone signed in: their account, their role, and for a councillor the councillor they are."""

    username: str
    display_name: str
    role: str
    councillor_key: str | None = None

    def may(self, capability: str) -> bool:
        return capability in ALLOWED.get(self.role, frozenset())

    def may_open(self, page: str) -> bool:
        return any(self.may(capability) for capability in PAGES.get(page, ()))

    @property
    def sees_small_numbers(self) -> bool:
        return self.may(SMALL_NUMBERS)


def incidents_visible_to(user: User, incident_filter: IncidentFilter) -> IncidentFilter | None:
    """The filter narrowed to the incident records this user may see one by one; None when they may see none.

    A councillor sees only the incidents recorded against themselves; an account for a councillor that is not
    linked to a councillor in the register sees none.
    """
    if user.may(INCIDENTS):
        return incident_filter
    if user.may(OWN_INCIDENTS) and user.councillor_key:
        return replace(incident_filter, councillors=(user.councillor_key,))
    return None


def reads_description(user: User, councillor_key: str | None) -> bool:
    """Whether this user may read what happened in an incident against this councillor: with DESCRIPTIONS, any
    incident; a councillor, the incidents recorded against themselves."""
    if user.may(DESCRIPTIONS):
        return True
    return user.may(OWN_INCIDENTS) and user.councillor_key is not None and councillor_key == user.councillor_key


def pseudonym(perpetrator_key: str | None, secret: str) -> str | None:
    """A stable stand-in for a perpetrator: the same person reads the same on every page and in every export, and the
    name cannot be worked back from it without the database's secret."""
    if perpetrator_key is None:
        return None
    digest = hmac.new(secret.encode(), perpetrator_key.encode(), hashlib.sha256).hexdigest()
    return f"Person {digest[:6].upper()}"
