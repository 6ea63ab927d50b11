"""Counts about the people in an SMS batch are protected together (issue 21).

The page and the API show the uploader's own figures (rows, not valid) exactly, so rows less
invalid is a known total: opted out before + invitations, and invitations split by status.
A reader who puts every shown figure together with those sums, counts never negative, must
not be able to narrow a withheld count of 1 to threshold-1 to an interval narrower than the
threshold. Checked by enumerating every split the reader could not rule out."""

from __future__ import annotations

import itertools
import random

import pytest

from feedback.sms.delivery import PEOPLE_COUNTS, protect_people_counts

THRESHOLD = 5
STATUSES = ("pending", "delivered", "failed", "skipped")


def _splits(listed: int):  # type: ignore[no-untyped-def]
    """Every (opted_out, pending, delivered, failed, skipped) adding up to `listed`."""
    for opted_out in range(listed + 1):
        rest = listed - opted_out
        for pending, delivered, failed in itertools.product(range(rest + 1), repeat=3):
            skipped = rest - pending - delivered - failed
            if skipped >= 0:
                yield opted_out, pending, delivered, failed, skipped


def _counts(opted_out: int, *statuses: int) -> dict[str, int]:
    return {"opted_out": opted_out, "messages": sum(statuses), **dict(zip(STATUSES, statuses))}


def _narrowest_small_withheld(true: dict[str, int], listed: int) -> tuple[str, int] | None:
    shown = protect_people_counts(true, listed=listed, threshold=THRESHOLD)
    possible = [
        counts
        for split in _splits(listed)
        for counts in [_counts(*split)]
        if all(shown[n] is None or shown[n] == counts[n] for n in PEOPLE_COUNTS)
    ]
    narrowest = None
    for name in PEOPLE_COUNTS:
        if shown[name] is None and 0 < true[name] < THRESHOLD:
            values = [counts[name] for counts in possible]
            width = max(values) - min(values)
            if narrowest is None or width < narrowest[1]:
                narrowest = (name, width)
    return narrowest


def test_a_small_opt_out_count_is_not_the_difference_of_shown_figures() -> None:
    true = _counts(2, 8, 20, 0, 0)  # 30 listed: 2 replied STOP before, 28 texted
    shown = protect_people_counts(true, listed=30, threshold=THRESHOLD)
    assert shown["opted_out"] is None
    assert shown["messages"] is None  # else 30 - 28 = 2
    assert None in (shown["pending"], shown["delivered"])  # else their sum gives messages
    narrowest = _narrowest_small_withheld(true, 30)
    assert narrowest is None or narrowest[1] >= THRESHOLD


def test_a_list_smaller_than_the_threshold_shows_nothing_about_its_people() -> None:
    shown = protect_people_counts(_counts(0, 0, 3, 0, 0), listed=3, threshold=THRESHOLD)
    assert set(shown.values()) == {None}


def test_large_counts_are_shown_as_they_are() -> None:
    shown = protect_people_counts(_counts(6, 7, 20, 5, 0), listed=38, threshold=THRESHOLD)
    assert (shown["opted_out"], shown["delivered"], shown["failed"]) == (6, 20, 5)


@pytest.mark.parametrize("seed", range(40))
def test_no_withheld_small_count_can_be_narrowed_below_the_threshold(seed: int) -> None:
    rng = random.Random(seed)
    listed = rng.randint(THRESHOLD, 18)
    split = [rng.choice((0, 1, 2, 3, 6, 9)) for _ in range(5)]
    scale = listed / max(sum(split), 1)
    split = [int(value * scale) for value in split]
    split[2] += listed - sum(split)  # delivered takes what rounding left
    true = _counts(*split)
    narrowest = _narrowest_small_withheld(true, listed)
    assert narrowest is None or narrowest[1] >= THRESHOLD, (true, narrowest)
