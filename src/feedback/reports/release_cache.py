"""Protected releases stored in the database, so a report request is a read, not a solve.

A stored family is served only when its key matches exactly - survey version, kind (answers
or theme mentions), its window's first year, the caller's scope (every service id they may
read, or "all"), threshold and method - when it was computed for the same window (years and
round spans, `reports.spans`; a new round across New Year widens it) and its generation
equals the current sum of the cell generations over that scope and window (see
`reports.models`). Otherwise it is computed afresh, from that
same scope's data only, and stored. The generation is read before the data, so a stored
family is never older than the generation it carries: at worst newer, and recomputed once
more on the next read.

A caller may accept a stored family that is behind the data but was computed less than
`max_stale_seconds` ago (stale-while-revalidate): it is still the release protected for
that exact scope, only older, and the caller is told its computed time so the page can say
"figures as of". The background refresh (`reports.refresh`) recomputes stale families, so
in steady state requests read and never solve. Each family carries its computed time and
its scope's service ids, which is what lets the refresh recompute it from its key alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.reports.models import ReportCell, ReportRelease, ReportTagCell
from feedback.reports.periods import Window
from feedback.reports.release import StoredRelease

ANSWERS, THEMES = "answers", "themes"  # the kinds of family stored


class StoredQuestion(msgspec.Struct, frozen=True):
    rows: list[tuple[str, str]]  # (option code, label) in report order
    release: StoredRelease


class StoredFamily(msgspec.Struct, frozen=True):
    """Every protected figure one scope may request for one survey version and window.
    `computed_at` and `scope` are set when it is stored (None in families stored before
    they existed: those are never served stale nor refreshed in the background); `window`
    is `Window.name` (None before windows: a single year without spans)."""

    questions: dict[str, StoredQuestion]
    responses: StoredRelease
    computed_at: datetime | None = None
    scope: tuple[int, ...] | None = None  # the service ids; None is every service
    window: str | None = None


class ReleaseHeader(msgspec.Struct, frozen=True):
    """What the background refresh needs of a stored family, decoded without its figures."""

    computed_at: datetime | None = None
    scope: tuple[int, ...] | None = None
    window: str | None = None


class CachedFamily(msgspec.Struct, frozen=True):
    """A family as served: `as_of` is its computed time when it is behind the data (served
    stale), None when it is current."""

    family: StoredFamily
    as_of: datetime | None = None


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(StoredFamily)
HEADER_DECODER = msgspec.msgpack.Decoder(ReleaseHeader)


PROTECTION_RULES = "lp1"  # bump when the protection changes: releases made before are redone


def stored_window(window: Window) -> str:
    """What a stored family records of its window and the rules that protected it, so a
    release protected by older rules (issue 21) is never served again."""
    return f"{window.name};{PROTECTION_RULES}"


def scope_key(scope: Sequence[int] | None) -> str:
    """ "all", or the exact set of service ids: two scopes share a key only when equal."""
    text = "all" if scope is None else "services:" + ",".join(map(str, sorted(set(scope))))
    return hashlib.sha256(text.encode()).hexdigest()


async def current_generation(
    session: AsyncSession,
    version_id: int,
    window: Window,
    scope: Sequence[int] | None,
    *,
    kind: str = ANSWERS,
) -> int:
    """The sum of the scope's cell generations over the window; theme families add the
    theme tags' generations, since tags change without the counters."""
    total = 0
    for table in (ReportCell, ReportTagCell) if kind == THEMES else (ReportCell,):
        query = select(func.coalesce(func.sum(table.generation), 0)).where(
            table.survey_version_id == version_id,
            table.month.between(window.first_month, window.last_month),
        )
        if scope is not None:
            query = query.where(table.service_id.in_(scope))
        total += int(await session.scalar(query) or 0)
    return total


def release_key(
    version_id: int, year: int, scope: Sequence[int] | None, threshold: int, method: str, kind: str
) -> dict[str, Any]:
    """The primary key of `report_releases` for this request."""
    return {
        "survey_version_id": version_id,
        "kind": kind,
        "year": year,
        "scope": scope_key(scope),
        "threshold": threshold,
        "method": method,
    }


async def cached_family(
    session: AsyncSession,
    *,
    version_id: int,
    window: Window,
    scope: Sequence[int] | None,
    threshold: int,
    method: str,
    compute: Callable[[], Awaitable[StoredFamily]],
    commit: bool,
    kind: str = ANSWERS,
    max_stale_seconds: int = 0,
) -> CachedFamily:
    """The stored family when current, or when behind but computed less than
    `max_stale_seconds` ago; else `compute()` stored under this exact key. `commit` says
    the caller's transaction is ours to commit (a request's own session); otherwise the
    write rides on the caller's transaction."""
    read_at = clock.now_utc()
    generation = await current_generation(session, version_id, window, scope, kind=kind)
    key = release_key(version_id, window.first_year, scope, threshold, method, kind)
    found = (
        await session.execute(
            select(ReportRelease.generation, ReportRelease.figures).filter_by(**key)
        )
    ).one_or_none()
    if found is not None:
        stored = _DECODER.decode(found.figures)
        same_window = stored.window == stored_window(window)  # None (stored before) never is
        if same_window and found.generation == generation:
            return CachedFamily(stored)
        if same_window and _young_enough(stored.computed_at, max_stale_seconds):
            return CachedFamily(stored, as_of=stored.computed_at)
    family = await compute()
    family = await store_family(
        session, key, scope, generation, family, read_at=read_at, window=window
    )
    if commit:
        await session.commit()
    return CachedFamily(family)


def _young_enough(computed_at: datetime | None, max_stale_seconds: int) -> bool:
    if computed_at is None or max_stale_seconds <= 0:
        return False
    return clock.now_utc() - computed_at < timedelta(seconds=max_stale_seconds)


async def store_family(
    session: AsyncSession,
    key: dict[str, Any],
    scope: Sequence[int] | None,
    generation: int,
    family: StoredFamily,
    *,
    read_at: datetime,
    window: Window,
) -> StoredFamily:
    """Store `family` under `key` with the generation read before its data, stamped with
    the time that generation was read (so "figures as of" never claims newer data than it
    holds), its scope's service ids and its window; returns it as stored."""
    if key["scope"] != scope_key(scope) or key["year"] != window.first_year:
        raise ValueError("a family is stored only under its own scope's and window's key")
    family = msgspec.structs.replace(
        family,
        computed_at=read_at,
        scope=None if scope is None else tuple(sorted(set(scope))),
        window=stored_window(window),
    )
    values = {**key, "generation": generation, "figures": _ENCODER.encode(family)}
    connection = await session.connection()
    await connection.execute(_upsert(connection.dialect.name), values)
    return family


def _upsert(dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(ReportRelease)
    return statement.on_conflict_do_update(
        index_elements=["survey_version_id", "kind", "year", "scope", "threshold", "method"],
        set_={"generation": statement.excluded.generation, "figures": statement.excluded.figures},
    )


__all__ = [
    "ANSWERS",
    "HEADER_DECODER",
    "THEMES",
    "CachedFamily",
    "ReleaseHeader",
    "StoredFamily",
    "StoredQuestion",
    "cached_family",
    "current_generation",
    "release_key",
    "scope_key",
    "store_family",
    "stored_window",
]
