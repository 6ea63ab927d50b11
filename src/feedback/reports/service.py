"""Survey reports from the aggregate counters only: this module never reads `sealed`.

Every report is scoped: a service manager's figures come from their own services only
(`Staff.service_scope()`), so even the "all" column is the sum of what they may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import partial

import anyio.to_thread
import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.clock import LONDON
from feedback.errors import Forbidden, InvalidInput, NotFound
from feedback.organisations.models import Service
from feedback.reports import questions as shape
from feedback.reports.models import ReportCell
from feedback.reports.periods import ReportPeriod, Window, parse_period
from feedback.reports.release import (
    ALL,
    BASE,
    Atom,
    Release,
    Responses,
    Slice,
    build_release,
    protect_responses,
    store_release,
)
from feedback.reports.release_cache import (
    CachedFamily,
    StoredFamily,
    StoredQuestion,
    cached_family,
)
from feedback.reports.schemas import (
    Disclosure,
    QuestionComparison,
    QuestionReport,
    ReportableSurvey,
    ReportFilter,
    SurveyReport,
    VersionComparison,
)
from feedback.reports.spans import window_for
from feedback.reports.suppression import legend
from feedback.responses.models import AnswerCount
from feedback.surveys.definition import PublishedSurvey, Question, all_questions, question_type
from feedback.surveys.models import Survey, SurveyVersion

Atoms = dict[Atom, int]
Scope = Sequence[int] | None  # service ids, or None for every service


class _Version(msgspec.Struct, frozen=True):
    id: int
    number: int
    slug: str
    published: PublishedSurvey


async def list_reportable_surveys(session: AsyncSession) -> list[ReportableSurvey]:
    rows = await session.execute(
        select(Survey.slug, SurveyVersion.number, SurveyVersion.title)
        .join(SurveyVersion, SurveyVersion.survey_id == Survey.id)
        .order_by(Survey.slug, SurveyVersion.number)
    )
    found: dict[str, ReportableSurvey] = {}
    for slug, number, title in rows:
        earlier = found[slug].versions if slug in found else []
        found[slug] = ReportableSurvey(slug=slug, title=title, versions=[*earlier, number])
    return list(found.values())


async def survey_report(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    *,
    filters: ReportFilter,
    disclosure: Disclosure,
) -> SurveyReport:
    """Per question: protected counts and percentages per answer for the chosen period and
    slice, and the trend over the period's parts. With `disclosure.max_stale_seconds`, a
    stored release behind the data but younger than that is served, and `figures_as_of`
    says when it was computed (pages and API allow it; snapshots such as evidence read
    current)."""
    commit = not session.in_transaction()
    versions = await _versions(session, slug)
    version = _choose(versions, filters.version)
    period, slice_ = await _check_filters(session, staff, filters)
    threshold, method = disclosure.threshold, disclosure.method
    window = await window_for(session, version.id, period)
    cached = await _family(session, staff, version, window, disclosure, commit=commit)
    family = cached.family
    report_questions = []
    for _path, question in all_questions(version.published.definition):
        stored = family.questions[question.id]
        base, lines = shape.answer_lines(stored.release, stored.rows, period, slice_, threshold)
        report_questions.append(
            QuestionReport(
                id=question.id,
                core=question.core,
                type=question_type(question),
                text=shape._text(question.text) or question.id,
                base=base.shown,
                mean=shape.mean_of(question, lines, threshold),
                answers=lines,
                trend=shape.trend(stored.release, stored.rows, period, slice_, threshold),
            )
        )
    return SurveyReport(
        survey=slug,
        title=version.published.definition.title
        if isinstance(version.published.definition.title, str)
        else version.published.definition.title.get("en", slug),
        version=version.number,
        versions=[v.number for v in versions],
        period=period.name,
        period_label=period.label,
        narrowed_by=_slice_name(slice_),
        responses=family.responses.figure(BASE, period, slice_).shown,
        threshold=threshold,
        method=method,
        legend=legend(threshold),
        questions=report_questions,
        figures_as_of=as_of_minute(cached.as_of),
    )


def as_of_minute(computed_at: datetime | None) -> datetime | None:
    """A stale release's computed time as pages show it: London time, to the minute."""
    if computed_at is None:
        return None
    return computed_at.astimezone(LONDON).replace(second=0, microsecond=0)


