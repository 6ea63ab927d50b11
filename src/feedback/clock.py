"""The one place the code asks the time, so that time is an input.

Every date rule (periods, expiry, "today" in London) reads `now_utc()` or `today_london()`.
Tests pin it with `fixed(moment)`; a started process (serve, worker, any CLI verb) begins at
FEEDBACK_CLOCK_START and runs forward from there when that setting is given. Durations
measured within one process keep using `time.monotonic()`: they are not dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# Process-wide on purpose: the clock is what every request, job and verb of one process shares.
# _frozen set: time stands still there; else the real clock shifted by _offset.
_frozen: datetime | None = None
_offset = timedelta(0)


def now_utc() -> datetime:
    """The current instant, timezone-aware in UTC."""
    if _frozen is not None:
        return _frozen
    real = datetime.now(UTC)
    return real + _offset if _offset else real


def now_london() -> datetime:
    """The current instant as a wall clock in London (GMT in winter, BST in summer)."""
    return now_utc().astimezone(LONDON)


def today_london() -> date:
    """Today as people in the partnership's boroughs call it: the date in London."""
    return now_london().date()


def epoch_seconds() -> float:
    """The current instant in seconds since 1970 (for paces and codes kept as numbers)."""
    return now_utc().timestamp()


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset (`2026-12-31T23:30:00Z`); a bare local time is
    refused, since it would mean a different instant on every machine."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("must be an ISO 8601 instant such as 2026-12-31T23:30:00Z") from None
    if moment.tzinfo is None:
        raise ValueError("must give its offset from UTC, e.g. 2026-12-31T23:30:00Z")
    return moment.astimezone(UTC)


def start_at(moment: datetime) -> None:
    """From now on the clock reads `moment`, then runs forward at the real pace."""
    global _frozen, _offset
    _frozen, _offset = None, _aware(moment) - datetime.now(UTC)


def freeze_at(moment: datetime) -> None:
    """From now on the clock reads `moment` and stands still."""
    global _frozen, _offset
    _frozen, _offset = _aware(moment), timedelta(0)


def reset() -> None:
    """Back to the real clock."""
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)


@contextmanager
def fixed(moment: datetime, *, running: bool = False) -> Iterator[None]:
    """Within the block the clock reads `moment` (standing still, or running forward from it
    when `running`); the clock as it was comes back afterwards."""
    saved = (_frozen, _offset)
    if running:
        start_at(moment)
    else:
        freeze_at(moment)
    try:
        yield
    finally:
        _restore(*saved)


def _restore(frozen: datetime | None, offset: timedelta) -> None:
    global _frozen, _offset
    _frozen, _offset = frozen, offset


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    return moment.astimezone(UTC)


__all__ = [
    "LONDON",
    "epoch_seconds",
    "fixed",
    "freeze_at",
    "now_london",
    "now_utc",
    "parse_instant",
    "reset",
    "start_at",
    "today_london",
]
