"""Re-running the tagger over stored responses after the taxonomy or rules change.

Each response goes through the very function the job uses, so human decisions survive
and counts are not added twice; the summary says what the machine's tags gained and lost.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import MasterKeys
from feedback.errors import NotFound
from feedback.responses.models import Response
from feedback.surveys.models import Survey, SurveyVersion
from feedback.themes.tagging import tag_stored_response

__all__ = ["RetagSummary", "response_ids", "retag_responses"]


class RetagSummary(msgspec.Struct):
    responses: int = 0
    changed: int = 0
    unreadable: int = 0
    added: dict[str, int] = {}  # theme id -> tags the machine newly gave
    removed: dict[str, int] = {}  # theme id -> machine tags it no longer finds


async def response_ids(session: AsyncSession, survey_slug: str | None) -> list[str]:
    query = select(Response.id).order_by(Response.id)
    if survey_slug is not None:
        survey_id = await session.scalar(select(Survey.id).where(Survey.slug == survey_slug))
        if survey_id is None:
            raise NotFound(f"--survey: no survey {survey_slug!r}")
        query = query.join(SurveyVersion, SurveyVersion.id == Response.survey_version_id).where(
            SurveyVersion.survey_id == survey_id
        )
    return list(await session.scalars(query))


async def retag_responses(
    session: AsyncSession,
    ids: list[str],
    *,
    master_keys: MasterKeys,
    suppression_threshold: int,
    progress: Callable[[int], None] = lambda _done: None,
) -> RetagSummary:
    summary = RetagSummary(added={}, removed={})
    for response_id in ids:
        outcome = await tag_stored_response(
            session,
            response_id,
            master_keys=master_keys,
            suppression_threshold=suppression_threshold,
        )
        summary.responses += 1
        summary.unreadable += outcome.state == "unreadable"
        summary.changed += bool(outcome.added or outcome.removed)
        for tag in outcome.added:
            theme = tag.split(":", 1)[1]
            summary.added[theme] = summary.added.get(theme, 0) + 1
        for tag in outcome.removed:
            theme = tag.split(":", 1)[1]
            summary.removed[theme] = summary.removed.get(theme, 0) + 1
        progress(1)
    return summary