async def compare_question(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    question_key: str,
    *,
    filters: ReportFilter,
    disclosure: Disclosure,
) -> QuestionComparison:
    """The question with this id or core code in every version that has it, each read from
    that version's own protected release under the same filters (stale ones as in
    `survey_report`; `figures_as_of` is then the oldest one's computed time)."""
    commit = not session.in_transaction()
    period, slice_ = await _check_filters(session, staff, filters)
    compared = []
    stale: list[datetime] = []
    for version in await _versions(session, slug):
        question = next(
            (
                q
                for _p, q in all_questions(version.published.definition)
                if question_key in (q.id, q.core)
            ),
            None,
        )
        if question is None:
            continue
        cached = await _family(
            session,
            staff,
            version,
            await window_for(session, version.id, period),
            disclosure,
            commit=commit,
        )
        stale.extend([cached.as_of] if cached.as_of else [])
        stored = cached.family.questions[question.id]
        base, lines = shape.answer_lines(
            stored.release, stored.rows, period, slice_, disclosure.threshold
        )
        compared.append(
            VersionComparison(
                version=version.number,
                question_id=question.id,
                base=base.shown,
                mean=shape.mean_of(question, lines, disclosure.threshold),
                answers=lines,
            )
        )
    if not compared:
        raise NotFound(f"survey {slug!r} has no question with id or core code {question_key!r}")
    return QuestionComparison(
        survey=slug,
        question=question_key,
        period=period.name,
        narrowed_by=_slice_name(slice_),
        legend=legend(disclosure.threshold),
        versions=compared,
        figures_as_of=as_of_minute(min(stale, default=None)),
    )


async def _family(
    session: AsyncSession,
    staff: Staff,
    version: _Version,
    window: Window,
    disclosure: Disclosure,
    *,
    commit: bool,
) -> CachedFamily:
    """Every protected figure the caller's scope may request for this version and window,
    from the stored release when it is current (see `release_cache`)."""
    scope = staff.service_scope()
    threshold, method = disclosure.threshold, disclosure.method

    async def compute() -> StoredFamily:
        return await compute_answers_family(
            session, version, window, scope, threshold=threshold, method=method
        )

    return await cached_family(
        session,
        version_id=version.id,
        window=window,
        scope=scope,
        threshold=threshold,
        method=method,
        compute=compute,
        commit=commit,
        max_stale_seconds=disclosure.max_stale_seconds,
    )


async def compute_answers_family(
    session: AsyncSession,
    version: _Version,
    window: Window,
    scope: Scope,
    *,
    threshold: int,
    method: str,
) -> StoredFamily:
    """The answers family of one scope, computed from that scope's counters only. The
    protection is CPU work (a linear program per family), so it runs on a thread: the event
    loop keeps taking submissions meanwhile."""
    answers, atoms = await _load_atoms(session, scope, version.id, window)
    protect = partial(_protect_answers, version, answers, atoms, window, threshold, method)
    return await anyio.to_thread.run_sync(protect)


def _protect_answers(
    version: _Version,
    answers: Atoms,
    atoms: Atoms,
    window: Window,
    threshold: int,
    method: str,
) -> StoredFamily:
    responses = protect_responses(atoms, window=window, threshold=threshold, method=method)
    questions = {}
    for _path, question in all_questions(version.published.definition):
        release, rows = _question_release(question, answers, responses, window, threshold, method)
        questions[question.id] = StoredQuestion(rows, store_release(release))
    return StoredFamily(questions, store_release(responses.release))


def _question_release(
    question: Question,
    answers: Atoms,
    responses: Responses,
    window: Window,
    threshold: int,
    method: str,
) -> tuple[Release, list[tuple[str, str]]]:
    mine = {
        atom: count for atom, count in answers.items() if atom.row.startswith(f"{question.id}\x00")
    }
    atoms = {atom._replace(row=atom.row.split("\x00", 1)[1]): count for atom, count in mine.items()}
    rows = shape.option_rows(question, sorted({atom.row for atom in atoms}))
    additive = shape.is_additive(question)
    if not additive:
        atoms.update(responses.atoms)
    release = build_release(
        atoms,
        window=window,
        rows=[code for code, _label in rows],
        additive=additive,
        threshold=threshold,
        method=method,
        responses=responses,
    )
    return release, rows


async def _versions(session: AsyncSession, slug: str) -> list[_Version]:
    rows = await session.execute(
        select(SurveyVersion.id, SurveyVersion.number, SurveyVersion.definition)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.slug == slug)
        .order_by(SurveyVersion.number)
    )
    versions = [
        _Version(id, number, slug, msgspec.json.decode(definition, type=PublishedSurvey))
        for id, number, definition in rows
    ]
    if not versions:
        raise NotFound(f"no published survey {slug!r}")
    return versions


async def version_by_id(session: AsyncSession, version_id: int) -> _Version | None:
    row = (
        await session.execute(
            select(Survey.slug, SurveyVersion.number, SurveyVersion.definition)
            .join(Survey, Survey.id == SurveyVersion.survey_id)
            .where(SurveyVersion.id == version_id)
        )
    ).one_or_none()
    if row is None:
        return None
    slug, number, definition = row
    return _Version(version_id, number, slug, msgspec.json.decode(definition, type=PublishedSurvey))


