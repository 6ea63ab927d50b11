"""What issuing and redeeming links returns."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class IssuedLink(msgspec.Struct, frozen=True):
    url: str


class IssuedCode(msgspec.Struct, frozen=True):
    url: str
    code: str


class LinkBatchOut(msgspec.Struct, frozen=True):
    batch_id: int
    survey: str
    service: str
    kind: str
    channel: str
    expires_at: datetime | None
    links: list[IssuedLink] = []
    codes: list[IssuedCode] = []
    cap: int | None = None


class Entry(msgspec.Struct, frozen=True):
    """What a redeemed link or code lets a respondent answer; `digest` is the one it was
    found by, which the respondent's session keeps (a code's may be under an older key)."""

    kind: str
    entry_id: int
    survey_id: int
    service_id: int
    channel: str
    digest: str


class BatchSummary(msgspec.Struct, frozen=True):
    """A batch as the console lists it: sizes and use counts, never a link or a code."""

    batch_id: int
    survey: str
    service: str
    kind: str
    channel: str
    size: int  # links issued, or 1 for a code
    used: int  # links used, or responses through the code
    cap: int | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_day: date | None  # the London day the batch works until, inclusive
    status: str  # live | expired | revoked | used up
