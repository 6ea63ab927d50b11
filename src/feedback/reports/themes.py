"""Theme reports: how many responses mention each theme, each theme's sentiment split, and
the top emerging phrases, from stored tags and counts only (never by opening a response);
and redacted quotes for one theme, which do open responses.

Mentions and their sentiment split go through one joint release (`release.build_release`),
stored like the answers' (`release_cache`, kind "themes", current while no response,
counter or tag of the scope changed). Themes and theme-sentiment pairs are rows,
`additive=False` (one response can carry several themes), responses are BASE, and each
theme is tied to the sum of its split, so a count below the threshold is `c` and cannot be
worked out from any other report one person may ask for. A response counts once per theme,
under its most negative tag for that theme (a person may mention a theme in two answers).
A tag an analyst removed is not counted.

Emerging phrases are counted per survey and month across all services, so only the roles
that read every service see them, unnarrowed, and only phrases whose text was stored (it is
kept only once enough different responses used it), protected across the window's periods.

Quotes: lead and analyst only, only for a theme at least `threshold` responses mention in
the chosen period and group, each view audit-logged; words are redacted before they leave.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from functools import partial

import anyio.to_thread
import msgspec
from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.crypto.errors import PeriodKeyDestroyed
from feedback.crypto.master import MasterKeys
from feedback.errors import Forbidden, NotFound
from feedback.reports import service
from feedback.reports.periods import ReportPeriod, Window
from feedback.reports.questions import answer_lines, percent
from feedback.reports.release import (
    ALL,
    BASE,
    Atom,
    Figures,
    Responses,
    Slice,
    build_release,
    protect_responses,
    store_release,
)
from feedback.reports.release_cache import THEMES, StoredFamily, StoredQuestion, cached_family
from feedback.reports.schemas import AnswerLine, ReportFilter
from feedback.reports.spans import window_for
from feedback.reports.suppression import legend
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.surveys.models import Survey
from feedback.themes.models import EmergingPhraseCount, ThemeTag
from feedback.themes.opening import open_response
from feedback.themes.redaction import redact
from feedback.themes.taxonomy import load_taxonomy

SENTIMENTS = ("negative", "positive", "neutral")  # rank order; "neutral" also holds "mixed"
QUOTE_ROLES = ("lead", "analyst")
MAX_QUOTES = 20
TOP_PHRASES = 10
PHRASES_ALL_SERVICES = (
    "Emerging phrases are counted across all services, so only the lead and analysts see them."
)
PHRASES_NOT_NARROWED = "Emerging phrases are counted per survey and month: they cannot be narrowed."


class ThemeSentiment(msgspec.Struct, frozen=True):
    theme: str
    negative: str  # protected count
    positive: str
    share_negative: str  # percent of the theme's mentions, or c / x
    share_positive: str


class PhraseLine(msgspec.Struct, frozen=True):
    phrase: str
    shown: str


class ThemeReport(msgspec.Struct, frozen=True):
    survey: str
    version: int
    period: str
    narrowed_by: str
    responses: str
    legend: str
    themes: list[AnswerLine]  # option = theme id; percent of responses
    sentiment: list[ThemeSentiment] = []
    phrases: list[PhraseLine] = []
    phrases_note: str = ""
    figures_as_of: datetime | None = None  # set when served from a release behind the data


class ThemeQuotes(msgspec.Struct, frozen=True):
    survey: str
    theme: str
    label: str
    period: str
    narrowed_by: str
    mentions: str
    quotes: list[str]


def theme_labels() -> dict[str, str]:
    return {theme.id: theme.label for theme in load_taxonomy().themes}


def _split(theme: str, sentiment: str) -> str:
    return f"{theme}\x00{sentiment}"


async def _theme_atoms(
    session: AsyncSession, scope: service.Scope, version_id: int, window: Window
) -> dict[Atom, int]:
    """Per (theme, sentiment) and cell: distinct responses, each under its most negative
    tag for the theme; theme rows are the sums of their splits."""
    rank = case(
        *((ThemeTag.sentiment == name, index) for index, name in enumerate(SENTIMENTS[:-1])),
        else_=len(SENTIMENTS) - 1,
    )
    per_response = (
        select(ThemeTag.response_id, ThemeTag.theme_id, func.min(rank).label("rank"))
        .where(ThemeTag.decision != "removed")
        .group_by(ThemeTag.response_id, ThemeTag.theme_id)
        .subquery()
    )
    query = (
        select(
            per_response.c.theme_id,
            per_response.c.rank,
            Response.service_id,
            Response.borough,
            Response.channel,
            Response.submitted_on,
            func.count(),
        )
        .join(Response, Response.id == per_response.c.response_id)
        .where(
            Response.survey_version_id == version_id,
            Response.submitted_on.between(
                date(window.years[0], 1, 1), date(window.years[-1], 12, 31)
            ),
        )
        .group_by(
            per_response.c.theme_id,
            per_response.c.rank,
            Response.service_id,
            Response.borough,
            Response.channel,
            Response.submitted_on,
        )
    )
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    atoms: dict[Atom, int] = defaultdict(int)
    rows = await session.execute(query)
    for theme, rank_of, service_id, borough, channel, day, count in rows:
        cell = (str(service_id), borough, channel, f"{day.year:04d}-{day.month:02d}")
        atoms[Atom(theme, *cell)] += count
        atoms[Atom(_split(theme, SENTIMENTS[rank_of]), *cell)] += count
    return dict(atoms)


async def compute_themes_family(
    session: AsyncSession,
    version_id: int,
    window: Window,
    scope: service.Scope,
    *,
    threshold: int,
    method: str,
) -> StoredFamily:
    """The themes family of one scope, from that scope's responses and tags only."""
    responses = protect_responses(
        await service._load_responses(session, scope, version_id, window),
        window=window,
        threshold=threshold,
        method=method,
    )
    atoms = await _theme_atoms(session, scope, version_id, window)
    # CPU work (a linear program): on a thread, so the event loop keeps taking submissions.
    return await anyio.to_thread.run_sync(
        partial(_protect_themes, atoms, responses, window, threshold, method)
    )


