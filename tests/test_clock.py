"""The one clock: fixed in tests, started at FEEDBACK_CLOCK_START in a process, London dates."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from feedback import clock
from feedback.errors import SettingsInvalid
from feedback.settings import Settings
from tests.conftest import Cli
from tests.dates import (
    AFTER_FALL_BACK,
    BEFORE_FALL_BACK,
    EDGES,
    NEW_YEAR,
    NEW_YEARS_EVE,
    QUARTER_START_BST,
)

LONDON_DATES = {
    "new-years-eve": date(2026, 12, 31),
    "new-year": date(2027, 1, 1),
    "leap-day": date(2028, 2, 29),
    "quarter-end": date(2027, 3, 31),
    "quarter-start-bst": date(2027, 4, 1),
    "before-spring-forward": date(2027, 3, 28),
    "after-spring-forward": date(2027, 3, 28),
    "before-fall-back": date(2026, 10, 25),
    "after-fall-back": date(2026, 10, 25),
}


@pytest.mark.parametrize("edge", list(EDGES))
def test_today_is_the_date_in_london(edge: str) -> None:
    with clock.fixed(EDGES[edge]):
        assert clock.today_london() == LONDON_DATES[edge]
        assert clock.now_utc() == EDGES[edge]
        assert clock.now_utc().tzinfo is UTC
        assert clock.epoch_seconds() == EDGES[edge].timestamp()


def test_the_hour_after_midnight_bst_is_the_next_day_in_london_but_not_in_utc() -> None:
    with clock.fixed(QUARTER_START_BST):
        assert clock.now_utc().date() == date(2027, 3, 31)
        assert clock.now_london().strftime("%H:%M %Z") == "00:30 BST"


def test_the_repeated_hour_in_october_is_told_apart_by_its_zone() -> None:
    labels = []
    for moment in (BEFORE_FALL_BACK, AFTER_FALL_BACK):
        with clock.fixed(moment):
            labels.append(clock.now_london().strftime("%H:%M %Z"))
    assert labels == ["01:30 BST", "01:30 GMT"]


def test_a_fixed_clock_stands_still_and_comes_back_after_the_block() -> None:
    with clock.fixed(NEW_YEARS_EVE):
        first = clock.now_utc()
        time.sleep(0.01)  # real time passes; the fixed clock must not
        assert clock.now_utc() == first
    # Back on the system clock: no longer the fixed instant, and moving with real time
    # (checked without reading the calendar, so the test holds on any date).
    before = clock.now_utc()
    time.sleep(0.01)
    after = clock.now_utc()
    assert before != first and after - before >= timedelta(seconds=0.01)


def test_a_running_clock_moves_forward_from_its_start() -> None:
    with clock.fixed(NEW_YEARS_EVE, running=True):
        first = clock.now_utc()
        time.sleep(0.01)
        later = clock.now_utc()
    assert NEW_YEARS_EVE <= first < later < NEW_YEARS_EVE + timedelta(seconds=5)


def test_blocks_nest_and_restore_the_clock_outside_them() -> None:
    with clock.fixed(NEW_YEARS_EVE):
        with clock.fixed(NEW_YEAR):
            assert clock.today_london() == date(2027, 1, 1)
        assert clock.now_utc() == NEW_YEARS_EVE


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.freeze_at(datetime(2026, 12, 31, 23, 30))


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-12-31T23:30:00Z", NEW_YEARS_EVE),
        ("2027-04-01T00:30:00+01:00", QUARTER_START_BST),
    ],
)
def test_clock_start_reads_an_instant_with_its_offset(text: str, instant: datetime) -> None:
    settings = Settings.from_env({"FEEDBACK_CLOCK_START": text})
    assert clock.parse_instant(settings.clock_start) == instant


@pytest.mark.parametrize("text", ["2026-12-31 23:30", "31/12/2026", "tomorrow"])
def test_clock_start_without_an_offset_names_the_setting(text: str) -> None:
    with pytest.raises(SettingsInvalid, match="FEEDBACK_CLOCK_START"):
        Settings.from_env({"FEEDBACK_CLOCK_START": text})


def test_a_started_process_runs_from_clock_start(cli: Cli) -> None:
    """`keys init` at 00:30 BST on 1 April makes the second quarter's keys and the third's:
    the CLI's clock starts at FEEDBACK_CLOCK_START, and key periods follow the London date."""
    done = cli("keys", "init", env={"FEEDBACK_CLOCK_START": "2027-03-31T23:30:00Z"})
    assert done.exit_code == 0, done.output
    assert "2027-Q2" in done.output and "2027-Q3" in done.output
    assert "2027-Q1" not in done.output
