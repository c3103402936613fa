"""The dashboard's one clock: every "today" and "now" in the product is asked of this module, and of nothing else.

Set `SAFETY_DASHBOARD_TODAY` to an ISO date (2026-03-01) or date and time (2026-03-01T09:30) to run the
dashboard, a command or the tests as if it were then: for a demonstration, or to see what the dashboard said on
a past day. The clock starts at that moment (a date alone means noon, so a day's work never crosses midnight)
when the setting is first read, and runs on at the real pace from there, so lock-outs still expire and imports
still follow one another. Without the setting it is the machine's own local time.

Nothing else calls `date.today()`, `datetime.now()` or SQL's `current_timestamp`: SQL gets `now()` as a
parameter, so a database written under a moved clock is consistent with what the pages say.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

from analytics.errors import Refusal

CLOCK_ENV = "SAFETY_DASHBOARD_TODAY"
_NOON = 12

_started: tuple[str, datetime, float] | None = None  # the setting, the moment it names, time.monotonic() then


class ClockSettingError(Refusal):
    """The clock's setting is not a date; str(exc) is one sentence for whoever set it."""


def now() -> datetime:
    """The current local date and time, as the dashboard sees it (naive, like every timestamp it stores)."""
    setting = os.environ.get(CLOCK_ENV, "").strip()
    if not setting:
        return datetime.now()
    global _started
    if _started is None or _started[0] != setting:
        _started = (setting, _moment(setting), time.monotonic())
    _, moment, then = _started
    return moment + timedelta(seconds=time.monotonic() - then)


def today() -> date:
    return now().date()


def _moment(setting: str) -> datetime:
    try:
        moment = datetime.fromisoformat(setting)
    except ValueError:
        raise ClockSettingError(
            f"{CLOCK_ENV}={setting!r} is not a date: write it as YYYY-MM-DD (or YYYY-MM-DDTHH:MM), or unset it."
        ) from None
    if len(setting) == len("YYYY-MM-DD"):
        moment = moment.replace(hour=_NOON)
    return moment.replace(tzinfo=None)
