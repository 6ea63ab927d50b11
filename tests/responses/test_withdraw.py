"""Withdrawing a response by its receipt code, through the real app and the real job: the
response goes, the counters go back to what they were, and the code stops working."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.crypto.master import load_master_keys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.service import destroy_period
from feedback.db.engine import create_engine
from feedback.queue import job_context
from feedback.responses.jobs import sweep_withdrawals, withdraw_response
from feedback.responses.models import AnswerCount, Response, WithdrawalRequest
from feedback.responses.receipts import request_withdrawal
from feedback.responses.schemas import WithdrawalAsked
from feedback.settings import Settings
from feedback.worker import build_worker
from tests.support.responses import answer_survey, csrf_token, new_link_token

Client = AsyncTestClient[Litestar]
FIRST = {
    "q_felt_believed": "5",
    "q_had_to_repeat_story": "no",
    "q_what_helped_most": "Being listened to",
}
SECOND = {
    "q_felt_believed": "5",
    "q_not_blamed": "2",
    "q_had_to_repeat_story": "yes",
    "q_times_told_story": "4",
    "q_what_helped_most": "My worker",
    "q_age_band": "prefer_not_to_say",
}
NEVER_ISSUED = "YXWV-UTRQ-PNMK-JHGF"
BASE = "http://127.0.0.1:8000"


@pytest.fixture
async def job_ctx(settings: Settings) -> AsyncIterator[dict[str, Any]]:
    """The context the worker gives a job, built the way the worker builds it."""
    engine = create_engine(settings)
    yield job_context(settings, engine, load_master_keys(settings))
    await engine.dispose()


async def counters(db: AsyncSession) -> dict[tuple[str, str], int]:
    db.expire_all()
    return {
        (row.question_id, row.option): row.count for row in await db.scalars(select(AnswerCount))
    }


async def response_count(db: AsyncSession) -> int:
    return await db.scalar(select(func.count()).select_from(Response)) or 0


async def post_code(client: Client, path: str, code: str) -> Any:
    form = await client.get(path)
    return await client.post(path, data={"_csrf_token": csrf_token(form.text), "code": code})


async def ask_to_withdraw(db: AsyncSession, settings: Settings, code: str) -> WithdrawalAsked:
    """The request /withdraw stores, without its job: the state the worker has yet to see."""
    return await request_withdrawal(
        db, code, master_keys=load_master_keys(settings).keys, client="test", attempts_per_hour=20
    )


async def run_withdrawals(client: Client) -> None:
    """Wait for the jobs /withdraw queued. The in-process queue runs the worker's function on
    the app's own event loop, which the test client keeps in its portal thread."""
    await asyncio.to_thread(client.blocking_portal.call, client.app.state.queue.drain)


