"""What intake takes and gives back."""

from __future__ import annotations

from datetime import date

import msgspec

from feedback.outcomes.pairing import OutcomeStep
from feedback.responses.answers import AnswerValue


class Submission(msgspec.Struct, frozen=True, kw_only=True):
    """One respondent's finished form. `form_nonce` is minted when the form is shown, so a
    resubmitted form maps to the same response and the same receipt."""

    entry_kind: str
    entry_digest: str
    form_nonce: str
    survey_version_id: int
    consent_notice_version_id: int | None
    language: str
    answers: dict[str, AnswerValue]
    counted: list[tuple[str, str]]
    outcome: OutcomeStep | None = None
    """Set for an outcome intake or exit survey: what pairing adds in the same transaction."""


class Receipt(msgspec.Struct, frozen=True):
    """The receipt code, shown once; `danger` means the free text signalled immediate
    danger, so the thank-you page leads with emergency help. It is not stored anywhere."""

    code: str
    response_id: str
    repeated: bool = False
    danger: bool = False


class WithdrawalAsked(msgspec.Struct, frozen=True):
    """A withdrawal is recorded and waiting for the worker; `again` when it already was."""

    response_id: str
    again: bool = False


class ReceiptRecord(msgspec.Struct, frozen=True):
    """One published "you said, we did" record as a receipt page shows it."""

    title: str
    status: str
    summary: str


class ReceiptView(msgspec.Struct, frozen=True):
    """What a receipt code shows: the survey and the day, never a time or a service name
    (a service's name can say more about the person than the survey does)."""

    survey_title: str
    language: str
    submitted_on: date
    records: list[ReceiptRecord]
