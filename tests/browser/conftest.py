"""The real dashboard in a real browser: a server started cold on a free local port over a database of the test's
own, and Debian's Chromium driven by Playwright (never a downloaded browser).

Every page a test opens fails the test if the browser asks any host but the dashboard itself (a font, an icon or a
script from the internet would tell a third party who uses the dashboard, and fails on a council network).
Screenshots go to artefacts/screenshots/ (git-ignored) for a person to look through.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from analytics import store
from analytics.governance import accounts, sessions
from analytics.governance.access import ROLES
from analytics.sample.demo import load_sample
from app import SECTIONS
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
PASSWORD = "a browser test password"
SCREENSHOTS = REPO / "artefacts" / "screenshots"
PAGE_TITLES = {name: title for pages in SECTIONS.values() for name, title, _ in pages}  # as the navigation lists them
WAIT = 30_000  # ms: a cold server's first page can take a while on a busy machine
expect.set_options(timeout=WAIT)  # every expectation waits as long, not Playwright's 5 seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the dashboard stopped while starting"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the dashboard did not answer within 60 seconds")


@dataclass
class Dashboard:
    url: str
    database: Path
    server: subprocess.Popen
    log: Path

    def address(self, path: str = "") -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def stop(self) -> None:
        """Stop the server as a service manager does: asked to end, then ended if it has not in 10 seconds."""
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=10)

    def rows(self, sql: str, parameters: list | None = None) -> list[tuple]:
        """Stop the server (DuckDB lets one process hold the file) and read what it stored."""
        self.stop()
        con = store.connect(self.database)
        try:
            return con.execute(sql, parameters or []).fetchall()
        finally:
            con.close()


@contextmanager
def serve(database: Path, log_dir: Path) -> Iterator[Dashboard]:
    """The dashboard started cold (a new process) over `database`, as `make run` starts it."""
    port = _free_port()
    log = log_dir / f"server-{port}.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true"],
            cwd=REPO, env=os.environ | {store.DB_ENV: str(database)}, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    dashboard = Dashboard(f"http://127.0.0.1:{port}", database, server, log)
    try:
        _wait_until_healthy(dashboard.url, server)
        yield dashboard
    finally:
        dashboard.stop()


def add_accounts(database: Path, councillor_key: str | None = None) -> None:
    """One account a role, each named after its role, with PASSWORD; the councillor's linked to `councillor_key`."""
    con = store.connect(database)
    for role in ROLES:
        if not con.execute("SELECT count(*) FROM users WHERE username = ?", [role]).fetchone()[0]:
            key = councillor_key if role == "councillor" else None
            accounts.add_user(con, role, role, actor="test", password=PASSWORD, councillor_key=key)
    con.close()


@pytest.fixture(scope="session")
def sample_council(tmp_path_factory) -> Path:
    """The sample council with an account for every role, built once; servers get a copy (`council_copy`)."""
    database = tmp_path_factory.mktemp("browser-sample") / "sample.duckdb"
    con = store.connect(database)
    load_sample(con)
    councillor = con.execute("SELECT councillor_key FROM councillors ORDER BY name LIMIT 1").fetchone()[0]
    con.close()
    add_accounts(database, councillor)
    return database


@pytest.fixture
def council_copy(sample_council, tmp_path) -> Path:
    copy = tmp_path / "council.duckdb"
    shutil.copy(sample_council, copy)
    return copy


