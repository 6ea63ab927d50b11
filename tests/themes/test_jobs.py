"""The tagging job and the sweep, run by the arq worker on the real Redis and in-process."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.models import KeyPeriod
from feedback.db.base import utc_now
from feedback.responses.models import Response
from feedback.themes.models import DangerFlagCount, EmergingPhraseCount, ResponseTagging, ThemeTag
from feedback.themes.pipeline import tagger_version
from tests.support.themes import JobRunner, NewResponse


async def _tags(db: AsyncSession, response_id: str) -> list[tuple[str, str, str, str]]:
    db.expire_all()
    rows = await db.execute(
        select(ThemeTag.question_id, ThemeTag.theme_id, ThemeTag.source, ThemeTag.decision)
        .where(ThemeTag.response_id == response_id)
        .order_by(ThemeTag.question_id, ThemeTag.theme_id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_submitted_response_gets_theme_tags_and_sentiment(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    response_id = await new_response()
    await jobs.enqueue("tag_response", response_id, job_id=f"tag:{response_id}")
    await jobs.run()

    tags = await _tags(db, response_id)
    assert ("what_helped_most", "believed", "machine", "pending") in tags
    assert ("what_should_change", "waiting_times", "machine", "pending") in tags
    state = await db.get(ResponseTagging, response_id)
    assert state is not None and state.tagger_version == tagger_version()
    assert state.sentiment == "mixed" and not state.needs_review


async def test_tagging_twice_leaves_the_same_rows_and_counts(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    response_id = await new_response(
        {"what_helped_most": "He is outside my door right now and says he will kill me."}
    )
    await jobs.enqueue("tag_response", response_id)
    await jobs.run()
    first = await _tags(db, response_id)
    phrases = await db.scalar(select(func.sum(EmergingPhraseCount.responses)))
    await jobs.enqueue("tag_response", response_id)
    await jobs.run()

    assert await _tags(db, response_id) == first
    assert await db.scalar(select(func.sum(EmergingPhraseCount.responses))) == phrases
    assert await db.scalar(select(func.sum(DangerFlagCount.count))) == 1


async def test_emerging_phrases_stay_unreadable_below_the_threshold(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    response_id = await new_response(
        {"what_helped_most": "I liked the garden centre visits and the craft group."}
    )
    await jobs.enqueue("tag_response", response_id)
    await jobs.run()

    rows = (await db.execute(select(EmergingPhraseCount))).scalars().all()
    assert rows and all(row.phrase is None and len(row.phrase_key) == 64 for row in rows)


async def test_the_sweep_tags_a_response_whose_job_was_lost(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    response_id = await new_response()  # stored, but its job never reached the queue
    await jobs.enqueue("sweep_untagged")
    await jobs.run()

    assert await db.get(ResponseTagging, response_id) is not None
    assert await _tags(db, response_id)


async def test_a_response_of_a_destroyed_period_is_marked_not_retried(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    response_id = await new_response()
    period_id = await db.scalar(select(Response.key_period_id).where(Response.id == response_id))
    period = await db.get(KeyPeriod, period_id)
    assert period is not None
    period.private_key_wrapped = None
    period.destroyed_at = utc_now()
    period.master_key_id = None
    await db.commit()
    await jobs.enqueue("tag_response", response_id)
    await jobs.run()

    db.expire_all()
    state = await db.get(ResponseTagging, response_id)
    assert state is not None and state.review_reason == "period_destroyed"
    assert await _tags(db, response_id) == []


async def test_a_withdrawn_response_takes_its_tags_with_it(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    response_id = await new_response()
    await jobs.enqueue("tag_response", response_id)
    await jobs.run()
    await db.execute(delete(Response).where(Response.id == response_id))
    await db.commit()

    assert await _tags(db, response_id) == []


async def test_retagging_never_overwrites_a_human_decision(
    jobs: JobRunner, db: AsyncSession, new_response: NewResponse
) -> None:
    from feedback.crypto.master import load_master_keys
    from feedback.themes.retag import retag_responses

    response_id = await new_response()
    await jobs.enqueue("tag_response", response_id)
    await jobs.run()
    tag = await db.get(ThemeTag, (response_id, "what_should_change", "waiting_times"))
    assert tag is not None
    tag.decision = "removed"
    await db.commit()

    summary = await retag_responses(
        db,
        [response_id],
        master_keys=load_master_keys(jobs.settings),
        suppression_threshold=5,
    )
    assert summary.responses == 1 and summary.changed == 0
    assert ("what_should_change", "waiting_times", "machine", "removed") in await _tags(
        db, response_id
    )
