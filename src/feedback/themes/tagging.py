"""Tagging a stored response and keeping only what reports need; the job and `retag` call it.

Idempotent by construction: the machine's pending tags are replaced by this run's, human
decisions (confirmed, removed, added) are never touched, and the counts (emerging phrases,
danger flags) are added only by the run that first records the response as tagged, so a
job run twice, or re-run after its worker died, leaves exactly the same rows.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any, Literal

import msgspec
from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.crypto.errors import PeriodKeyDestroyed
from feedback.crypto.master import MasterKeys, derive_key
from feedback.responses.models import Response
from feedback.themes.models import (
    DangerFlagCount,
    EmergingPhraseCount,
    ResponseTagging,
    ThemeTag,
)
from feedback.themes.opening import open_response, stored
from feedback.themes.pipeline import TaggedText, tag_text, tagger_version
from feedback.themes.sentiment import label_for

__all__ = ["TaggingOutcome", "phrase_key", "tag_stored_response", "untagged_responses"]

PHRASE_LIMIT = 200
UNREADABLE = "period_destroyed"


class TaggingOutcome(msgspec.Struct, frozen=True):
    state: Literal["tagged", "unreadable", "absent"]
    added: list[str] = []  # "question:theme" the machine newly tagged
    removed: list[str] = []  # machine tags this run no longer finds


def phrase_key(master_keys: MasterKeys, phrase: str) -> str:
    """A keyed hash: equal phrases count together, but a rare phrase cannot be guessed back
    from the database alone (a plain hash of a street name could be, by trying streets)."""
    key = derive_key(master_keys.current, "emerging-phrase")
    return hmac.new(key, phrase.encode(), hashlib.sha256).hexdigest()


def _insert(session: AsyncSession, model: Any) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _overall(tagged: list[TaggedText]) -> tuple[str, float]:
    """The response's sentiment across its answers: mixed when they disagree."""
    if not tagged:
        return "neutral", 0.0
    labels = {text.sentiment for text in tagged}
    polarity = round(sum(text.polarity for text in tagged) / len(tagged), 4)
    if len(labels) == 1:
        return labels.pop(), polarity
    if "mixed" in labels or {"positive", "negative"} <= labels:
        return "mixed", polarity
    return label_for(polarity), polarity


async def _claim(
    session: AsyncSession, response_id: str, state: dict[str, Any], *, today: date
) -> bool:
    """Record the tagging state; True only for the run that recorded it first. On
    PostgreSQL the row lock taken here also serialises two runs of the same response."""
    values = {"response_id": response_id, "tagged_on": today, **state}
    statement = _insert(session, ResponseTagging).values(values).on_conflict_do_nothing()
    inserted = await session.execute(statement)
    if getattr(inserted, "rowcount", 0) == 1:
        return True
    human = await session.scalar(
        select(ThemeTag.response_id)
        .where(ThemeTag.response_id == response_id, ThemeTag.decision != "pending")
        .limit(1)
    )
    if human is not None:  # a person has reviewed it: their word stands
        state = {**state, "needs_review": False, "review_reason": None}
    await session.execute(
        update(ResponseTagging)
        .where(ResponseTagging.response_id == response_id)
        .values(tagged_on=today, **state)
    )
    return False


async def _replace_machine_tags(
    session: AsyncSession, response_id: str, tagged: dict[str, TaggedText]
) -> tuple[list[str], list[str]]:
    rows = (
        await session.execute(
            select(ThemeTag.question_id, ThemeTag.theme_id, ThemeTag.decision).where(
                ThemeTag.response_id == response_id
            )
        )
    ).all()
    existing = {(question, theme): decision for question, theme, decision in rows}
    wanted = {
        (question, mention.id): mention
        for question, text in tagged.items()
        for mention in text.theme_mentions
    }
    stale = [
        key for key, decision in existing.items() if decision == "pending" and key not in wanted
    ]
    for question, theme in stale:
        await session.execute(
            delete(ThemeTag).where(
                ThemeTag.response_id == response_id,
                ThemeTag.question_id == question,
                ThemeTag.theme_id == theme,
            )
        )
    fresh = [
        {
            "response_id": response_id,
            "question_id": question,
            "theme_id": theme,
            "source": "machine",
            "sentiment": mention.sentiment,
            "polarity": mention.polarity,
            "decision": "pending",
        }
        for (question, theme), mention in sorted(wanted.items())
        if (question, theme) not in existing
    ]
    if fresh:
        await session.execute(insert(ThemeTag).values(fresh))
    for (question, theme), mention in wanted.items():
        if existing.get((question, theme)) == "pending":
            await session.execute(
                update(ThemeTag)
                .where(
                    ThemeTag.response_id == response_id,
                    ThemeTag.question_id == question,
                    ThemeTag.theme_id == theme,
                )
                .values(sentiment=mention.sentiment, polarity=mention.polarity)
            )
    return [f"{row['question_id']}:{row['theme_id']}" for row in fresh], [
        f"{question}:{theme}" for question, theme in stale
    ]


