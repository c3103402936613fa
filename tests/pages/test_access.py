"""Signing in and what each role is offered, through the sign-in form as a person meets it."""

import re
import stat

import pytest
from streamlit.testing.v1 import AppTest

from analytics import audit, store
from analytics.governance import access, accounts
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, ROLES, SAFETY_CHAMPION, VIEWER
from tests.conftest import REPO
from tests.pages.helpers import as_read, everything_shown, new_app, text_of

PASSWORD = "correct horse battery"
ALL_PAGES = list(access.PAGES)


def accounts_for_each_role(database) -> None:
    con = store.connect(database)
    councillor = con.execute("SELECT min(councillor_key) FROM councillors").fetchone()[0]
    for role in ROLES:
        accounts.add_user(
            con, f"{role.replace(' ', '.')}@fernwick.gov.uk", role, actor="test", password=PASSWORD,
            councillor_key=councillor if role == COUNCILLOR else None,
        )  # fmt: skip
    con.close()


def signed_out_app() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.run()
    return app


def sign_in_through_form(app: AppTest, username: str, password: str) -> AppTest:
    app.text_input(key="sign_in_username").input(username)
    app.text_input(key="sign_in_password").input(password)
    next(button for button in app.button if button.label == "Sign in").click()
    app.run()
    assert not app.exception, app.exception
    return app


def shows_data(app: AppTest) -> bool:
    return bool(app.metric or app.dataframe or app.get("plotly_chart") or app.table)


def offered_pages(app: AppTest) -> set[str]:
    """The pages that open for the signed-in user, by address. Every page is registered, so that a link to any
    reaches it; those the role may not open say so instead of showing anything."""
    offered = set()
    for page in ALL_PAGES:
        app.switch_page(f"pages/{page}.py")
        app.run()
        assert not app.exception, (page, app.exception)
        assert any(caption.value.startswith("Signed in as") for caption in app.caption), f"signed out at {page}"
        if "You do not have access to this page" not in text_of(app):
            offered.add(page)
    return offered


@pytest.fixture
def council(sample):
    """The sample council with one account for each role."""
    accounts_for_each_role(sample)
    return sample


def test_nothing_is_shown_before_signing_in(sample):
    app = signed_out_app()
    assert app.title[0].value == "Councillor safety dashboard"
    assert not shows_data(app)
    assert [field.label for field in app.text_input] == ["User name", "Password"]
    assert not app.multiselect, "the filters give ward names away"


def test_the_first_run_writes_the_administrator_password_to_a_file_not_to_the_output(database, capsys):
    app = signed_out_app()
    printed = capsys.readouterr().out
    password_file = database.parent / accounts.FIRST_PASSWORD_FILE
    password = re.search(r"password:\s+(\S+)", password_file.read_text())[1]
    assert password not in printed and "password:" not in printed, "service logs keep the server's output"
    assert f"Its password is in {password_file}" in printed and "delete the file" in printed
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    sign_in_through_form(app, "admin", password)
    assert app.title[0].value == "How much abuse are our councillors facing?"
    assert "Signed in as **Administrator** (administrator)." in [caption.value for caption in app.caption]
    password_file.unlink()
    signed_out_app()
    assert "administrator account" not in capsys.readouterr().out and not password_file.exists(), "only once"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_only_its_pages_and_each_opens(council, role):
    app = sign_in_through_form(signed_out_app(), f"{role.replace(' ', '.')}@fernwick.gov.uk", PASSWORD)
    allowed = {page for page in ALL_PAGES if access.User("x", "x", role).may_open(page)}
    assert offered_pages(app) == allowed
    for page in sorted(allowed - {"retention"}):  # retention's purge is tested on its own database
        app.switch_page(f"pages/{page}.py")
        app.run()
        assert not app.exception, (page, app.exception)
        assert "You do not have access to this page" not in text_of(app), page


