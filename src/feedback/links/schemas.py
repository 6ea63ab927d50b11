"""What issuing and redeeming links returns."""

from __future__ import annotations

from datetime import datetime

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
    """What a redeemed link or code lets a respondent answer."""

    kind: str
    entry_id: int
    survey_id: int
    service_id: int
    channel: str
