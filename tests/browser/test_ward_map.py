"""The map of the wards in a real browser: drawn for the sample council as it loads, and for a council whose ONS
boundaries are imported through the Import page, a shape for each ward, and nothing asked of another host (the
`outside` fixture fails a test whose browser does). The README's screenshots are taken here."""

from playwright.sync_api import Page, expect

from analytics import store
from analytics.governance.access import SAFETY_OFFICER, VIEWER
from analytics.ingest.registers import council_wards
from pages.charts import WARD_MAP_TITLE
from tests.browser.conftest import WAIT, open_from_navigation, open_signed_in, serve, settled
from tests.builders import ons_boundaries
from tests.conftest import REPO

SCREENSHOTS = REPO / "docs" / "screenshots"
README_VIEWPORT = {"width": 1280, "height": 900}
FERNWICK_WARDS = 20


def the_map(page: Page):
    return page.get_by_test_id("stPlotlyChart").filter(has_text=WARD_MAP_TITLE)


def wards_drawn(page: Page, count: int) -> None:
    """Each ward's filled shape is in the map's drawing."""
    expect(the_map(page).locator("path.js-fill")).to_have_count(count, timeout=WAIT)


def test_the_sample_councils_wards_are_drawn_and_the_readme_screenshots_taken(cold_dashboard, page, outside):
    page.set_viewport_size(README_VIEWPORT)
    open_signed_in(page, cold_dashboard, "", SAFETY_OFFICER)
    settled(page)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "overview.png")
    open_from_navigation(page, "patterns")
    settled(page)
    wards_drawn(page, FERNWICK_WARDS)
    the_map(page).scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    the_map(page).screenshot(path=SCREENSHOTS / "ward-map.png")
    name = the_map(page).locator("g.textpoint text", has_text="Fernwick Central").bounding_box()
    page.mouse.move(name["x"] + name["width"] / 2, name["y"] + name["height"] + 4)  # inside the ward, below its name
    expect(the_map(page).locator(".hoverlayer")).to_contain_text("Fernwick Central: 56.7 incidents per councillor")
    assert outside.asked == []


def test_a_viewer_sees_the_map_too(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "patterns", VIEWER)
    settled(page)
    wards_drawn(page, FERNWICK_WARDS)


def test_a_councils_own_ons_boundaries_imported_in_the_browser_are_drawn(council_copy, tmp_path, page):
    con = store.connect(council_copy)
    con.execute("DELETE FROM ward_boundaries")
    wards = council_wards(con)
    con.close()
    boundaries = tmp_path / "Wards_December_2023_Boundaries_UK_BGC.geojson"
    boundaries.write_bytes(ons_boundaries(dict(zip(wards["ward_name"], wards["ward_code"], strict=True)), grid="BNG"))
    with serve(council_copy, tmp_path) as dashboard:
        open_signed_in(page, dashboard, "patterns", SAFETY_OFFICER)
        settled(page)
        expect(page.get_by_text("add your ward boundaries on the Import page")).to_be_visible()
        open_from_navigation(page, "import_data")
        settled(page)
        page.get_by_text("Ward boundaries (for the map)", exact=True).click()
        settled(page)
        page.locator("input[type=file]").first.set_input_files(boundaries)
        page.get_by_role("button", name="Import the boundaries").click()
        expect(page.get_by_text(f"Stored the boundaries of {len(wards)} wards")).to_be_visible(timeout=WAIT)
        open_from_navigation(page, "patterns")
        settled(page)
        wards_drawn(page, len(wards))
