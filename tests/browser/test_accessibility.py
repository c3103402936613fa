"""What a person using a keyboard or a screen reader checks first: a skip link that is the first thing Tab reaches
and takes them into the page, a browser tab titled after its page, a focus they can see on the navigation, the next
page a few Tabs away, and charts that do not fill the tab order with their toolbars. axe-core's check of every page
is in the roles walk (test_roles.py)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_TITLES, WAIT, navigation, open_from_navigation, open_signed_in, settled

MOST_TABS_TO_THE_SECOND_PAGE = 5
AXIS_TEXT = "g.xtick text, g.ytick text, .xtitle, .ytitle, .gtitle, .legendtext, .colorbar text, .annotation-text"
DASHBOARD = "Councillor safety dashboard"

_FOCUSED = """() => {
    const focused = document.activeElement;
    const style = getComputedStyle(focused);
    return {
        text: focused.innerText || "",
        inMain: Boolean(focused.closest("[data-testid=stMain]")),
        inChart: Boolean(focused.closest("[data-testid=stPlotlyChart]")),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== "none",
    };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(_FOCUSED)


def signed_in_overview(page: Page, dashboard) -> None:
    """The Overview as it first appears to a person who has signed in, nothing on it focused."""
    open_signed_in(page, dashboard, "", "administrator")
    page.reload()
    expect(navigation(page)).to_be_visible(timeout=WAIT)
    settled(page)


def test_the_skip_link_is_the_first_tab_and_moves_focus_into_the_page(cold_dashboard, page):
    signed_in_overview(page, cold_dashboard)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["inMain"]


def test_each_page_has_its_own_title_in_the_browser_tab(cold_dashboard, page):
    page.goto(cold_dashboard.address(""))
    expect(page).to_have_title(f"Sign in – {DASHBOARD}", timeout=WAIT)
    open_signed_in(page, cold_dashboard, "", "administrator")
    expect(page).to_have_title(f"Overview – {DASHBOARD}", timeout=WAIT)
    for name in ("trends", "incident_log", "users"):
        open_from_navigation(page, name)
        expect(page).to_have_title(f"{PAGE_TITLES[name]} – {DASHBOARD}", timeout=WAIT)


def test_the_focused_navigation_link_shows_its_focus_and_the_second_page_is_a_few_tabs_away(cold_dashboard, page):
    signed_in_overview(page, cold_dashboard)
    tabs = 0
    while not focused(page)["text"].endswith(PAGE_TITLES["trends"]):
        assert tabs < MOST_TABS_TO_THE_SECOND_PAGE, f"Trends, the second page, is more than {tabs} Tabs away"
        page.keyboard.press("Tab")
        tabs += 1
    print(f"Tabs from the page's load to the second page's link: {tabs}")
    shown = focused(page)
    assert shown["outline"] or shown["shadow"], "the focused navigation link looks no different"


def test_a_chart_adds_at_most_one_stop_to_the_tab_order(cold_dashboard, page):
    """Plotly's toolbar adds seven buttons a chart that nobody in a meeting uses; Streamlit's full screen is one."""
    signed_in_overview(page, cold_dashboard)
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.first).to_be_visible(timeout=WAIT)
    page.get_by_text("Skip to main content").focus()
    page.keyboard.press("Enter")
    stops_in_charts = 0
    for _ in range(200):
        page.keyboard.press("Tab")
        where = focused(page)
        if not where["inMain"]:
            break
        stops_in_charts += where["inChart"]
    print(f"Tab stops in the Overview's {charts.count()} charts: {stops_in_charts}")
    assert stops_in_charts <= charts.count()


def contrast_on_white(colour: str) -> float:
    """WCAG's contrast ratio of an "rgb(r, g, b)" colour against the white the charts are drawn on."""

    def linear(channel: str) -> float:
        value = int(channel) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = map(linear, re.findall(r"\d+", colour)[:3])
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def test_chart_titles_axes_and_legends_keep_4_5_to_1(cold_dashboard, page):
    """axe does not look at a chart's text (SVG), so the colours Plotly draws it in are checked here."""
    open_signed_in(page, cold_dashboard, "", "administrator")
    open_from_navigation(page, "patterns")
    expect(page.locator(AXIS_TEXT).first).to_be_visible(timeout=WAIT)
    settled(page)
    colours = set(page.locator(AXIS_TEXT).evaluate_all("texts => texts.map(text => getComputedStyle(text).fill)"))
    assert {colour: round(contrast_on_white(colour), 2) for colour in colours if contrast_on_white(colour) < 4.5} == {}
