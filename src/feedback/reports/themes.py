"""Theme reports: how many responses mention each theme, each theme's sentiment split, and
the top emerging phrases, from stored tags and counts only (never by opening a response);
and the theme labels. Redacted quotes, which do open responses, are `reports.quotes`.

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
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from functools import partial

import anyio.to_thread
import msgspec
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
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
from feedback.reports.schemas import AnswerLine, Disclosure, ReportFilter
from feedback.reports.spans import window_for
from feedback.reports.suppression import legend
from feedback.responses.models import Response
from feedback.surveys.models import Survey
from feedback.themes.models import EmergingPhraseCount, ThemeTag
from feedback.themes.taxonomy import load_taxonomy

SENTIMENTS = ("negative", "positive", "neutral")  # rank order; "neutral" also holds "mixed"
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
    disclosure: Disclosure,
) -> ThemeReport:
    """Theme mentions and their sentiment split (stale ones as in `service.survey_report`),
    and the emerging phrases."""
    commit = not session.in_transaction()
    versions = await service._versions(session, slug)
    version = service._choose(versions, filters.version)
    period, slice_ = await service._check_filters(session, staff, filters)
    threshold, method = disclosure.threshold, disclosure.method
    scope = staff.service_scope()
    window = await window_for(session, version.id, period)

    async def compute() -> StoredFamily:
        return await compute_themes_family(
            session,
            version.id,
            window,
            scope,
            threshold=threshold,
            method=method,
        )

    cached = await cached_family(
        session,
        version_id=version.id,
        window=window,
        scope=scope,
        threshold=threshold,
        method=method,
        compute=compute,
        commit=commit,
        kind=THEMES,
        max_stale_seconds=disclosure.max_stale_seconds,
    )
    family = cached.family
    release, rows = family.questions[THEMES].release, family.questions[THEMES].rows
    _base, lines = answer_lines(release, rows, period, slice_, threshold)
    phrases, note = await _phrases(session, staff, slug, period, window, slice_, disclosure)
    return ThemeReport(
        survey=slug,
        version=version.number,
        period=period.name,
        narrowed_by=service._slice_name(slice_),
        responses=release.figure(BASE, period, slice_).shown,
        legend=legend(threshold),
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
    disclosure: Disclosure,
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
        threshold=disclosure.threshold,
        method=disclosure.method,
    )
    shown = [(release.figure(key, period, ALL), phrase) for key, phrase in names.items()]
    top = sorted(
        ((figure.count, phrase) for figure, phrase in shown if figure.count),
        key=lambda item: (-(item[0] or 0), item[1]),
    )[:TOP_PHRASES]
    return [PhraseLine(phrase, str(count)) for count, phrase in top], ""


__all__ = ["ThemeReport", "compute_themes_family", "theme_labels", "theme_report"]