def _choose(versions: list[_Version], number: int | None) -> _Version:
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise NotFound(f"survey {versions[0].slug!r} has no version {number}")


async def _check_filters(
    session: AsyncSession, staff: Staff, filters: ReportFilter
) -> tuple[ReportPeriod, Slice]:
    """The period and the one slice asked for; a service outside the caller's scope is
    refused rather than shown empty, so nobody mistakes it for a service with no answers."""
    period = parse_period(filters.period)
    narrowed = [
        (axis, value)
        for axis, value in (
            ("service", filters.service_id),
            ("borough", filters.borough),
            ("channel", filters.channel),
        )
        if value not in (None, "")
    ]
    if len(narrowed) > 1:
        raise InvalidInput(
            "narrow by one of service, borough or channel at a time (combining them "
            "would let small groups be worked out by subtraction)",
            field="filters",
        )
    if not narrowed:
        return period, ALL
    axis, value = narrowed[0]
    if axis == "service":
        scope = staff.service_scope()
        if scope is not None and value not in scope:
            raise Forbidden("you may read reports for your own services only")
        if await session.get(Service, value) is None:
            raise NotFound(f"service {value}: no such service")
    return period, (axis, str(value))


async def _load_atoms(
    session: AsyncSession, scope: Scope, version_id: int, window: Window
) -> tuple[Atoms, Atoms]:
    """The window's counters, as (question\\0option) atoms, and responses per month as BASE
    atoms; both limited to the scope's services."""
    counts = select(
        AnswerCount.question_id,
        AnswerCount.option,
        AnswerCount.service_id,
        AnswerCount.borough,
        AnswerCount.channel,
        AnswerCount.month,
        AnswerCount.count,
    ).where(
        AnswerCount.survey_version_id == version_id,
        AnswerCount.month.between(window.first_month, window.last_month),
    )
    if scope is not None:
        counts = counts.where(AnswerCount.service_id.in_(scope))
    answers: Atoms = defaultdict(int)
    for question_id, option, service_id, borough, channel, month, count in await session.execute(
        counts
    ):
        atom = Atom(f"{question_id}\x00{option}", str(service_id), borough, channel, month)
        answers[atom] += count
    return dict(answers), await _load_responses(session, scope, version_id, window)


async def _load_responses(
    session: AsyncSession, scope: Scope, version_id: int, window: Window
) -> Atoms:
    """Responses per cell and month, as BASE atoms, limited to the scope's services: read
    from the per-cell counts the database keeps (`reports.models`), never by scanning
    responses."""
    query = select(
        ReportCell.service_id,
        ReportCell.borough,
        ReportCell.channel,
        ReportCell.month,
        ReportCell.responses,
    ).where(
        ReportCell.survey_version_id == version_id,
        ReportCell.month.between(window.first_month, window.last_month),
        ReportCell.responses > 0,
    )
    if scope is not None:
        query = query.where(ReportCell.service_id.in_(scope))
    return {
        Atom(BASE, str(service_id), borough, channel, month): count
        for service_id, borough, channel, month, count in await session.execute(query)
    }


def _slice_name(slice_: Slice) -> str:
    return "all" if slice_ == ALL else f"{slice_[0]}={slice_[1]}"


class ExportFile(msgspec.Struct, frozen=True):
    content: bytes
    media_type: str
    filename: str


async def export_survey_report(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    *,
    filters: ReportFilter,
    disclosure: Disclosure,
    file_format: str,
) -> ExportFile:
    """The report as CSV or XLSX, with the same protection as the page but from current
    figures (a file is kept and handed on); the export is audit-logged (who, which survey
    and filters; never a figure) before it is handed over."""
    from feedback.auth.audit import record_audit
    from feedback.reports.exports import EXPORT_FORMATS, report_csv, report_xlsx

    if file_format not in EXPORT_FORMATS:
        raise InvalidInput("use csv or xlsx", field="format", value=file_format)
    report = await survey_report(
        session, staff, slug, filters=filters, disclosure=disclosure.current()
    )
    record_audit(
        session,
        "report.export",
        actor_id=staff.id,
        target_type="survey_report",
        target_id=f"{slug}/{report.version}/{report.period}/{report.narrowed_by}/{file_format}"[
            :64
        ],
    )
    await session.commit()
    name = f"{slug}-v{report.version}-{report.period}"
    if file_format == "csv":
        return ExportFile(report_csv(report), "text/csv; charset=utf-8", f"{name}.csv")
    return ExportFile(
        report_xlsx(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{name}.xlsx",
    )


__all__ = [
    "ExportFile",
    "as_of_minute",
    "compare_question",
    "compute_answers_family",
    "export_survey_report",
    "list_reportable_surveys",
    "survey_report",
    "version_by_id",
]
