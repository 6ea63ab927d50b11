"""What the outside sees of surveys and their versions."""

from __future__ import annotations

from datetime import datetime

import msgspec

from feedback.consent.schemas import NoticeOutcome
from feedback.surveys.definition import PublishedSurvey


class PublishOutcome(msgspec.Struct, frozen=True):
    slug: str
    version: int
    content_hash: str
    status: str  # "published" or "unchanged"
    consent: NoticeOutcome
    warnings: list[str]


class ValidationReport(msgspec.Struct, frozen=True):
    file: str
    slug: str
    warnings: list[str]


class SurveySummary(msgspec.Struct, frozen=True):
    slug: str
    kind: str
    title: str
    latest_version: int
    published_at: datetime


class SurveyVersionOut(msgspec.Struct, frozen=True):
    slug: str
    version: int
    content_hash: str
    title: str
    consent_slug: str
    consent_version: int
    published_at: datetime


class SurveyVersionDetail(msgspec.Struct, frozen=True):
    version: SurveyVersionOut
    survey: PublishedSurvey


class SurveyDiff(msgspec.Struct, frozen=True):
    slug: str
    from_version: int
    to_version: int
    changes: list[str]
