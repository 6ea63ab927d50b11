"""A stored response is never reported as a failure because the job queue is down."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.responses.models import Response, WithdrawalRequest
from feedback.settings import Settings
from tests.support.responses import answer_survey, csrf_token, hidden


async def test_the_thank_you_page_survives_an_unreachable_queue(
    settings: Settings, db: AsyncSession, link_token: str
) -> None:
    down = msgspec.structs.replace(settings, redis_url="redis://127.0.0.1:9/0")
    async with AsyncTestClient(app=create_app(down), base_url="http://127.0.0.1:8000") as client:
        await client.get(f"/s/{link_token}")
        consent = await client.get("/s")
        page = await client.post(
            "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
        )
        thanks = await client.post(
            "/s/answers",
            data={
                "_csrf_token": csrf_token(page.text),
                "form_nonce": hidden(page.text, "form_nonce"),
                "entry": hidden(page.text, "entry"),
                "q_felt_believed": "4",
            },
        )
    assert thanks.status_code == 200
    assert "Your receipt code" in thanks.text
    assert await db.scalar(select(func.count()).select_from(Response)) == 1


async def test_a_withdrawal_is_accepted_while_the_queue_is_down(
    settings: Settings, db: AsyncSession, link_token: str
) -> None:
    down = msgspec.structs.replace(settings, redis_url="redis://127.0.0.1:9/0")
    async with AsyncTestClient(app=create_app(down), base_url="http://127.0.0.1:8000") as client:
        code = await answer_survey(client, link_token, {"q_felt_believed": "4"})
        form = await client.get("/withdraw")
        asked = await client.post(
            "/withdraw", data={"_csrf_token": csrf_token(form.text), "code": code}
        )
    assert asked.status_code == 200
    assert await db.scalar(select(func.count()).select_from(WithdrawalRequest)) == 1
