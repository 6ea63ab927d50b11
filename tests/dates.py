"""The fixed instants date rules are tested at: where the year, a quarter or British Summer
Time turns (issue 14). Each is an aware datetime; `clock.fixed(...)` makes it "now"."""

from __future__ import annotations

from datetime import UTC, datetime

from feedback.clock import LONDON


def london(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A wall-clock time in London (GMT or BST, whichever was in force)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


NEW_YEARS_EVE = london(2026, 12, 31, 23, 30)  # GMT: the same instant in UTC
NEW_YEAR = london(2027, 1, 1, 0, 10)
LEAP_DAY = london(2028, 2, 29, 12, 0)
QUARTER_END = london(2027, 3, 31, 23, 30)  # BST: still 31 March in UTC too (22:30)
# 1 April 00:30 in London (BST) is 23:30 on 31 March in UTC: the two calendars disagree.
QUARTER_START_BST = datetime(2027, 3, 31, 23, 30, tzinfo=UTC)
# Clocks go forward at 01:00 UTC on the last Sunday of March (2027-03-28), back at 01:00 UTC
# on the last Sunday of October (2026-10-25).
BEFORE_SPRING_FORWARD = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 00:30 GMT
AFTER_SPRING_FORWARD = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 BST
BEFORE_FALL_BACK = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
AFTER_FALL_BACK = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT, the second time

EDGES = {
    "new-years-eve": NEW_YEARS_EVE,
    "new-year": NEW_YEAR,
    "leap-day": LEAP_DAY,
    "quarter-end": QUARTER_END,
    "quarter-start-bst": QUARTER_START_BST,
    "before-spring-forward": BEFORE_SPRING_FORWARD,
    "after-spring-forward": AFTER_SPRING_FORWARD,
    "before-fall-back": BEFORE_FALL_BACK,
    "after-fall-back": AFTER_FALL_BACK,
}