async def test_a_withdrawn_response_is_removed_and_its_counts_taken_back(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    await answer_survey(client, link_token, FIRST)
    before = await counters(db)
    code = await answer_survey(client, await new_link_token(db), SECOND)
    assert await counters(db) != before

    asked = await post_code(client, "/withdraw", code)
    assert asked.status_code == 200
    assert "within a few minutes" in asked.text
    await run_withdrawals(client)

    assert await response_count(db) == 1
    assert await counters(db) == before
    assert (await post_code(client, "/receipt", code)).status_code == 400


async def test_asking_twice_before_the_job_runs_is_one_request(
    client: Client, db: AsyncSession, settings: Settings, link_token: str
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    first = await ask_to_withdraw(db, settings, code)
    second = await ask_to_withdraw(db, settings, code.lower().replace("-", ""))
    assert (first.again, second.again) == (False, True)
    assert first.response_id == second.response_id
    assert await db.scalar(select(func.count()).select_from(WithdrawalRequest)) == 1


async def test_running_the_job_twice_takes_the_counts_back_once(
    client: Client, db: AsyncSession, settings: Settings, link_token: str, job_ctx: dict[str, Any]
) -> None:
    before = await counters(db)
    code = await answer_survey(client, link_token, FIRST)
    asked = await ask_to_withdraw(db, settings, code)
    assert await withdraw_response(job_ctx, asked.response_id) == "removed"
    assert await withdraw_response(job_ctx, asked.response_id) == "absent"
    assert await response_count(db) == 0
    assert await counters(db) == before == {}


async def test_withdrawing_again_after_it_is_done_changes_nothing(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    await answer_survey(client, link_token, FIRST)
    before = await counters(db)
    code = await answer_survey(client, await new_link_token(db), FIRST)
    await post_code(client, "/withdraw", code)
    await run_withdrawals(client)
    again = await post_code(client, "/withdraw", code)
    await run_withdrawals(client)
    assert again.status_code == 400
    assert await response_count(db) == 1
    assert await counters(db) == before


async def test_unknown_and_withdrawn_codes_get_the_same_page(
    client: Client, link_token: str
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    await post_code(client, "/withdraw", code)
    await run_withdrawals(client)

    withdrawn = await post_code(client, "/withdraw", code)
    unknown = await post_code(client, "/withdraw", NEVER_ISSUED)
    assert withdrawn.status_code == unknown.status_code == 400
    assert withdrawn.text.replace(code, "CODE") == unknown.text.replace(NEVER_ISSUED, "CODE")
    assert "That code did not work" in unknown.text


async def test_wrong_codes_are_slowed_per_client(settings: Settings) -> None:
    slow = create_app(msgspec.structs.replace(settings, join_attempts_per_hour=3))
    async with AsyncTestClient(app=slow, base_url=BASE) as client:
        for path in ("/withdraw", "/receipt", "/withdraw"):
            assert (await post_code(client, path, NEVER_ISSUED)).status_code == 400
        for path in ("/withdraw", "/receipt"):
            refused = await post_code(client, path, NEVER_ISSUED)
            assert refused.status_code == 429
            assert refused.headers["retry-after"] == "3600"
            assert "Please wait" in refused.text


async def test_a_destroyed_period_still_deletes_the_row_and_keeps_the_counts(
    client: Client,
    db: AsyncSession,
    settings: Settings,
    link_token: str,
    job_ctx: dict[str, Any],
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    before = await counters(db)
    label = await db.scalar(
        select(KeyPeriod.label).join(Response, Response.key_period_id == KeyPeriod.id)
    )
    asked = await ask_to_withdraw(db, settings, code)
    await destroy_period(db, label, settings=settings)

    assert await withdraw_response(job_ctx, asked.response_id) == "removed_unread"
    assert await response_count(db) == 0
    assert await counters(db) == before


async def test_a_withdrawal_whose_job_was_lost_is_done_by_the_sweep(
    client: Client, db: AsyncSession, settings: Settings, link_token: str, job_ctx: dict[str, Any]
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    await ask_to_withdraw(db, settings, code)
    assert await sweep_withdrawals(job_ctx) == 1
    assert await response_count(db) == 0
    assert await db.scalar(select(func.count()).select_from(WithdrawalRequest)) == 0


async def test_the_withdraw_page_asks_for_the_code_with_help_and_exit(client: Client) -> None:
    page = await client.get("/withdraw")
    assert page.status_code == 200
    assert '<label for="code">Receipt code</label>' in page.text
    assert 'name="_csrf_token"' in page.text
    assert 'id="exit-this-page"' in page.text and "0808 2000 247" in page.text


async def test_withdrawal_through_redis_is_done_by_the_worker(
    settings: Settings, db: AsyncSession, link_token: str, redis_url: str
) -> None:
    with_redis = msgspec.structs.replace(settings, redis_url=redis_url)
    async with AsyncTestClient(app=create_app(with_redis), base_url=BASE) as client:
        code = await answer_survey(client, link_token, FIRST)
        assert (await post_code(client, "/withdraw", code)).status_code == 200
        assert await response_count(db) == 1  # nothing opens it in the web process

    worker = build_worker(with_redis, burst=True, poll_delay=0, cron_jobs=[])
    try:
        await worker.main()
    finally:
        await worker.close()
    assert await response_count(db) == 0
    assert await counters(db) == {}
