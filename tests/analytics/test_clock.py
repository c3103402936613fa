"""The one clock: a day can be set for a demonstration, an investigation or the tests, and nothing else in the
product asks the machine for the date."""

import re
import time
from datetime import date, datetime

import pytest

from analytics import clock
from tests.conftest import REPO, TODAY


def test_the_tests_run_on_their_own_day_whatever_the_machines_date():
    assert clock.today() == TODAY
    assert clock.now().date() == TODAY and clock.now().hour == 12


def test_a_set_day_starts_at_noon_and_the_clock_runs_on_from_there(monkeypatch):
    monkeypatch.setenv(clock.CLOCK_ENV, "2028-02-29")
    first = clock.now()
    time.sleep(0.05)
    second = clock.now()
    assert first.date() == date(2028, 2, 29) and first.hour == 12
    assert 0.04 < (second - first).total_seconds() < 5


def test_a_moment_can_be_set_to_the_minute(monkeypatch):
    monkeypatch.setenv(clock.CLOCK_ENV, "2027-03-01T09:30")
    assert datetime(2027, 3, 1, 9, 30) <= clock.now() < datetime(2027, 3, 1, 9, 31)
    assert clock.today() == date(2027, 3, 1)


def test_without_a_setting_it_is_the_machines_own_time(monkeypatch):
    monkeypatch.delenv(clock.CLOCK_ENV)
    before = datetime.now()
    assert before <= clock.now() <= datetime.now()


@pytest.mark.parametrize("written", ["1 March 2027", "2027-02-30", "tomorrow"])
def test_a_setting_that_is_not_a_date_is_refused_in_one_sentence(monkeypatch, written):
    monkeypatch.setenv(clock.CLOCK_ENV, written)
    with pytest.raises(clock.ClockSettingError) as refused:
        clock.today()
    assert str(refused.value) == (
        f"{clock.CLOCK_ENV}={written!r} is not a date: write it as YYYY-MM-DD (or YYYY-MM-DDTHH:MM), or unset it."
    )


SYSTEM_DATE = re.compile(
    r"\b(?:date|datetime)\.(?:today|now|utcnow)\(|\bTimestamp\.(?:now|today)\(|Timestamp\(['\"](?:now|today)"
    r"|\btime\.(?:time|localtime|gmtime)\(|\b(?:current_timestamp|current_date|localtimestamp)\b"
    r"|\b(?:get_current_time|today)\(\)|\bnow\(\)",
    re.IGNORECASE,
)


def test_nothing_but_the_clock_asks_the_system_for_the_date():
    sources = [REPO / "app.py", *sorted((REPO / "analytics").rglob("*.py")), *sorted((REPO / "pages").rglob("*.py"))]
    calls = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sources
        if path != REPO / "analytics" / "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SYSTEM_DATE.search(line.replace("clock.now()", "").replace("clock.today()", ""))
    ]
    assert calls == []