def _protect_themes(
    atoms: dict[Atom, int],
    responses: Responses,
    window: Window,
    threshold: int,
    method: str,
) -> StoredFamily:
    themes = sorted({atom.row for atom in atoms if "\x00" not in atom.row})
    groups = {theme: [_split(theme, name) for name in SENTIMENTS] for theme in themes}
    atoms.update(responses.atoms)
    release = build_release(
        atoms,
        window=window,
        rows=[*themes, *(row for parts in groups.values() for row in parts)],
        additive=False,
        threshold=threshold,
        method=method,
        groups=groups,
        responses=responses,
    )
    labels = theme_labels()
    rows = [(theme, labels.get(theme, theme.replace("_", " "))) for theme in themes]
    stored = store_release(release)
    return StoredFamily({THEMES: StoredQuestion(rows, stored)}, stored)


async def theme_report(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    *,
    filters: ReportFilter,
    settings: Settings,
    max_stale_seconds: int = 0,
) -> ThemeReport:
    """Theme mentions and their sentiment split (stale ones as in `service.survey_report`),
    and the emerging phrases."""
    commit = not session.in_transaction()
    versions = await service._versions(session, slug)
    version = service._choose(versions, filters.version)
    period, slice_ = await service._check_filters(session, staff, filters)
    threshold = settings.suppression_threshold
    scope = staff.service_scope()
    window = await window_for(session, version.id, period)

    async def compute() -> StoredFamily:
        return await compute_themes_family(
            session,
            version.id,
            window,
            scope,
            threshold=threshold,
            method=settings.report_rounding,
        )

    cached = await cached_family(
        session,
        version_id=version.id,
        window=window,
        scope=scope,
        threshold=threshold,
        method=settings.report_rounding,
        compute=compute,
        commit=commit,
        kind=THEMES,
        max_stale_seconds=max_stale_seconds,
    )
    family = cached.family
    release, rows = family.questions[THEMES].release, family.questions[THEMES].rows
    _base, lines = answer_lines(release, rows, period, slice_, threshold)
    phrases, note = await _phrases(session, staff, slug, period, window, slice_, settings)
    return ThemeReport(
        survey=slug,
        version=version.number,
        period=period.name,
        narrowed_by=service._slice_name(slice_),
        responses=release.figure(BASE, period, slice_).shown,
        legend=legend(threshold, settings.report_rounding),
        themes=lines,
        sentiment=[_sentiment(release, theme, period, slice_, threshold) for theme, _ in rows],
        phrases=phrases,
        phrases_note=note,
        figures_as_of=service.as_of_minute(cached.as_of),
    )


def _sentiment(
    release: Figures, theme: str, period: ReportPeriod, slice_: Slice, threshold: int
) -> ThemeSentiment:
    mentions = release.figure(theme, period, slice_)
    negative = release.figure(_split(theme, "negative"), period, slice_)
    positive = release.figure(_split(theme, "positive"), period, slice_)
    return ThemeSentiment(
        theme=theme,
        negative=negative.shown,
        positive=positive.shown,
        share_negative=percent(negative, mentions, threshold),
        share_positive=percent(positive, mentions, threshold),
    )


