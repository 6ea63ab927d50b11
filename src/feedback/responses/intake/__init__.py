"""Intake: storing a response once, by the rules of `rules.py`, on the general path
(`general.py`: join codes, SQLite, and any caller with no group intake) or in groups of
forms on PostgreSQL (`grouped.py`: single-use links, through the app's GroupIntake)."""

from __future__ import annotations

from feedback.responses.intake.general import (
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    free_texts_of,
    receipt_code_for,
    receipt_digest,
    response_id_for,
    submit_response,
)
from feedback.responses.intake.grouped import GroupIntake, group_intake_for
from feedback.responses.intake.rules import MULTIPLE_BOROUGHS

__all__ = [
    "MULTIPLE_BOROUGHS",
    "RECEIPT_ALPHABET",
    "RECEIPT_LENGTH",
    "GroupIntake",
    "free_texts_of",
    "group_intake_for",
    "receipt_code_for",
    "receipt_digest",
    "response_id_for",
    "submit_response",
]
