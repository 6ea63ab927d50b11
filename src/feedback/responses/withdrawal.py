"""Removing a withdrawn response and taking its answers back out of every count.

This runs in the worker, because the counts to correct are known only from the answers,
and the answers only open with the period's private key. Everything happens in one
transaction: the counts never disagree with the responses that are left.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.errors import PeriodKeyDestroyed
from feedback.crypto.master import MasterKeys
from feedback.crypto.opening import load_opening_key, open_sealed
from feedback.crypto.sealing import response_associated_data
from feedback.responses.answers import AnswerValue, counted_options
from feedback.responses.models import AnswerCount, Response, WithdrawalRequest
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.models import SurveyVersion
from feedback.themes.contributions import tagging_counts, take_back_tagging_counts
from feedback.themes.opening import free_text_answers

__all__ = ["Outcome", "pending_withdrawals", "remove_response"]

Outcome = Literal["removed", "removed_unread", "absent"]


class _Sealed(msgspec.Struct):
    answers: dict[str, AnswerValue]
    language: str = "en"


async def remove_response(
    session: AsyncSession,
    response_id: str,
    *,
    master_keys: MasterKeys,
    suppression_threshold: int,
) -> Outcome:
    """Delete the response and subtract exactly what intake and tagging added for it:
    answer counters, emerging-phrase and danger-flag counts. Safe to run twice or
    concurrently: only the run that deletes the row corrects the counts.

    Locks go in the order of db/lock_order.py: the response row first (a tagging run in
    flight finishes first, so its counts are seen and taken back), then its counter rows,
    then the delete (whose trigger takes the report cell), then the tagging counts.

    If its period's opening key was destroyed, the response is already unreadable and its
    answers survive only as anonymous counts (that is what retention means), so the row is
    deleted and the counts are left as they are ("removed_unread").
    """
    row = (
        await session.execute(
            select(Response.__table__, SurveyVersion.survey_id, SurveyVersion.definition)
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .where(Response.id == response_id)
            .with_for_update(of=Response.__table__)
        )
    ).one_or_none()
    if row is None:
        await session.rollback()
        return "absent"
    opened = await _opened(session, row, master_keys)
    tagging = None
    if opened is not None:
        definition = msgspec.json.decode(row.definition, type=PublishedSurvey).definition
        tagging = await tagging_counts(
            session,
            row.id,
            list(free_text_answers(row.definition, opened.answers).values()),
            survey_id=row.survey_id,
            survey_version_id=row.survey_version_id,
            month=_month(row),
            master_keys=master_keys,
        )
        await _uncount(session, row, counted_options(definition, opened.answers))
    await session.execute(delete(WithdrawalRequest).where(WithdrawalRequest.response_id == row.id))
    deleted = await session.execute(delete(Response).where(Response.id == row.id))
    if getattr(deleted, "rowcount", 0) != 1:  # another run removed it first (SQLite)
        await session.rollback()
        return "absent"
    if tagging is not None:
        await take_back_tagging_counts(
            session, tagging, suppression_threshold=suppression_threshold
        )
    await session.commit()
    return "removed" if opened is not None else "removed_unread"


def _month(row: Any) -> str:
    return str(row.submitted_on.strftime("%Y-%m"))


async def _opened(session: AsyncSession, row: Any, master_keys: MasterKeys) -> _Sealed | None:
    """The response's answers; None when its period key is destroyed."""
    try:
        key = await load_opening_key(session, row.key_period_id, master_keys=master_keys)
    except PeriodKeyDestroyed:
        return None
    plain = open_sealed(key, row.sealed, response_associated_data(row.id, row.survey_version_id))
    return msgspec.json.decode(plain, type=_Sealed)


async def _uncount(session: AsyncSession, row: Any, counted: list[tuple[str, str]]) -> None:
    """Subtract one per pair, never below zero, and drop rows that reach zero so the
    counters look exactly as if the response had never been given. The rows are locked
    first, by one statement in intake's order (question and option in code-point order),
    so the report-cell triggers of the updates run once every counter row is held."""
    pairs = sorted(set(counted))
    if not pairs:
        return
    cell = (
        AnswerCount.survey_version_id == row.survey_version_id,
        AnswerCount.service_id == row.service_id,
        AnswerCount.borough == row.borough,
        AnswerCount.month == _month(row),
        AnswerCount.channel == row.channel,
        tuple_(AnswerCount.question_id, AnswerCount.option).in_(pairs),
    )
    postgres = session.get_bind().dialect.name == "postgresql"
    order = [
        column.collate("C") if postgres else column
        for column in (AnswerCount.question_id, AnswerCount.option)
    ]
    await session.execute(
        select(AnswerCount.question_id).where(*cell).order_by(*order).with_for_update()
    )
    await session.execute(
        update(AnswerCount).where(*cell, AnswerCount.count > 0).values(count=AnswerCount.count - 1)
    )
    await session.execute(delete(AnswerCount).where(*cell, AnswerCount.count <= 0))


async def pending_withdrawals(session: AsyncSession) -> list[str]:
    """Responses whose withdrawal was asked for but not yet done (a job lost with a worker)."""
    return list(await session.scalars(select(WithdrawalRequest.response_id)))
