"""Charts and tables as a meeting sees them in a real browser: a viewer never meets an empty chart frame (axes and
a legend with nothing drawn) where every number is hidden, and key tables show their rows without scrolling inside."""

import pytest
from playwright.sync_api import expect

from analytics.governance.access import SAFETY_OFFICER, VIEWER
from tests.browser.conftest import WAIT, open_signed_in, settled

# What Plotly draws for a number: a bar, a line or a point, a heatmap's picture.
MARKS = ".bars path, .scatterlayer path.js-line, .scatterlayer path.point, .heatmaplayer image"


SCROLLS_INSIDE = "box => box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1"


def charts_drawing_nothing(page) -> list[int]:
    charts = page.get_by_test_id("stPlotlyChart")
    return [index for index in range(charts.count()) if charts.nth(index).locator(MARKS).count() == 0]


def test_a_viewer_reads_a_sentence_where_every_number_of_a_chart_is_hidden(cold_dashboard, page):
    for path, chart in (("trends?channels=in+person&split=Ward", "Incidents each month by ward"),
                        ("patterns?channels=letter", "Incidents by ward and channel")):  # fmt: skip
        open_signed_in(page, cold_dashboard, path, VIEWER)
        expect(page.get_by_text(f"{chart}: every number is hidden for your role")).to_be_visible(timeout=WAIT)
        settled(page)
        assert charts_drawing_nothing(page) == []
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)


# The pages' key tables: on What has been imported, the imports (the rejected rows beneath it are the file's own
# columns, as many as it has, and scroll across as a spreadsheet does).
KEY_TABLES = {"councillors": None, "incident_log": None, "surveys": None, "data": 1}


@pytest.mark.parametrize("path", KEY_TABLES)
def test_key_tables_show_every_row_and_column_without_scrolling_inside(cold_dashboard, page, path):
    open_signed_in(page, cold_dashboard, path, SAFETY_OFFICER)
    settled(page)
    expect(page.locator("[data-testid=stDataFrame]:visible").first).to_be_visible(timeout=WAIT)
    boxes = page.locator("[data-testid=stDataFrame] .dvn-scroller")
    scrolling = boxes.evaluate_all(f"boxes => boxes.filter(box => box.offsetParent !== null).map({SCROLLS_INSIDE})")
    assert scrolling and not any(scrolling[: KEY_TABLES[path]])
