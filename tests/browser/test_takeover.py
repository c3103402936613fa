"""A signed-in session belongs to the browser that signed in. Streamlit lets a new connection take over a session by
giving its id (so a page can pick up where it was after a network blip); someone who learns that id, from a shared
screen or the browser's storage, connects with it as Streamlit's own page would, but from a browser without the
session's cookie. They get the sign-in form, and the person who signed in carries on."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import websockets
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from analytics.governance.access import SAFETY_OFFICER
from tests.browser.conftest import WAIT, open_signed_in, settled, signed_in

SIGNED_IN = "Signed in as"


def _session_id(received) -> str:
    [session_id] = {
        message.new_session.initialize.session_id
        for message in received.messages
        if message.WhichOneof("type") == "new_session"
    }
    return session_id


async def _connect_as(url: str, session_id: str) -> str:
    """Connect to the server giving `session_id` as Streamlit's page does when it reconnects, ask for a run of the
    page, and return everything sent back until the run ends."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(address, subprotocols=["streamlit", "nothing", session_id]) as socket:
        ask = BackMsg()
        ask.rerun_script.query_string = ""
        await socket.send(ask.SerializeToString())
        sent = []
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout=WAIT / 1000))
            sent.append(str(message))
            if message.WhichOneof("type") == "script_finished":
                return "\n".join(sent)


def test_a_session_cannot_be_taken_over_by_its_id(cold_dashboard, page, received):
    open_signed_in(page, cold_dashboard, "", SAFETY_OFFICER)
    settled(page)
    session_id = _session_id(received)

    with ThreadPoolExecutor(1) as aside:  # Playwright's own event loop runs on this thread
        taken = aside.submit(asyncio.run, _connect_as(cold_dashboard.url, session_id)).result()
    assert "Sign in" in taken and SIGNED_IN not in taken, "a connection without the cookie was signed in"

    page.reload()  # the person who signed in is still signed in, in their own browser
    signed_in(page, SAFETY_OFFICER)
    expect(page.get_by_text(SIGNED_IN)).to_be_visible(timeout=WAIT)
