"""The browser's side of a signed-in session (analytics/governance/sessions.py): the address where the browser that
signed in exchanges its one-time claim code for the session's cookie, and the little script that sends the code there.

The cookie is HttpOnly (no script on the page can read it), SameSite=Strict (no other site's page can make the
browser send it) and Secure when the dashboard is served over HTTPS. The code travels in a POST body, never in an
address, so it stays out of browser history and server logs.
"""

from __future__ import annotations

import json

import streamlit as st
import streamlit.components.v1 as components
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from analytics.governance import sessions
from pages.connection import process_cursor

CLAIM_PATH = "/_dashboard/session"


async def _claim(request: Request) -> Response:
    code = (await request.body()).decode("utf-8", "replace")[:200]
    con = await run_in_threadpool(process_cursor)
    try:
        token = await run_in_threadpool(sessions.claim, con, code)
    finally:
        con.close()
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(
        sessions.COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
    )
    return response


CLAIM_ROUTE = Route(CLAIM_PATH, _claim, methods=["POST"])


def hand_over(code: str) -> None:
    """Have this browser exchange `code` for its session cookie (drawn, invisibly, until the exchange is done)."""
    script = (
        f"fetch({json.dumps(CLAIM_PATH)}, {{method: 'POST', body: {json.dumps(code)}, credentials: 'same-origin'}})"
    )
    with st.sidebar:
        components.html(f"<script>{script}</script>", height=0)
