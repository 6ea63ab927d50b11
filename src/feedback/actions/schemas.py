"""What "you said, we did" takes and returns. Public shapes carry no staff name or email."""

from __future__ import annotations

from datetime import date

import msgspec


class RecordInput(msgspec.Struct, frozen=True, kw_only=True):
    """A draft or an edit, as a form or the API sends it; `service_function` checks it."""

    title: str
    service_id: int
    you_said: str
    we_did: str
    survey_slug: str
    period: str
    status: str = "planned"
    boroughs: list[str] = []  # empty: the service's own boroughs
    question_ids: list[str] = []
    theme_ids: list[str] = []
    outcome_codes: list[str] = []  # outcome indicators (`outcomes.indicators`) to cite
    young_people: bool = False
    simple_summary: str | None = None


class QuestionChoice(msgspec.Struct, frozen=True):
    """A question the draft form offers: its id (sent back) and its words (shown)."""

    id: str
    text: str


class ThemeRef(msgspec.Struct, frozen=True):
    id: str
    label: str


class EvidenceLine(msgspec.Struct, frozen=True):
    label: str
    shown: str  # a protected count, or "c" where disclosure control hides it
    percent: str


class EvidenceQuestion(msgspec.Struct, frozen=True):
    id: str
    text: str
    base: str
    answers: list[EvidenceLine]


class EvidenceOutcome(msgspec.Struct, frozen=True):
    """An outcome indicator as the outcome report shows it: a percentage or mean change (or
    `c`), and the number it is out of, a matched n when `matched`."""

    code: str
    label: str
    figure: str
    n: str
    matched: bool


class Evidence(msgspec.Struct, frozen=True, kw_only=True):
    """Suppressed figures from the reports service, frozen the day the record was approved."""

    taken_on: date
    survey: str
    period: str
    responses: str
    legend: str
    questions: list[EvidenceQuestion] = []
    themes: list[EvidenceLine] = []
    outcomes: list[EvidenceOutcome] = []


class ProgressOut(msgspec.Struct, frozen=True):
    on: date
    status: str
    text: str


class RevisionOut(msgspec.Struct, frozen=True):
    """What an edit replaced: the day, the fields changed and their earlier wording."""

    number: int
    replaced_on: date
    changed: list[str]
    previous: dict[str, str]


class RecordOut(msgspec.Struct, frozen=True, kw_only=True):
    """A record as the public sees it (the page, JSON, feed and receipt)."""

    id: int
    title: str
    service: str
    boroughs: list[str]
    you_said: str
    we_did: str
    young_people: bool
    simple_summary: str | None
    survey: str
    questions: list[str]
    themes: list[ThemeRef]
    outcome_codes: list[str]
    period: str
    status: str
    published_on: date | None
    updated_on: date | None
    progress: list[ProgressOut]
    history: list[RevisionOut]
    evidence: Evidence | None


class StaffRecordOut(RecordOut, frozen=True, kw_only=True):
    """A record as the console shows it: its workflow state and the reviewer's comment."""

    service_id: int
    state: str
    review_comment: str | None


class RecordChoices(msgspec.Struct, frozen=True):
    """What the console offers on a record's page: each flag is the rule the service itself
    applies (`actions.service.may_edit`, ...), so a button is shown only where it works."""

    may_edit: bool
    may_submit: bool
    may_approve: bool  # approve, or send back


class RecordPage(msgspec.Struct, frozen=True):
    total: int
    limit: int
    offset: int
    next: str | None
    records: list[RecordOut]


class PublicFilter(msgspec.Struct, frozen=True, kw_only=True):
    service_id: int | None = None
    borough: str | None = None
    theme: str | None = None
    status: str | None = None
    young_people: bool | None = None


__all__ = [
    "Evidence",
    "EvidenceLine",
    "EvidenceOutcome",
    "EvidenceQuestion",
    "ProgressOut",
    "PublicFilter",
    "QuestionChoice",
    "RecordChoices",
    "RecordInput",
    "RecordOut",
    "RecordPage",
    "RevisionOut",
    "StaffRecordOut",
    "ThemeRef",
]