async def _phrases(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    period: ReportPeriod,
    window: Window,
    slice_: Slice,
    settings: Settings,
) -> tuple[list[PhraseLine], str]:
    """The most used emerging phrases whose text is stored, protected over the window."""
    if staff.service_scope() is not None:
        return [], PHRASES_ALL_SERVICES
    if slice_ != ALL:
        return [], PHRASES_NOT_NARROWED
    rows = await session.execute(
        select(
            EmergingPhraseCount.phrase_key,
            EmergingPhraseCount.month,
            EmergingPhraseCount.responses,
            EmergingPhraseCount.phrase,
        )
        .join(Survey, Survey.id == EmergingPhraseCount.survey_id)
        .where(
            Survey.slug == slug,
            EmergingPhraseCount.month.between(window.first_month, window.last_month),
        )
    )
    atoms: dict[Atom, int] = {}
    names: dict[str, str] = {}
    for key, month, count, phrase in rows:
        atoms[Atom(key, "", "", "", month)] = count
        if phrase:
            names[key] = phrase
    release = build_release(
        {atom: count for atom, count in atoms.items() if atom.row in names},
        window=window,
        rows=sorted(names),
        additive=False,
        threshold=settings.suppression_threshold,
        method=settings.report_rounding,
    )
    shown = [(release.figure(key, period, ALL), phrase) for key, phrase in names.items()]
    top = sorted(
        ((figure.count, phrase) for figure, phrase in shown if figure.count),
        key=lambda item: (-(item[0] or 0), item[1]),
    )[:TOP_PHRASES]
    return [PhraseLine(phrase, str(count)) for count, phrase in top], ""


async def theme_quotes(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    theme: str,
    *,
    filters: ReportFilter,
    settings: Settings,
    master_keys: MasterKeys,
) -> ThemeQuotes:
    """Up to MAX_QUOTES redacted answers tagged with `theme` in the period and group, for
    lead and analyst, only when the theme's protected mention count reaches the threshold
    (a quote from a group of two is nearly a name). The view is audit-logged first."""
    if staff.role not in QUOTE_ROLES:
        raise Forbidden("quotes are for the lead and analysts only")
    report = await theme_report(session, staff, slug, filters=filters, settings=settings)
    line = next((line for line in report.themes if line.option == theme), None)
    if line is None:
        raise NotFound(f"no response in {report.period} mentions it", field="theme", value=theme)
    version = service._choose(await service._versions(session, slug), filters.version)
    period, slice_ = await service._check_filters(session, staff, filters)
    tagged = _tagged(staff, version.id, theme, period, slice_)
    mentions = await session.scalar(select(func.count()).select_from(tagged.subquery()))
    # The true count decides, not the shown one: rounding shows 3 as 5.
    if line.count is None or (mentions or 0) < settings.suppression_threshold:
        raise Forbidden(
            "quotes are shown only when at least "
            f"{settings.suppression_threshold} responses in the period and group mention it",
            field="theme",
            value=theme,
        )
    record_audit(
        session,
        "report.quotes",
        actor_id=staff.id,
        target_type="theme_quotes",
        target_id=f"{slug}/{version.number}/{theme}/{period.name}/{report.narrowed_by}"[:64],
    )
    await session.commit()
    quotes = []
    chosen = await session.execute(tagged.order_by(ThemeTag.response_id).limit(MAX_QUOTES))
    for response_id, question_id in chosen:
        try:
            opened = await open_response(session, response_id, master_keys=master_keys)
        except PeriodKeyDestroyed:
            continue  # retention: those words are gone for good
        text = opened.free_texts.get(question_id)
        if text:
            quotes.append(redact(text))
    return ThemeQuotes(
        survey=slug,
        theme=theme,
        label=theme_labels().get(theme, theme),
        period=period.name,
        narrowed_by=report.narrowed_by,
        mentions=line.shown,
        quotes=quotes,
    )


def _tagged(
    staff: Staff, version_id: int, theme: str, period: ReportPeriod, slice_: Slice
) -> Select[str, str]:
    """(response, first question tagged) for each response mentioning `theme` in the
    period and slice, within the caller's services."""
    months = period.month_keys()
    (first_year, first), (last_year, last) = months[0], months[-1]
    end = date(last_year + 1, 1, 1) if last == 12 else date(last_year, last + 1, 1)
    query = (
        select(ThemeTag.response_id, func.min(ThemeTag.question_id))
        .join(Response, Response.id == ThemeTag.response_id)
        .where(
            ThemeTag.theme_id == theme,
            ThemeTag.decision != "removed",
            Response.survey_version_id == version_id,
            Response.submitted_on >= date(first_year, first, 1),
            Response.submitted_on < end,
        )
        .group_by(ThemeTag.response_id)
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    axis, value = slice_
    if axis == "service":
        query = query.where(Response.service_id == int(value))
    elif axis == "borough":
        query = query.where(Response.borough == value)
    elif axis == "channel":
        query = query.where(Response.channel == value)
    return query


__all__ = ["ThemeQuotes", "ThemeReport", "compute_themes_family", "theme_quotes", "theme_report"]