def test_the_roles_are_offered_what_the_readme_says(council):
    """The matrix in the README, row by row."""
    expected = {
        ADMINISTRATOR: set(ALL_PAGES) - {"own_risk"},
        "safety officer": set(ALL_PAGES) - {"users", "audit", "retention", "own_risk"},
        SAFETY_CHAMPION: {"overview", "trends", "patterns", "councillors", "incident_log", "surveys", "assessment"}
        | {"requests"},
        COUNCILLOR: {"overview", "trends", "patterns", "incident_log", "surveys", "own_risk", "report"},
        VIEWER: {"overview", "trends", "patterns", "surveys"},
    }
    for role, pages in expected.items():
        assert {page for page in ALL_PAGES if access.User("x", "x", role).may_open(page)} == pages, role


@pytest.mark.parametrize("page", ["review", "incident_log", "councillors", "import_data", "data", "users", "audit"])
def test_a_page_reached_by_its_address_without_permission_shows_nothing(sample, page):
    """A first visit by a link runs the page's own script (see pages.common.open_page): it checks again."""
    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    app.session_state["signed_in_user"] = access.User("test-viewer", "Test viewer", VIEWER)
    app.run()
    assert not app.exception, app.exception
    assert [warning.value for warning in app.warning] == [
        "You do not have access to this page: ask your dashboard's administrator if you need it."
    ]
    assert not shows_data(app) and not app.markdown and not app.get("download_button")


def test_a_page_reached_by_its_address_before_signing_in_shows_nothing(sample):
    app = AppTest.from_file(str(REPO / "pages" / "incident_log.py"), default_timeout=60)
    app.run()
    assert not shows_data(app)


def test_a_wrong_password_is_refused_and_five_lock_the_account(council):
    app = signed_out_app()
    for _ in range(accounts.LOCK_AFTER):
        sign_in_through_form(app, "viewer@fernwick.gov.uk", "not the password")
        assert app.error[0].value == accounts.REFUSED
    sign_in_through_form(app, "viewer@fernwick.gov.uk", PASSWORD)
    assert app.error[0].value == accounts.REFUSED, "the same answer as a wrong password: it tells nothing"
    assert not shows_data(app)
    trail = audit.entries(store.connect(council), actions=(audit.SIGN_IN_FAILED,))
    assert trail["Detail"].tolist()[:2] == ["account locked", "wrong password, locked"]


def test_signing_out_returns_to_the_sign_in_form_and_is_audited(council):
    app = sign_in_through_form(signed_out_app(), "viewer@fernwick.gov.uk", PASSWORD)
    assert shows_data(app)
    app.button(key="sign_out").click().run()
    assert not shows_data(app)
    assert [field.label for field in app.text_input] == ["User name", "Password"]
    trail = audit.entries(store.connect(council), actor="viewer@fernwick.gov.uk")
    assert trail["What"].tolist()[:2] == [audit.SIGNED_OUT, audit.SIGNED_IN]


COUNCIL_SIGN_IN = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-test-secret",
        "microsoft": {
            "client_id": "dashboard",
            "client_secret": "secret",
            "server_metadata_url": "https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration",
        },
    }
}


def test_with_council_sign_in_configured_the_form_offers_it(sample):
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.secrets.update(COUNCIL_SIGN_IN)
    app.run()
    assert "Sign in with your council account" in [button.label for button in app.button]
    assert not shows_data(app)


def test_a_council_account_signs_in_with_the_role_its_e_mail_has(council):
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.secrets.update(COUNCIL_SIGN_IN)
    app.user = {"is_logged_in": True, "email": "Safety.Champion@Fernwick.gov.uk", "name": "Sam"}
    app.run()
    assert not app.exception, app.exception
    assert "Signed in as **safety.champion@fernwick.gov.uk** (safety champion)." in [
        as_read(c.value) for c in app.caption
    ]
    assert offered_pages(app) == {p for p in ALL_PAGES if access.User("x", "x", SAFETY_CHAMPION).may_open(p)}