@pytest.fixture
def cold_dashboard(council_copy, tmp_path) -> Iterator[Dashboard]:
    """A server of the test's own, started cold over a copy of the sample council."""
    with serve(council_copy, tmp_path) as dashboard:
        yield dashboard


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "browser tests need Debian's Chromium at /usr/bin/chromium: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@dataclass
class Outside:
    """Requests the browser made to any host but the dashboard's."""

    allowed: set[str] = field(default_factory=lambda: {"127.0.0.1", "localhost"})
    asked: list[str] = field(default_factory=list)

    def note(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in self.allowed:
            self.asked.append(url)


@pytest.fixture
def outside() -> Outside:
    return Outside()


@pytest.fixture
def browser_context(chromium, outside):
    """A fresh browser profile (no cookies) for one test; every request it makes is checked by `outside`."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.on("request", lambda request: outside.note(request.url))
    yield context
    context.close()
    assert outside.asked == [], f"the browser asked hosts other than the dashboard: {outside.asked}"


@pytest.fixture
def page(browser_context) -> Page:
    return browser_context.new_page()


class Received:
    """Everything the server sends the page over its websocket, decoded: what the browser receives, hidden columns
    and rows scrolled out of view included, not only what is drawn."""

    def __init__(self, page: Page) -> None:
        self.messages: list[ForwardMsg] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            self.messages.append(message)

    def elements(self) -> list:
        return [
            message.delta.new_element
            for message in self.messages
            if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element"
        ]

    def texts(self) -> list[str]:
        """Every message and paragraph sent (alerts and markdown), whether or not a later run has redrawn it."""
        bodies = []
        for element in self.elements():
            kind = element.WhichOneof("type")
            if kind in ("alert", "markdown"):
                bodies.append(getattr(element, kind).body)
        return bodies

    def said(self, page: Page, pattern: str) -> str:
        """The first text sent matching `pattern`, waiting for it. A message shown once (such as "Review saved")
        is gone from the page when a further press reruns it, so what a person was told is read from what was
        sent."""
        deadline = time.monotonic() + WAIT / 1000
        while not (found := [text for text in self.texts() if re.search(pattern, text)]):
            assert time.monotonic() < deadline, f"nothing matching {pattern!r} was sent to the browser"
            page.wait_for_timeout(100)
        return found[0]

    def dataframes_sent(self, page: Page, column: str) -> list[pd.DataFrame]:
        """The tables sent with `column`, waiting for the first of them: the server sends a table when its run reaches
        it, which on a busy machine can be after the run's status has yet to show."""
        deadline = time.monotonic() + WAIT / 1000
        while not (frames := [frame for frame in self.dataframes() if column in frame.columns]):
            assert time.monotonic() < deadline, f"no table with {column!r} reached the browser"
            page.wait_for_timeout(100)
        return frames

    def dataframes(self) -> list[pd.DataFrame]:
        """Every table sent, as the Arrow data Streamlit sent it."""
        frames = []
        for element in self.elements():
            kind = element.WhichOneof("type")
            if kind in ("dataframe", "table"):
                data = getattr(element, kind).arrow_data.data
                if data:
                    frames.append(pa.ipc.open_stream(data).read_all().to_pandas())
        return frames


class NavigationHeldBack:
    """Holds back what the server sends the page from its first navigation message (which tells the browser which
    page its address names) until `release`: a slow network, or a person quicker than it."""

    def __init__(self, page: Page) -> None:
        self.held: list[str | bytes] = []
        self.holding = True
        self._socket = None
        page.route_web_socket(re.compile(r"/_stcore/stream"), self._route)

    def _route(self, socket) -> None:
        self._socket = socket
        socket.connect_to_server().on_message(self._from_server)

    def _from_server(self, payload: str | bytes) -> None:
        if self.holding and (self.held or _is_navigation(payload)):
            self.held.append(payload)
        else:
            self._socket.send(payload)

    def until_held(self, page: Page) -> None:
        deadline = time.monotonic() + WAIT / 1000
        while not self.held:
            assert time.monotonic() < deadline, "the server sent no navigation"
            page.wait_for_timeout(100)

    def release(self) -> None:
        while self.held:
            self._socket.send(self.held.pop(0))
        self.holding = False


def _is_navigation(payload: str | bytes) -> bool:
    if not isinstance(payload, bytes):
        return False
    message = ForwardMsg()
    message.ParseFromString(payload)
    return message.WhichOneof("type") == "navigation"


@pytest.fixture
def received(page) -> Received:
    return Received(page)


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form and press the button, as a person does."""
    expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def open_signed_in(page: Page, dashboard: Dashboard, path: str, role: str) -> None:
    """Open `path` as a person with a link does, sign in as `role` (the account named after it) and wait until the
    browser holds its session cookie, which it collects a moment after the dashboard appears."""
    page.goto(dashboard.address(path))
    sign_in(page, role)
    signed_in(page, role)
    holds_session_cookie(page)


def holds_session_cookie(page: Page) -> None:
    deadline = time.monotonic() + WAIT / 1000
    while not any(cookie["name"] == sessions.COOKIE for cookie in page.context.cookies()):
        assert time.monotonic() < deadline, "the browser did not collect its session cookie"
        page.wait_for_timeout(100)


def navigation(page: Page):
    return page.get_by_test_id("stSidebarNav")


def open_from_navigation(page: Page, name: str) -> None:
    """Open a page as a person moves around the dashboard once signed in: by its link in the sidebar (unfolding the
    list first where Streamlit has folded it), not by loading its address afresh, which costs three times as long."""
    link = navigation(page).get_by_role("link", name=PAGE_TITLES[name], exact=True)
    unfold = page.get_by_test_id("stSidebarNavViewButton")
    if not link.is_visible() and unfold.is_visible() and unfold.inner_text().endswith("more"):
        unfold.click()
    link.click()


def signed_in(page: Page, role: str) -> None:
    """Wait until the page shows the signed-in dashboard for `role`."""
    expect(page.get_by_text(f"({role})").first).to_be_visible(timeout=WAIT)


def settled(page: Page) -> None:
    """Wait until the script run has finished (Streamlit's status widget says it is running while it runs)."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)


def screenshot(page: Page, role: str, name: str) -> Path:
    path = SCREENSHOTS / role / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower()) or 'overview'}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path
