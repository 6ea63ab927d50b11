"""Recompute stored releases that fell behind their data, off the request path.

Every stored family under the current threshold and method is checked: one whose
generation is behind its scope's current generation is recomputed from its own key (the
scope's service ids travel with the family, and must hash to the stored key) and stored,
oldest first, at most `limit` per run and none started after `budget_seconds`, so a run
stays well inside the job timeout. Families stored under another threshold or method are
never read under these settings and are left alone; families stored before they carried
their scope are left to the next request, which recomputes them as before.

There is no record of when a release was last read (`report_releases` has no such
column), so every stale stored release is refreshed, bounded per run.
"""

from __future__ import annotations

import time
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.reports import service, themes
from feedback.reports.models import ReportRelease
from feedback.reports.release_cache import (
    ANSWERS,
    HEADER_DECODER,
    THEMES,
    StoredFamily,
    current_generation,
    release_key,
    scope_key,
    store_family,
    stored_window,
)
from feedback.reports.spans import family_window

REFRESH_LIMIT = 20  # releases recomputed per run at most (~2 s each on 1M responses)


class RefreshOutcome(msgspec.Struct, frozen=True):
    checked: int  # stored releases under the current threshold and method
    stale: int  # of those, behind their data and refreshable
    refreshed: int  # recomputed and stored in this run


class _Stale(msgspec.Struct, frozen=True):
    version_id: int
    kind: str
    year: int
    scope: tuple[int, ...] | None
    computed_at: datetime


async def refresh_stale_releases(
    session: AsyncSession,
    *,
    threshold: int,
    method: str,
    limit: int = REFRESH_LIMIT,
    budget_seconds: float = 30.0,
) -> RefreshOutcome:
    """Recompute and store the stale releases (oldest first, within the limits); each one
    is committed on its own, so a long run never holds back what it already refreshed."""
    started = time.monotonic()
    stale, checked = await _stale_releases(session, threshold=threshold, method=method)
    refreshed = 0
    for entry in sorted(stale, key=lambda entry: entry.computed_at)[:limit]:
        if time.monotonic() - started > budget_seconds:
            break
        if await _refresh(session, entry, threshold=threshold, method=method):
            refreshed += 1
        await session.commit()
    return RefreshOutcome(checked=checked, stale=len(stale), refreshed=refreshed)


async def _stale_releases(
    session: AsyncSession, *, threshold: int, method: str
) -> tuple[list[_Stale], int]:
    """The refreshable stale releases, and how many releases were checked."""
    keys = (
        await session.execute(
            select(
                ReportRelease.survey_version_id,
                ReportRelease.kind,
                ReportRelease.year,
                ReportRelease.scope,
                ReportRelease.generation,
            ).where(ReportRelease.threshold == threshold, ReportRelease.method == method)
        )
    ).all()
    stale = []
    for version_id, kind, year, hashed, generation in keys:
        key = release_key(version_id, year, None, threshold, method, kind) | {"scope": hashed}
        figures = await session.scalar(select(ReportRelease.figures).filter_by(**key))
        if figures is None:
            continue  # replaced meanwhile
        header = HEADER_DECODER.decode(figures)
        if header.computed_at is None or scope_key(header.scope) != hashed:
            continue  # stored before families carried their scope: the next read redoes it
        window = await family_window(session, version_id, year)
        if window.first_year != year:
            continue  # a round joined this year to an earlier one: never read again
        now = await current_generation(session, version_id, window, header.scope, kind=kind)
        if now != generation or header.window != stored_window(window):
            stale.append(_Stale(version_id, kind, year, header.scope, header.computed_at))
    await session.commit()  # end the read transaction before the long computations
    return stale, len(keys)


async def _refresh(session: AsyncSession, entry: _Stale, *, threshold: int, method: str) -> bool:
    """Recompute one family from its key; the generation is read before the data, as on
    the request path, so the stored family is never older than the generation it carries."""
    scope = entry.scope
    read_at = clock.now_utc()
    window = await family_window(session, entry.version_id, entry.year)
    generation = await current_generation(session, entry.version_id, window, scope, kind=entry.kind)
    family: StoredFamily
    if entry.kind == ANSWERS:
        version = await service.version_by_id(session, entry.version_id)
        if version is None:
            return False
        family = await service.compute_answers_family(
            session, version, window, scope, threshold=threshold, method=method
        )
    elif entry.kind == THEMES:
        family = await themes.compute_themes_family(
            session, entry.version_id, window, scope, threshold=threshold, method=method
        )
    else:
        return False
    key = release_key(entry.version_id, entry.year, scope, threshold, method, entry.kind)
    await store_family(session, key, scope, generation, family, read_at=read_at, window=window)
    return True


__all__ = ["REFRESH_LIMIT", "RefreshOutcome", "refresh_stale_releases"]
