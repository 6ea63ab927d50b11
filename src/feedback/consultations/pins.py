"""When a round stops accepting responses: the same London day's end as a link's expiry date
(`links.service.end_of_day`), so a round's batches and class codes stop together."""

from __future__ import annotations

from datetime import date, datetime

from feedback.links.service import end_of_day


def round_closes_at(closes_on: date) -> datetime:
    """A round accepts responses all of its closing day in London."""
    return end_of_day(closes_on)
