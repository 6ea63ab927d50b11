"""What reports are asked for (filters, the disclosure rules) and what they return: every
count already protected (`shown` is a number or `c`)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from feedback.settings import Settings


class Disclosure(msgspec.Struct, frozen=True, kw_only=True):
    """The rules a report is released under, all a report service reads of the settings:
    counts under `threshold` are hidden, shown counts are rounded by `method`, and a stored
    release up to `max_stale_seconds` behind the data may be served (0: always current)."""

    threshold: int
    method: str
    max_stale_seconds: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Disclosure:
        """Current figures only: what is kept or handed on (exports, board packs, evidence,
        round summaries) is never read from a release behind the data."""
        return cls(threshold=settings.suppression_threshold, method=settings.report_rounding)

    @classmethod
    def for_pages(cls, settings: Settings) -> Disclosure:
        """What report pages and the API read: a stored release up to
        `report_max_stale_seconds` old is served, its time shown, so a busy day's new
        responses do not make every view recompute the protection."""
        return cls(
            threshold=settings.suppression_threshold,
            method=settings.report_rounding,
            max_stale_seconds=settings.report_max_stale_seconds,
        )

    def current(self) -> Disclosure:
        """The same rules, read from current figures only (see `from_settings`)."""
        return msgspec.structs.replace(self, max_stale_seconds=0)


class ReportFilter(msgspec.Struct, frozen=True, kw_only=True):
    """A report's filters. At most one of service, borough and channel narrows it (see
    `suppression`: the joint release covers single narrowings only)."""

    period: str
    version: int | None = None
    service_id: int | None = None
    borough: str | None = None
    channel: str | None = None


class AnswerLine(msgspec.Struct, frozen=True):
    option: str
    label: str
    count: int | None
    shown: str
    percent: str


class TrendPoint(msgspec.Struct, frozen=True):
    period: str
    base: str
    answers: list[AnswerLine]


class QuestionReport(msgspec.Struct, frozen=True):
    id: str
    core: str | None
    type: str
    text: str
    base: str
    mean: str | None
    answers: list[AnswerLine]
    trend: list[TrendPoint]


class SurveyReport(msgspec.Struct, frozen=True):
    survey: str
    title: str
    version: int
    versions: list[int]
    period: str
    narrowed_by: str
    responses: str
    threshold: int
    method: str
    legend: str
    questions: list[QuestionReport]
    figures_as_of: datetime | None = None  # set when served from a release behind the data
    period_label: str = ""  # the period in words where its name is not ("December 2026 to ...")


class VersionComparison(msgspec.Struct, frozen=True):
    version: int
    question_id: str
    base: str
    mean: str | None
    answers: list[AnswerLine]


class QuestionComparison(msgspec.Struct, frozen=True):
    """One question (by id or core code) across survey versions, same filters each."""

    survey: str
    question: str
    period: str
    narrowed_by: str
    legend: str
    versions: list[VersionComparison]
    figures_as_of: datetime | None = None  # the oldest stale release read, if any


class BoardPackPage(msgspec.Struct, frozen=True):
    service_id: int
    service: str
    boroughs: list[str]
    report: SurveyReport


class BoardPack(msgspec.Struct, frozen=True):
    """A quarter's partnership summary and one page per service, all protected figures."""

    survey: str
    title: str
    version: int
    quarter: str
    legend: str
    summary: SurveyReport
    services: list[BoardPackPage]


class ReportableSurvey(msgspec.Struct, frozen=True):
    slug: str
    title: str
    versions: list[int]


__all__ = [
    "AnswerLine",
    "Disclosure",
    "BoardPack",
    "BoardPackPage",
    "QuestionComparison",
    "QuestionReport",
    "ReportFilter",
    "ReportableSurvey",
    "SurveyReport",
    "TrendPoint",
    "VersionComparison",
]