async def _count_first_tagging(
    session: AsyncSession,
    tagged: list[TaggedText],
    *,
    survey_id: int,
    survey_version_id: int,
    month: str,
    master_keys: MasterKeys,
    threshold: int,
) -> None:
    if any(text.immediate_danger for text in tagged):
        statement = _insert(session, DangerFlagCount)
        await session.execute(
            statement.values(
                survey_version_id=survey_version_id, month=month, count=1
            ).on_conflict_do_update(
                index_elements=["survey_version_id", "month"],
                set_={"count": DangerFlagCount.count + 1},
            )
        )
    phrases = sorted({p[:PHRASE_LIMIT] for text in tagged for p in text.emerging_phrases})
    for phrase in phrases:  # sorted: concurrent runs lock counter rows in the same order
        key = phrase_key(master_keys, phrase)
        statement = _insert(session, EmergingPhraseCount)
        await session.execute(
            statement.values(
                survey_id=survey_id, month=month, phrase_key=key, responses=1
            ).on_conflict_do_update(
                index_elements=["survey_id", "month", "phrase_key"],
                set_={"responses": EmergingPhraseCount.responses + 1},
            )
        )
        await session.execute(  # enough different people used it: it may now be read
            update(EmergingPhraseCount)
            .where(
                EmergingPhraseCount.survey_id == survey_id,
                EmergingPhraseCount.month == month,
                EmergingPhraseCount.phrase_key == key,
                EmergingPhraseCount.responses >= threshold,
                EmergingPhraseCount.phrase.is_(None),
            )
            .values(phrase=phrase)
        )


async def _mark_unreadable(session: AsyncSession, response_id: str, today: date) -> None:
    state = {
        "tagger_version": tagger_version(),
        "sentiment": "neutral",
        "polarity": 0.0,
        "needs_review": False,
        "review_reason": UNREADABLE,
    }
    await _claim(session, response_id, state, today=today)
    await session.commit()


async def tag_stored_response(
    session: AsyncSession,
    response_id: str,
    *,
    master_keys: MasterKeys,
    suppression_threshold: int,
) -> TaggingOutcome:
    """Open, tag and store one response in one transaction. A response whose period key
    was destroyed is marked as unreadable (so the sweep stops offering it), not an error."""
    today = clock.today_london()
    if await stored(session, response_id) is None:
        return TaggingOutcome(state="absent")
    try:
        opened = await open_response(session, response_id, master_keys=master_keys)
    except PeriodKeyDestroyed:
        await _mark_unreadable(session, response_id, today)
        return TaggingOutcome(state="unreadable")
    tagged = {question: tag_text(text) for question, text in opened.free_texts.items()}
    texts = list(tagged.values())
    sentiment, polarity = _overall(texts)
    review = next((text.review_reason for text in texts if text.needs_human_review), None)
    state = {
        "tagger_version": tagger_version(),
        "sentiment": sentiment,
        "polarity": polarity,
        "needs_review": review is not None,
        "review_reason": review,
    }
    first = await _claim(session, response_id, state, today=today)
    added, removed = await _replace_machine_tags(session, response_id, tagged)
    if first:
        row = opened.stored
        await _count_first_tagging(
            session,
            texts,
            survey_id=row.survey_id,
            survey_version_id=row.survey_version_id,
            month=row.month,
            master_keys=master_keys,
            threshold=suppression_threshold,
        )
    await session.commit()
    return TaggingOutcome(state="tagged", added=added, removed=removed)


async def untagged_responses(session: AsyncSession, *, limit: int = 1000) -> list[str]:
    """Responses with no tagging record: their job was lost, or has not run yet."""
    return list(
        await session.scalars(
            select(Response.id)
            .outerjoin(ResponseTagging, ResponseTagging.response_id == Response.id)
            .where(ResponseTagging.response_id.is_(None))
            .order_by(Response.id)
            .limit(limit)
        )
    )
