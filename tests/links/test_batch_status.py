"""Batch statuses as the console shows them (issue 21): no batch says whether all of it was
used. The used count reads only "fewer than N" or "N or more", which "used up" (the count
is the size) or "live" (for a batch of N+1, the count is N) would make exact."""

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
        ("links", 6, None, 6, "used up", IN_DATE),  # "used up" would say exactly 6
        ("links", 6, None, 2, "live", IN_DATE),
        ("links", 6, None, 5, "live", IN_DATE),  # "live" beside "5 or more": exactly 5
        ("code", 1, 30, 30, "used up", IN_DATE),
    ],
)
def test_no_batch_says_whether_it_was_used_up(
    kind: str, size: int, cap: int | None, used: int, status: str, shown: str
) -> None:
    assert shown_status(_batch(kind, size, used, cap, status)) == shown
