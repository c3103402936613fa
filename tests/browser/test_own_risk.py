"""A councillor assesses their own risk in a browser: a level with its reasons and guidance for each risk found, a
request for an officer's support in the officers' queue, and the self-assessment's indicators moved by it (issue
#16's second Done-when)."""

import re

from playwright.sync_api import Page, expect

from analytics import clock, store
from analytics.assessment.indicators import indicators
from analytics.governance.access import COUNCILLOR, SAFETY_OFFICER
from tests.browser.conftest import WAIT, Received, open_signed_in, screenshot, settled

ANSWERS = {
    "Are you the leader": "yes",
    "Do you chair": "no",
    "planning or licensing committee": "no",
    "contentious local issue": "yes",
    "in the local or national media": "now and then",
    "Where do you hold ward surgeries": "at my home",
    "visit residents in their homes": "yes",
    "often work alone": "no",
    "after dark": "yes",
    "no phone signal": "no",
    "use social media as a councillor": "public accounts as a councillor",
    "home address published": "yes",
    "Do you live alone": "yes",
}


def by_statement(found, name: str):
    return next(indicator for indicator in found if indicator.name == name)


def _indicator_sentences(chromium, dashboard) -> tuple[str, str, str]:
    """What the Self-assessment page says of statements 2.1.1, 2.1.2 (guidance) and 2.1.4, as a safety officer
    reads it in a browser of their own."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        received = Received(page)
        open_signed_in(page, dashboard, "assessment", SAFETY_OFFICER)
        settled(page)
        return (
            received.said(page, r"own risk assessment in the last 12 months \("),
            received.said(page, r"(given guidance|has found a risk)"),
            received.said(page, r"at high risk"),
        )
    finally:
        context.close()


def _queued(chromium, dashboard) -> set[str]:
    """The references the safety officer's queue (New reports and requests) sends their browser."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        received = Received(page)
        open_signed_in(page, dashboard, "requests", SAFETY_OFFICER)
        return set(received.dataframes_sent(page, "request_id")[-1]["request_id"])
    finally:
        context.close()


def _answer(page: Page) -> None:
    for question, answer in ANSWERS.items():
        group = page.get_by_test_id("stRadio").filter(has_text=question)
        group.get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="See my level and guidance").click()


def test_a_councillor_assesses_their_own_risk_asks_for_support_and_the_indicators_move(
    cold_dashboard, chromium, page, received
):
    before = _indicator_sentences(chromium, cold_dashboard)
    open_signed_in(page, cold_dashboard, "own_risk", COUNCILLOR)
    expect(page.get_by_role("heading", name="Assess my own risk")).to_be_visible(timeout=WAIT)
    _answer(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Your risk is (low|medium|high)$"))).to_be_visible()
    level = page.get_by_role("heading", name=re.compile(r"^Your risk is ")).inner_text().split()[-1]
    for reason in ("You hold a leading role (leader or cabinet).", "You hold surgeries at your home.",
                   "Your home address is published.", "You live alone."):  # fmt: skip
        expect(page.get_by_text(reason, exact=True)).to_be_visible()
    for guidance in ("Leeds City Council", "lone-worker device", "withhold your home address", "privacy settings",
                     "home security assessment"):  # fmt: skip
        expect(page.get_by_text(re.compile(re.escape(guidance))).first).to_be_visible()
    settled(page)
    screenshot(page, COUNCILLOR, "own-risk-result")

    page.get_by_role("button", name="I'd like an officer to contact me").click()
    reference = re.search(r"R-[0-9A-F]{8}", received.said(page, r"your reference is R-"))[0]
    expect(page.get_by_role("button", name="I'd like an officer to contact me")).to_have_count(0)
    settled(page)
    screenshot(page, COUNCILLOR, "own-risk-asked")

    assert reference in _queued(chromium, cold_dashboard)
    after = _indicator_sentences(chromium, cold_dashboard)
    done_before, everyone = map(int, re.search(r"(\d+) of (\d+) councillors", before[0]).groups())
    assert re.search(r"(\d+) of (\d+) councillors", after[0]).groups() == (str(done_before + 1), str(everyone))
    found_before, found_after = (int(re.search(r"of (\d+) risks found", said)[1]) for said in (before[1], after[1]))
    assert found_after > found_before and "were given guidance (100%)" in after[1]

    stored = cold_dashboard.rows(
        """SELECT r.request_id, r.kind, r.threat, r.state, r.summary, a.level FROM requests r
           JOIN own_risk_assessments a USING (request_id) WHERE a.completed_by = ?""",
        [COUNCILLOR],
    )
    assert len(stored) == 1
    request_id, kind, threat, state, summary, kept_level = stored[0]
    assert (request_id, kind, threat, state, kept_level) == (reference, "support request", level, "new", level)
    assert "alone" not in summary
    con = store.connect(cold_dashboard.database)
    supported = by_statement(indicators(con, clock.today()), "Individual support for high-risk councillors")
    con.close()
    assert after[2].endswith(supported.sentence)  # 2.1.4 as the data now says, the councillor's request counted
