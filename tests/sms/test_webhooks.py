"""POST /sms/inbound/{notify,twilio}: signed as the providers sign, answered through them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from twilio.request_validator import RequestValidator

from feedback.app import create_app
from feedback.settings import Settings
from feedback.sms.models import SmsConversation, SmsInboundSeen
from feedback.worker import build_worker
from tests.redis_server import RedisServer
from tests.sms.conftest import (
    NOTIFY_INBOUND_TOKEN,
    PHONE_E164,
    TWILIO_SID,
    TWILIO_TOKEN,
    with_providers,
)
from tests.sms.fake_providers import FakeProvider

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def sms_client(
    settings: Settings, fakes: tuple[FakeProvider, FakeProvider]
) -> AsyncIterator[Client]:
    app = create_app(with_providers(settings, fakes[0].url, fakes[1].url))
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        yield client


def notify_body(message: str, message_id: str = "df10a23e-2c6d-4ea5-87fb-82e520cbf93a") -> bytes:
    return msgspec.json.encode(
        {
            "id": message_id,
            "source_number": "447700123456",
            "destination_number": "07700987654",
            "message": message,
            "date_received": "2026-11-25T12:15:30.000000Z",
        }
    )


async def post_notify(client: Client, body: bytes, token: str = NOTIFY_INBOUND_TOKEN) -> int:
    answer = await client.post(
        "/sms/inbound/notify",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return answer.status_code


def twilio_form(message: str, message_sid: str = "SM" + "1" * 32) -> dict[str, str]:
    return {
        "MessageSid": message_sid,
        "AccountSid": TWILIO_SID,
        "From": PHONE_E164,
        "To": "+447700900000",
        "Body": message,
        "NumMedia": "0",
    }


async def post_twilio(
    client: Client, fields: dict[str, str], token: str = TWILIO_TOKEN
) -> tuple[int, str]:
    signature = RequestValidator(token).compute_signature(
        "http://127.0.0.1:8000/sms/inbound/twilio", fields
    )
    answer = await client.post(
        "/sms/inbound/twilio",
        content=urlencode(fields).encode(),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return answer.status_code, answer.text


async def test_notify_inbound_starts_a_conversation_and_replies_through_notify(
    sms_client: Client, fakes: tuple[FakeProvider, FakeProvider], sms_code: str
) -> None:
    assert await post_notify(sms_client, notify_body(f"FEEDBACK {sms_code}")) == 200

    notify, twilio = fakes
    assert [m["phone_number"] for m in notify.messages] == [PHONE_E164, PHONE_E164]
    assert notify.messages[1]["personalisation"]["body"].startswith("1. ")
    assert twilio.messages == []


async def test_the_same_notify_message_delivered_twice_is_processed_once(
    sms_client: Client, fakes: tuple[FakeProvider, FakeProvider], sms_code: str
) -> None:
    body = notify_body(f"FEEDBACK {sms_code}")

    assert await post_notify(sms_client, body) == 200
    assert await post_notify(sms_client, body) == 200

    assert len(fakes[0].messages) == 2


@pytest.mark.parametrize("token", ["wrong-token-000", ""])
async def test_notify_inbound_with_a_bad_token_is_403_and_stores_nothing(
    sms_client: Client, db: AsyncSession, sms_code: str, token: str
) -> None:
    answer = await sms_client.post(
        "/sms/inbound/notify",
        content=notify_body(f"FEEDBACK {sms_code}"),
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.status_code == 403
    assert sms_code not in answer.text and "7700" not in answer.text
    assert await db.scalar(select(func.count()).select_from(SmsInboundSeen)) == 0


async def test_notify_inbound_with_a_malformed_body_is_400(sms_client: Client) -> None:
    assert await post_notify(sms_client, b'{"id": 1}') == 400


async def test_twilio_inbound_signed_by_twilio_replies_through_twilio(
    sms_client: Client, fakes: tuple[FakeProvider, FakeProvider], db: AsyncSession, sms_code: str
) -> None:
    status, body = await post_twilio(sms_client, twilio_form(f"FEEDBACK {sms_code}"))

    assert status == 200 and "<Response>" in body
    assert [m["To"] for m in fakes[1].messages] == [PHONE_E164, PHONE_E164]
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 1


async def test_twilio_inbound_signed_with_another_token_is_403_and_stores_nothing(
    sms_client: Client, fakes: tuple[FakeProvider, FakeProvider], db: AsyncSession, sms_code: str
) -> None:
    status, body = await post_twilio(
        sms_client, twilio_form(f"FEEDBACK {sms_code}"), token="not-the-auth-token"
    )

    assert status == 403 and sms_code not in body
    assert fakes[1].messages == []
    assert await db.scalar(select(func.count()).select_from(SmsInboundSeen)) == 0


async def test_twilio_inbound_without_a_message_sid_is_400(sms_client: Client) -> None:
    fields = twilio_form("hi")
    del fields["MessageSid"]

    status, _ = await post_twilio(sms_client, fields)

    assert status == 400


async def test_a_webhook_for_an_unconfigured_provider_is_404(client: Client) -> None:
    answer = await client.post("/sms/inbound/twilio", content=b"From=x")

    assert answer.status_code == 404


async def test_a_survey_finished_by_webhook_is_stored_and_then_tagged(
    sms_client: Client, fakes: tuple[FakeProvider, FakeProvider], db: AsyncSession, sms_code: str
) -> None:
    from feedback.responses.models import Response
    from feedback.themes.models import ResponseTagging

    texts = [f"FEEDBACK {sms_code}", *["SKIP"] * 10, "The advocate believed me", "Nothing"]
    for number, message in enumerate(texts):
        assert await post_notify(sms_client, notify_body(message, f"id-{number}")) == 200
    # The in-process queue runs on the app's loop, kept in the test client's portal thread.
    await asyncio.to_thread(sms_client.blocking_portal.call, sms_client.app.state.queue.drain)

    assert "receipt code" in fakes[0].messages[-2]["personalisation"]["body"]
    await db.rollback()
    response = await db.scalar(select(Response))
    assert response is not None and response.channel == "sms"
    assert await db.get(ResponseTagging, response.id) is not None


async def test_a_survey_finished_by_text_is_stored_and_confirmed_while_redis_is_down(
    settings: Settings,
    db: AsyncSession,
    sms_code: str,
    fakes: tuple[FakeProvider, FakeProvider],
) -> None:
    """The webhook queues tagging as the web form does: with Redis down (its own
    redis-server, killed) the response is stored, the receipt is texted and the provider
    gets 200, where a 500 would make it send the last text again; the worker's start-up
    sweep tags the response once Redis is back."""
    from feedback.responses.models import Response
    from feedback.themes.models import ResponseTagging

    texts = [f"FEEDBACK {sms_code}", *["SKIP"] * 10, "The advocate believed me", "Nothing"]
    with RedisServer() as redis:
        on_redis = with_providers(
            msgspec.structs.replace(settings, redis_url=redis.url), fakes[0].url, fakes[1].url
        )
        app = create_app(on_redis)
        async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
            redis.kill()
            statuses = [
                await post_notify(client, notify_body(text, f"outage-{n}"))
                for n, text in enumerate(texts)
            ]
        assert statuses == [200] * len(texts)
        assert "receipt code" in fakes[0].messages[-2]["personalisation"]["body"]
        await db.rollback()
        assert await db.scalar(select(func.count()).select_from(Response)) == 1

        redis.start()
        worker = build_worker(on_redis, burst=True, poll_delay=0)
        try:
            await worker.main()
        finally:
            await worker.close()
    assert await db.scalar(select(func.count()).select_from(ResponseTagging)) == 1
