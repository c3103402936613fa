"""What the dashboard's server adds to Streamlit's: headers on every response that stop other sites framing the
dashboard and stop a page loading anything from elsewhere, files handed out (`/media/...`, where Streamlit serves
a download once its button is pressed) only to a browser that is signed in now, and a sentence in place of any
error's details.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from analytics.governance import sessions
from pages.connection import process_cursor

LOG = logging.getLogger("safety_dashboard")

# Streamlit's own scripts and styles are inline or eval'd; everything is from this server, nothing from elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "frame-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MEDIA = "/media/"
ICON_TYPE = ".png"  # the favicon (pages/favicon.png) is served from /media/ too; no export is a PNG


def signed_in_now(cookie: str | None) -> bool:
    """Whether a browser's session cookie belongs to a session that is still on."""
    con = process_cursor()
    try:
        return sessions.user_of(con, cookie) is not None
    finally:
        con.close()


def _guarded(path: str) -> bool:
    """A file Streamlit hands out at /media/: every one but the dashboard's icon, which the sign-in page shows."""
    return path.startswith(MEDIA) and not path.endswith(ICON_TYPE)


class Guard:
    """ASGI middleware: the security headers on every HTTP response, and `/media/` only for a signed-in browser."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = Request(scope).cookies.get(sessions.COOKIE)
        if _guarded(scope["path"]) and not await run_in_threadpool(signed_in_now, cookie):
            await Response("Sign in to the dashboard to download this file.", status_code=403)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if scope["path"].startswith(MEDIA):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def on_error(exc: Exception) -> bool:
    """An error in a page: the details go to the server's log under a reference, the person gets a sentence."""
    reference = secrets.token_hex(4).upper()
    LOG.error("Error %s in a page", reference, exc_info=exc)
    st.error(
        f"Something went wrong on this page. Try again; if it happens again, give your dashboard's administrator "
        f"this reference: {reference}."
    )
    return True
