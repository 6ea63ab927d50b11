from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.crypto.periods import PERIOD_KINDS, next_period_label, period_label, period_start


@pytest.mark.parametrize(
    ("day", "kind", "label", "following"),
    [
        (date(2026, 11, 3), "quarter", "2026-Q4", "2027-Q1"),
        (date(2026, 1, 1), "quarter", "2026-Q1", "2026-Q2"),
        (date(2026, 7, 31), "half", "2026-H2", "2027-H1"),
        (date(2026, 12, 31), "month", "2026-12", "2027-01"),
        (date(2026, 5, 5), "year", "2026", "2027"),
    ],
)
def test_labels_name_the_period_and_the_next(
    day: date, kind: str, label: str, following: str
) -> None:
    assert period_label(day, kind) == label
    assert next_period_label(day, kind) == following


def test_times_are_read_as_the_date_in_london() -> None:
    late_in_london_summer = datetime(2026, 6, 30, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    assert period_label(late_in_london_summer, "quarter") == "2026-Q2"
    # 23:30 UTC on 30 June is already 1 July in London (BST): the new quarter's key.
    assert period_label(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "quarter") == "2026-Q3"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown key period"):
        period_label(date(2026, 1, 1), "week")


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 1, 1)),
    st.sampled_from(list(PERIOD_KINDS)),
)
def test_the_next_period_starts_after_this_one(day: date, kind: str) -> None:
    start = period_start(day, kind)
    assert start <= day
    assert next_period_label(day, kind) != period_label(day, kind)
    assert period_label(start, kind) == period_label(day, kind)
