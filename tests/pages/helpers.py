"""What the page tests share: an app with someone signed in, and the page as its reader sees it."""

import base64
import re

import numpy as np
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.governance import accounts, sessions
from analytics.governance.access import SAFETY_OFFICER, User
from analytics.text import WORD_JOINER
from pages.sign_in import SESSION_KEY
from tests.conftest import REPO

BAD_ROW = "INC-9,31/02/2026,Ann Lee,Castle Hill,Email,Verbal abuse,,,Open"


def new_app(role: str = SAFETY_OFFICER, councillor_key: str | None = None) -> AppTest:
    """The dashboard with someone in `role` signed in (the sign-in form itself is tested in test_access)."""
    username = f"test-{role}" + (f"-{councillor_key}" if councillor_key else "")
    con = store.connect()  # the database the app under test opens
    if not con.execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchone()[0]:
        accounts.add_user(con, username, role, actor="test", display_name=f"Test {role}", councillor_key=councillor_key)
    session_id, _ = sessions.start(con, username)
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.session_state["signed_in_user"] = User(username, f"Test {role}", role, councillor_key)
    app.session_state[SESSION_KEY] = session_id
    return app


def taken(downloads: dict, file_name: re.Pattern) -> bytes:
    """The file a download button hands out, made as pressing it makes it (see the `downloads` fixture)."""
    [write] = [write for name, write in downloads.items() if file_name.fullmatch(name)]
    return write()


def open_app(
    page: str | None = None, role: str = SAFETY_OFFICER, councillor_key: str | None = None, **query: str
) -> AppTest:
    """The dashboard opened by someone in `role` (a councillor: the one `councillor_key` names), by a link with
    `query` in it, then `page` chosen."""
    app = new_app(role, councillor_key)
    app.query_params.update(query)
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, app.exception
    return app


def chart_values(values) -> list:
    """Plotly sends numeric arrays as base64 typed arrays; give them back as a flat list."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(np.ravel(values))


def table_with(app: AppTest, column: str):
    """The first table on the page that has this column, as the user reads it."""
    return next(table.value for table in app.dataframe if column in table.value.columns)


def as_read(markdown: str) -> str:
    """Markdown as a person reads it on the page: a backslash-escaped character is the character, and the invisible
    word joiners that stop automatic links (analytics.text) are not seen."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def text_of(app: AppTest) -> str:
    elements = [*app.markdown, *app.info, *app.success, *app.error, *app.warning]
    return "\n".join(as_read(element.value) for element in elements)


def everything_shown(app: AppTest) -> str:
    """Every word and number on the page, in its tables and in its charts, in lower case."""
    parts = [text_of(app), *(as_read(caption.value) for caption in app.caption)]
    parts += [as_read(expander.label) for expander in app.expander]
    parts += [table.value.to_csv() for table in app.dataframe] + [chart.proto.spec for chart in app.get("plotly_chart")]
    parts += [f"{metric.label} {metric.value}" for metric in app.metric]
    return "\n".join(parts).lower()


def audit_rows(database, action: str) -> list[tuple]:
    con = store.connect(database)
    rows = con.execute(
        "SELECT actor, subject, detail FROM audit_log WHERE action = ? ORDER BY entry", [action]
    ).fetchall()
    con.close()
    return rows
