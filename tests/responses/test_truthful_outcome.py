"""A form is answered once, with the truth: a receipt only for a committed row, "not stored,
please send again" otherwise, and sending again is then safe. PostgreSQL refuses writes
here for real, through a trigger the test installs that fails the first few response
inserts (a sequence counts them: it is not rolled back with the failed statement)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import msgspec
import pytest
from arq.constants import job_key_prefix
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.crypto.master import load_master_key
from feedback.db.engine import create_engine
from feedback.responses.errors import NotStored
from feedback.responses.intake import GroupIntake, receipt_code_for
from feedback.responses.models import AnswerCount, Response
from feedback.settings import Settings
from tests.responses.test_lock_order import (
    new_tokens,
    only_postgres,
    submission_for,
    submit_on,
    varied_answers,
)
from tests.support.responses import csrf_token, hidden

Refusing = Callable[[int, str], AbstractAsyncContextManager[None]]
DEADLOCK = "40P01"
REFUSED = "P0001"  # raise_exception: a refusal that is not a lock conflict
FORM = {
    "q_felt_believed": "4",
    "q_had_to_repeat_story": "no",
    "q_what_helped_most": "Someone answered the phone",
}


@pytest.fixture
def refusing(db: AsyncSession, backend: str) -> Refusing:
    """`async with refusing(times, sqlstate)`: the next `times` statements that insert
    responses fail with that SQLSTATE; the trigger goes at the end."""
    only_postgres(backend)

    @asynccontextmanager
    async def refuse(times: int, sqlstate: str) -> AsyncIterator[None]:
        await db.execute(text("CREATE SEQUENCE intake_refusals"))
        await db.execute(
            text(
                "CREATE FUNCTION refuse_intake() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF nextval('intake_refusals') <= {int(times)} THEN "
                f"RAISE EXCEPTION 'refused by the test' USING ERRCODE = '{sqlstate}'; "
                "END IF; RETURN NULL; END $$"
            )
        )
        await db.execute(
            text(
                "CREATE TRIGGER refuse_intake BEFORE INSERT ON responses "
                "FOR EACH STATEMENT EXECUTE FUNCTION refuse_intake()"
            )
        )
        await db.commit()
        try:
            yield
        finally:
            await db.execute(text("DROP TRIGGER refuse_intake ON responses"))
            await db.execute(text("DROP FUNCTION refuse_intake()"))
            await db.execute(text("DROP SEQUENCE intake_refusals"))
            await db.commit()

    return refuse


async def stored_count(db: AsyncSession) -> int:
    found = await db.scalar(select(func.count()).select_from(Response))
    await db.commit()
    return int(found or 0)


async def test_a_deadlocked_write_is_retried_and_answered_with_its_receipt(
    db: AsyncSession, settings: Settings, survey_ready: None, refusing: Refusing
) -> None:
    (token,) = await new_tokens(db, 1)
    form = await submission_for(db, token, varied_answers(1))
    engine = create_engine(settings)
    intake = GroupIntake(engine)  # as the app's lifespan makes it
    try:
        async with refusing(2, DEADLOCK):
            receipt = await submit_on(engine, settings, form, intake)
    finally:
        await intake.close()
        await engine.dispose()
    assert receipt.code == receipt_code_for(load_master_key(settings), form)
    assert await stored_count(db) == 1
    assert await db.scalar(select(func.sum(AnswerCount.count))) == len(form.counted)


async def test_a_refused_form_is_told_not_stored_and_is_not_stored_later(
    db: AsyncSession, settings: Settings, survey_ready: None, refusing: Refusing
) -> None:
    refused_token, later_token = await new_tokens(db, 2)
    refused = await submission_for(db, refused_token, varied_answers(1))
    engine = create_engine(settings)
    intake = GroupIntake(engine)  # as the app's lifespan makes it
    try:
        async with refusing(2, REFUSED):  # the group statement, then the form on its own
            with pytest.raises(NotStored):
                await submit_on(engine, settings, refused, intake)
            # a later group runs after anything the refused form could have been queued in
            await submit_on(engine, settings, await submission_for(db, later_token, {}), intake)
            assert await stored_count(db) == 1
        again = await submit_on(engine, settings, refused, intake)
    finally:
        await intake.close()
        await engine.dispose()
    assert again.code == receipt_code_for(load_master_key(settings), refused)
    assert await stored_count(db) == 2


async def _question_page(client: AsyncTestClient[Any], token: str) -> str:
    await client.get(f"/s/{token}")
    consent = await client.get("/s")
    page = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    return page.text


def _sent(page: str) -> dict[str, str]:
    return {
        "_csrf_token": csrf_token(page),
        "form_nonce": hidden(page, "form_nonce"),
        "entry": hidden(page, "entry"),
        **FORM,
    }


async def test_a_form_not_stored_comes_back_with_its_answers_and_sends_once_again(
    db: AsyncSession, settings: Settings, survey_ready: None, refusing: Refusing
) -> None:
    (token,) = await new_tokens(db, 1)
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        page = await _question_page(client, token)
        async with refusing(2, REFUSED):
            refused = await client.post("/s/answers", data=_sent(page))
        assert refused.status_code == 503
        assert NotStored().message in refused.text
        assert hidden(refused.text, "form_nonce") == hidden(page, "form_nonce")
        assert "Someone answered the phone" in refused.text  # the answers are still there
        assert await stored_count(db) == 0
        again = await client.post("/s/answers", data=_sent(refused.text))
        twice = await client.post("/s/answers", data=_sent(refused.text))
    assert again.status_code == twice.status_code == 200
    assert 'class="receipt"' in again.text
    assert await stored_count(db) == 1


async def test_a_form_stored_before_its_page_was_lost_is_queued_for_tagging_when_sent_again(
    db: AsyncSession, settings: Settings, survey_ready: None, redis_url: str, backend: str
) -> None:
    only_postgres(backend)
    (token,) = await new_tokens(db, 1)
    with_redis = msgspec.structs.replace(settings, redis_url=redis_url)
    app = create_app(with_redis)
    redis = Redis.from_url(redis_url)
    try:
        async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
            page = await _question_page(client, token)
            # Stored, but the page never reached the browser (and nothing was queued).
            form = await submission_for(db, token, {}, nonce=hidden(page, "form_nonce"))
            engine = create_engine(settings)
            intake = GroupIntake(engine)  # as the app's lifespan makes it
            try:
                first = await submit_on(engine, settings, form, intake)
            finally:
                await intake.close()
                await engine.dispose()
            assert not await redis.exists(job_key_prefix + f"tag:{first.response_id}")
            again = await client.post("/s/answers", data=_sent(page))
        assert again.status_code == 200 and first.code in again.text
        assert await redis.exists(job_key_prefix + f"tag:{first.response_id}")
    finally:
        await redis.aclose()
    assert await stored_count(db) == 1
