"""What the consultation services return; figures about respondents are already protected
(`shown` is a number or `c`)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from feedback.reports.suppression import operational_count


class PinnedSurvey(msgspec.Struct, frozen=True):
    slug: str
    kind: str
    version: int
    version_id: int
    title: str


class RoundOut(msgspec.Struct, frozen=True):
    id: int
    title: str
    purpose: str
    opens_on: date
    closes_on: date
    status: str  # upcoming | open | closed
    channels: list[str]
    surveys: list[PinnedSurvey]
    services: list[str]
    schools: list[str]
    young_free_text: bool
    previous_round_id: int | None
    closed_at: datetime | None


class IssuedLine(msgspec.Struct, frozen=True):
    """What staff issued for the round: links and code places, not responses."""

    service: str
    channel: str
    links_issued: int
    code_places: int


class ResponseFigure(msgspec.Struct, frozen=True):
    narrowed_by: str  # all | service | channel
    name: str  # "All services", the service's name or the channel
    shown: str  # the report's protected figure for the round's months, or "c"
    report_link: str


class SurveyProgress(msgspec.Struct, frozen=True):
    slug: str
    version: int
    title: str
    figures: list[ResponseFigure]


class SchoolSessions(msgspec.Struct, frozen=True):
    """A school's class sessions opened for the round: never its pupils' responses, which
    are counted under its service and the class channel in the reports."""

    school: str
    sessions: int


class RoundProgress(msgspec.Struct, frozen=True):
    issued: list[IssuedLine]
    period: str
    period_label: str
    surveys: list[SurveyProgress]
    schools: list[SchoolSessions]
    legend: str
    threshold: int


class SchoolOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    borough: str
    service: str
    consent_for_under_13: bool
    coordinators: list[str]


class ClassSessionOut(msgspec.Struct, frozen=True):
    id: int
    school_id: int
    school: str
    round_id: int
    round_title: str
    year_group: str
    age_band: str
    class_size: int
    letter_sent_on: date | None
    consents_returned: int | None
    consent_mode: bool  # the school asks for explicit parental consent for this age band
    cap: int | None
    status: str  # draft | open | ended
    opens_from: datetime | None  # the earliest opening time the letter allows
    expires_at: datetime | None
    completed: int | None  # live count of completed responses once opened; pages show
    # `completed_shown`: a class is small, and a coordinator watching it knows its pupils

    def completed_shown(self, threshold: int) -> str:
        """The count as staff pages show it ("fewer than N" or "N or more", never the
        number), or "–" before the session opens."""
        return "–" if self.completed is None else operational_count(self.completed, threshold)


class OpenedSession(msgspec.Struct, frozen=True):
    """Shown once: the code and its address are not kept in readable form."""

    session: ClassSessionOut
    code: str
    url: str


class ThemeLine(msgspec.Struct, frozen=True):
    theme: str
    label: str
    shown: str
    percent: str
    draft_link: str
    records: int | None  # "you said, we did" records for the theme, when that is known


class SurveySummary(msgspec.Struct, frozen=True):
    slug: str
    version: int
    title: str
    responses: str
    report_link: str
    themes: list[ThemeLine]


class ClosingSummary(msgspec.Struct, frozen=True):
    round_id: int
    period: str
    legend: str
    surveys: list[SurveySummary]
    period_label: str = ""  # the round's months in words: "December 2026 to January 2027"


class ComparedAnswer(msgspec.Struct, frozen=True):
    label: str
    this_round: str
    this_percent: str
    previous_round: str
    previous_percent: str


class ComparedQuestion(msgspec.Struct, frozen=True):
    id: str
    text: str
    answers: list[ComparedAnswer]


class ComparedSurvey(msgspec.Struct, frozen=True):
    slug: str
    this_version: int
    previous_version: int
    this_responses: str
    previous_responses: str
    questions: list[ComparedQuestion]


class RoundComparison(msgspec.Struct, frozen=True):
    round_id: int
    previous_round_id: int
    this_period: str
    previous_period: str
    legend: str
    surveys: list[ComparedSurvey]
    this_period_label: str = ""
    previous_period_label: str = ""
