"""Removing a withdrawn response and taking its answers back out of the counters.

This runs in the worker, because the counters to correct are known only from the answers,
and the answers only open with the period's private key. Everything happens in one
transaction: the counters never disagree with the responses that are left.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.errors import PeriodKeyDestroyed
from feedback.crypto.master import MasterKeys
from feedback.crypto.opening import load_opening_key, open_sealed
from feedback.crypto.sealing import response_associated_data
from feedback.responses.answers import AnswerValue, counted_options
from feedback.responses.models import AnswerCount, Response, WithdrawalRequest
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.models import SurveyVersion

__all__ = ["Outcome", "pending_withdrawals", "remove_response"]

Outcome = Literal["removed", "removed_unread", "absent"]


class _Sealed(msgspec.Struct):
    answers: dict[str, AnswerValue]
    language: str = "en"


async def remove_response(
    session: AsyncSession, response_id: str, *, master_keys: MasterKeys
) -> Outcome:
    """Delete the response and subtract exactly what intake added for it. Safe to run twice
    or concurrently: only the run that deletes the row corrects the counters.

    If its period's opening key was destroyed, the response is already unreadable and its
    answers survive only as anonymous counts (that is what retention means), so the row is
    deleted and the counters are left as they are ("removed_unread").
    """
    row = (
        await session.execute(select(Response.__table__).where(Response.id == response_id))
    ).one_or_none()
    if row is None:
        return "absent"
    counted = await _counted_answers(session, row, master_keys)
    await session.execute(delete(WithdrawalRequest).where(WithdrawalRequest.response_id == row.id))
    deleted = await session.execute(delete(Response).where(Response.id == row.id))
    if getattr(deleted, "rowcount", 0) != 1:  # another run removed it first
        await session.rollback()
        return "absent"
    if counted is not None:
        await _uncount(session, row, counted)
    await session.commit()
    return "removed" if counted is not None else "removed_unread"


async def _counted_answers(
    session: AsyncSession, row: Any, master_keys: MasterKeys
) -> list[tuple[str, str]] | None:
    """The (question, option) pairs intake counted, recomputed from the opened answers with
    the same rule and the same survey version; None when the period key is destroyed."""
    try:
        key = await load_opening_key(session, row.key_period_id, master_keys=master_keys)
    except PeriodKeyDestroyed:
        return None
    plain = open_sealed(key, row.sealed, response_associated_data(row.id, row.survey_version_id))
    opened = msgspec.json.decode(plain, type=_Sealed)
    definition = await session.scalar(
        select(SurveyVersion.definition).where(SurveyVersion.id == row.survey_version_id)
    )
    assert definition is not None  # responses restrict deleting their survey version
    published = msgspec.json.decode(definition, type=PublishedSurvey)
    return counted_options(published.definition, opened.answers)


async def _uncount(session: AsyncSession, row: Any, counted: list[tuple[str, str]]) -> None:
    """Subtract one per pair, never below zero, and drop rows that reach zero so the
    counters look exactly as if the response had never been given. Pairs go in sorted
    order, as intake's upsert does, so the two cannot deadlock."""
    for question, option in sorted(set(counted)):
        cell = (
            AnswerCount.survey_version_id == row.survey_version_id,
            AnswerCount.question_id == question,
            AnswerCount.option == option,
            AnswerCount.service_id == row.service_id,
            AnswerCount.borough == row.borough,
            AnswerCount.month == row.submitted_on.strftime("%Y-%m"),
            AnswerCount.channel == row.channel,
        )
        await session.execute(
            update(AnswerCount)
            .where(*cell, AnswerCount.count > 0)
            .values(count=AnswerCount.count - 1)
        )
        await session.execute(delete(AnswerCount).where(*cell, AnswerCount.count <= 0))


async def pending_withdrawals(session: AsyncSession) -> list[str]:
    """Responses whose withdrawal was asked for but not yet done (a job lost with a worker)."""
    return list(await session.scalars(select(WithdrawalRequest.response_id)))
