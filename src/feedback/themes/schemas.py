"""Theme review input and output, as msgspec Structs."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["RedactedAnswers", "ReviewItem", "TagOut", "ThemeDecision"]


class TagOut(msgspec.Struct, frozen=True):
    question_id: str
    theme_id: str
    source: str
    decision: str
    sentiment: str
    polarity: float


class ReviewItem(msgspec.Struct, frozen=True):
    response_id: str
    reason: str
    tags: list[TagOut]


class ThemeDecision(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    action: Literal["confirm", "remove", "add"]
    question_id: str = msgspec.field()
    theme_id: str = msgspec.field()


class RedactedAnswers(msgspec.Struct, frozen=True):
    response_id: str
    answers: dict[str, str]  # question id -> redacted text
    tags: list[TagOut]