def test_a_council_account_without_a_dashboard_account_is_told_to_ask(council):
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.secrets.update(COUNCIL_SIGN_IN)
    app.user = {"is_logged_in": True, "email": "someone@elsewhere.org"}
    app.run()
    assert app.error[0].value == (
        "Your council account (someone@elsewhere.org) has no access to this dashboard: "
        "ask its administrator to add you."
    )
    assert not shows_data(app)
    assert audit.entries(store.connect(council), actions=(audit.SIGN_IN_FAILED,))["Who"].tolist() == [
        "someone@elsewhere.org"
    ]


def test_the_signed_in_role_is_what_page_tests_use(sample):
    """new_app (used by every page test) puts a user in the session as the form does."""
    app = new_app(VIEWER)
    app.run()
    assert "Signed in as **Test viewer** (viewer)." in [caption.value for caption in app.caption]


def test_a_change_to_an_account_ends_its_open_session_at_the_next_click(council):
    app = sign_in_through_form(signed_out_app(), "viewer@fernwick.gov.uk", PASSWORD)
    con = store.connect(council)
    accounts.change_user(con, "viewer@fernwick.gov.uk", actor="test", role=SAFETY_CHAMPION)
    app.run()
    assert not shows_data(app)
    assert [field.label for field in app.text_input] == ["User name", "Password"]
    app = sign_in_through_form(app, "viewer@fernwick.gov.uk", PASSWORD)
    assert "councillors" in offered_pages(app), "signed in again, as what the account now is"
    accounts.change_user(con, "viewer@fernwick.gov.uk", actor="test", active=False)
    app.run()
    assert not shows_data(app)
    assert [field.label for field in app.text_input] == ["User name", "Password"]


@pytest.mark.parametrize("role", [SAFETY_CHAMPION, COUNCILLOR, VIEWER])
def test_no_page_shows_a_perpetrator_to_a_role_that_may_not_see_who_they_are(council, role):
    con = store.connect(council)
    people = {name.lower() for row in con.execute(
        "SELECT DISTINCT perpetrator_key, perpetrator_ref FROM incident_facts WHERE perpetrator_key IS NOT NULL"
    ).fetchall() for name in row}  # fmt: skip
    app = sign_in_through_form(signed_out_app(), f"{role.replace(' ', '.')}@fernwick.gov.uk", PASSWORD)
    for page in sorted(offered_pages(app)):
        app.switch_page(f"pages/{page}.py")
        app.run()
        shown = everything_shown(app)
        assert not [person for person in people if person in shown], page


def change_own_password(app: AppTest, current: str, new: str, again: str | None = None) -> AppTest:
    app.text_input(key="own_current_password").input(current)
    app.text_input(key="own_new_password").input(new)
    app.text_input(key="own_new_password_again").input(new if again is None else again)
    next(button for button in app.button if button.label == "Change the password").click()
    app.run()
    assert not app.exception, app.exception
    return app


def test_someone_changes_their_own_password_and_signs_in_with_it(council):
    app = sign_in_through_form(signed_out_app(), "viewer@fernwick.gov.uk", PASSWORD)
    change_own_password(app, "not my password", "a new long passphrase")
    assert [error.value for error in app.error] == ["Your current password is not right: type it again."]
    change_own_password(app, PASSWORD, "a new long passphrase", again="a different one")
    assert [error.value for error in app.error] == ["The two new passwords are not the same: type them again."]
    change_own_password(app, PASSWORD, "short")
    assert [error.value for error in app.error] == ["The password is too short: use at least 12 characters."]
    change_own_password(app, PASSWORD, "a new long passphrase")
    assert [success.value for success in app.success] == ["Your password is changed."]
    assert accounts.sign_in(store.connect(council), "viewer@fernwick.gov.uk", "a new long passphrase")
    trail = audit.entries(store.connect(council), actions=(audit.USER_CHANGED,), actor="viewer@fernwick.gov.uk")
    assert trail["Detail"].tolist() == ["password set", "password change refused: wrong password"]


def test_an_account_without_a_password_is_not_offered_a_password_change(sample):
    app = new_app(VIEWER)
    app.run()
    assert "own_current_password" not in [field.key for field in app.text_input]
