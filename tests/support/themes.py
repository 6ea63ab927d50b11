"""Stored responses with free text, and one queue fixture that runs jobs both ways."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import load_master_keys
from feedback.db.engine import create_engine
from feedback.links import service as links
from feedback.links.tokens import token_digest
from feedback.queue import ArqQueue, InProcessQueue, JobQueue, job_context
from feedback.responses import journey
from feedback.responses.answers import counted_options
from feedback.responses.intake import submit_response
from feedback.responses.schemas import Submission
from feedback.settings import Settings
from feedback.worker import FUNCTIONS, build_worker
from tests.support.responses import link_token, new_link_token, survey_ready

__all__ = ["link_token", "survey_ready"]

HELPED = "My advocate Sarah kept me informed and I felt believed. Call me on 07700 900123."
CHANGE = "The waiting list was far too long and nobody called me back."


async def store_response(
    db: AsyncSession, token: str, master_key: bytes, answers: dict[str, str] | None = None
) -> str:
    """Submit through the real intake service, as the respondent pages do."""
    digest = token_digest(token)
    entry = await links.redeem_digest(db, "link", digest)
    version_id = await journey.latest_version_id(db, entry.survey_id)
    survey = await journey.survey_for_respondent(db, version_id)
    given = answers or {
        "felt_believed": "4",
        "what_helped_most": HELPED,
        "what_should_change": CHANGE,
    }
    receipt = await submit_response(
        db,
        Submission(
            entry_kind="link",
            entry_digest=digest,
            form_nonce=secrets.token_urlsafe(8),
            survey_version_id=version_id,
            consent_notice_version_id=survey.notice_version_id,
            language="en",
            answers=dict(given),
            counted=counted_options(survey.published.definition, dict(given)),
        ),
        master_keys=[master_key],
        period_kind="quarter",
    )
    return receipt.response_id


class JobRunner:
    """Enqueue as the app does, then run everything queued to the end: a burst arq worker on
    the real Redis, or the in-process queue's drain."""

    def __init__(self, mode: str, settings: Settings, queue: JobQueue) -> None:
        self.mode, self.settings, self.queue = mode, settings, queue

    async def enqueue(self, function: str, *args: str, job_id: str | None = None) -> None:
        await self.queue.enqueue(function, *args, job_id=job_id)

    async def run(self) -> None:
        if isinstance(self.queue, InProcessQueue):
            await self.queue.drain()
            return
        worker = build_worker(self.settings, burst=True, poll_delay=0)
        try:
            await worker.main()
        finally:
            await worker.close()


@pytest.fixture(params=["in-process", "arq"])
async def jobs(
    request: pytest.FixtureRequest, settings: Settings, db: AsyncSession
) -> AsyncIterator[JobRunner]:
    if request.param == "arq":
        redis_url: str = request.getfixturevalue("redis_url")
        arq_settings = msgspec.structs.replace(settings, redis_url=redis_url)
        queue: JobQueue = ArqQueue(arq_settings)
        runner = JobRunner("arq", arq_settings, queue)
        yield runner
        await queue.close()
        return
    engine = create_engine(settings)
    ctx = job_context(settings, engine, load_master_keys(settings))
    in_process = InProcessQueue(ctx, FUNCTIONS, retry_delays=(0.01, 0.01))
    yield JobRunner("in-process", settings, in_process)
    await in_process.close()
    await engine.dispose()


NewResponse = Callable[..., Awaitable[str]]


@pytest.fixture
def new_response(db: AsyncSession, settings: Settings, survey_ready: None) -> NewResponse:
    master_key = load_master_keys(settings).current

    async def make(answers: dict[str, str] | None = None) -> str:
        return await store_response(db, await new_link_token(db), master_key, answers)

    return make
