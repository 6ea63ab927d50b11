"""Batch statuses as the console shows them (issue 21): a batch with fewer places than the
threshold never says whether all were used; larger ones say "used up" only when the used
count, shown as it is at or above the threshold, reaches their size."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedback.links.schemas import BatchSummary
from feedback.links.service import IN_DATE, shown_status


def _batch(kind: str, size: int, used: int, cap: int | None, status: str) -> BatchSummary:
    return BatchSummary(
        batch_id=1,
        survey="s",
        service="Service",
        kind=kind,
        channel="web",
        size=size,
        used=used,
        cap=cap,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        expires_at=None,
        revoked_at=None,
        last_day=None,
        status=status,
    )


@pytest.mark.parametrize(
    ("kind", "size", "cap", "used", "status", "shown"),
    [
        ("links", 3, None, 3, "used up", IN_DATE),  # all three answered: not told
        ("links", 3, None, 1, "live", IN_DATE),  # nor that some did not
        ("links", 1, None, 0, "live", IN_DATE),
        ("code", 1, 4, 4, "used up", IN_DATE),  # a code's places are its size
        ("links", 3, None, 3, "revoked", "revoked"),  # staff did that: no count in it
        ("links", 3, None, 0, "expired", "expired"),
        ("links", 6, None, 6, "used up", "used up"),  # 6 used is shown as 6 anyway
        ("links", 6, None, 2, "live", "live"),
        ("code", 1, 30, 30, "used up", "used up"),
    ],
)
def test_a_small_batch_never_says_whether_it_was_used_up(
    kind: str, size: int, cap: int | None, used: int, status: str, shown: str
) -> None:
    assert shown_status(_batch(kind, size, used, cap, status), threshold=5) == shown
