"""POST /sms/status/{notify,twilio}: delivery reports update the message and its batch's
counts, store no number, and are refused (403, nothing changed) without the provider's auth."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlencode

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from twilio.request_validator import RequestValidator

from feedback.app import create_app
from feedback.auth.schemas import Staff
from feedback.crypto.master import load_master_keys
from feedback.settings import Settings
from feedback.sms.delivery import batch_summary, normalise_status
from feedback.sms.models import SmsInvitationMessage
from feedback.sms.sending import send_invitation_message
from tests.sms.conftest import NOTIFY_INBOUND_TOKEN, PHONE, PHONE_E164, TWILIO_TOKEN, with_providers
from tests.sms.fake_providers import FakeProvider
from tests.sms.test_sending import SECOND, queue_batch

Client = AsyncTestClient[Litestar]
LEAD = Staff(id=0, email="lead@example.org", role="lead", service_ids=(), two_factor_enabled=True)


async def send_batch(db: AsyncSession, settings: Settings, fake: FakeProvider) -> tuple[int, int]:
    """Queue two invitations and run their jobs; returns (batch id, messages sent)."""
    settings = msgspec.structs.replace(settings, sms_send_per_minute=60_000)  # no waiting here
    queued = await queue_batch(db, settings, [PHONE, SECOND])
    keys = load_master_keys(settings).keys
    for job in queued.jobs:
        await send_invitation_message(
            db, settings, master_keys=keys, message_id=job.message_id, sealed=job.sealed
        )
    return queued.outcome.batch_id, len(fake.messages)


@pytest.fixture
async def status_client(
    settings: Settings, fakes: tuple[FakeProvider, FakeProvider]
) -> AsyncIterator[tuple[Settings, Client]]:
    configured = with_providers(settings, fakes[0].url, fakes[1].url)
    async with AsyncTestClient(
        app=create_app(configured), base_url="http://127.0.0.1:8000"
    ) as client:
        yield configured, client


def notify_report(notification_id: str, status: str) -> bytes:
    return msgspec.json.encode(
        {
            "id": notification_id,
            "reference": None,
            "to": PHONE_E164,
            "status": status,
            "created_at": "2026-11-25T12:00:00.000000Z",
            "completed_at": "2026-11-25T12:00:05.000000Z",
            "sent_at": "2026-11-25T12:00:01.000000Z",
            "notification_type": "sms",
        }
    )


async def post_notify_report(client: Client, body: bytes, token: str = NOTIFY_INBOUND_TOKEN) -> int:
    answer = await client.post(
        "/sms/status/notify",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return answer.status_code


async def post_twilio_report(
    client: Client, sid: str, status: str, token: str = TWILIO_TOKEN
) -> int:
    fields = {"MessageSid": sid, "MessageStatus": status, "To": PHONE_E164, "AccountSid": "AC1"}
    signature = RequestValidator(token).compute_signature(
        "http://127.0.0.1:8000/sms/status/twilio", fields
    )
    answer = await client.post(
        "/sms/status/twilio",
        content=urlencode(fields).encode(),
        headers={
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    return answer.status_code


async def test_notify_reports_set_delivered_and_failed_and_the_counts(
    db: AsyncSession,
    status_client: tuple[Settings, Client],
    fakes: tuple[FakeProvider, FakeProvider],
) -> None:
    settings, client = status_client
    notify_settings = msgspec.structs.replace(settings, sms_provider="notify")
    batch_id, sent = await send_batch(db, notify_settings, fakes[0])
    assert sent == 2
    before = await batch_summary(db, batch_id, actor=LEAD)
    assert (before.pending, before.delivered) == (2, 0)
    first, second = fakes[0].answered_ids

    assert await post_notify_report(client, notify_report(first, "delivered")) == 200
    assert await post_notify_report(client, notify_report(second, "permanent-failure")) == 200

    await db.rollback()
    after = await batch_summary(db, batch_id, actor=LEAD)
    assert (after.pending, after.delivered, after.failed) == (0, 1, 1)
    for row in await db.scalars(select(SmsInvitationMessage)):
        assert all("7700" not in str(value) for value in vars(row).values())


async def test_a_report_never_moves_a_status_backwards(
    db: AsyncSession,
    status_client: tuple[Settings, Client],
    fakes: tuple[FakeProvider, FakeProvider],
) -> None:
    settings, client = status_client
    batch_id, _ = await send_batch(
        db, msgspec.structs.replace(settings, sms_provider="notify"), fakes[0]
    )
    first = fakes[0].answered_ids[0]

    await post_notify_report(client, notify_report(first, "delivered"))
    await post_notify_report(client, notify_report(first, "sending"))

    await db.rollback()
    assert (await batch_summary(db, batch_id, actor=LEAD)).delivered == 1


@pytest.mark.parametrize("token", ["wrong-token-000", ""])
async def test_a_notify_report_with_a_bad_token_is_403_and_changes_nothing(
    db: AsyncSession,
    status_client: tuple[Settings, Client],
    fakes: tuple[FakeProvider, FakeProvider],
    token: str,
) -> None:
    settings, client = status_client
    batch_id, _ = await send_batch(
        db, msgspec.structs.replace(settings, sms_provider="notify"), fakes[0]
    )

    status = await post_notify_report(
        client, notify_report(fakes[0].answered_ids[0], "delivered"), token=token
    )

    assert status == 403
    await db.rollback()
    assert (await batch_summary(db, batch_id, actor=LEAD)).delivered == 0


async def test_twilio_sends_ask_for_reports_and_signed_reports_update_the_batch(
    db: AsyncSession,
    status_client: tuple[Settings, Client],
    fakes: tuple[FakeProvider, FakeProvider],
) -> None:
    settings, client = status_client
    batch_id, _ = await send_batch(
        db, msgspec.structs.replace(settings, sms_provider="twilio"), fakes[1]
    )
    assert fakes[1].messages[0]["StatusCallback"] == "http://127.0.0.1:8000/sms/status/twilio"
    first, second = fakes[1].answered_ids

    assert await post_twilio_report(client, first, "sent") == 200
    assert await post_twilio_report(client, first, "delivered") == 200
    assert await post_twilio_report(client, second, "undelivered") == 200

    await db.rollback()
    after = await batch_summary(db, batch_id, actor=LEAD)
    assert (after.delivered, after.failed, after.pending) == (1, 1, 0)


async def test_a_twilio_report_signed_with_another_token_is_403_and_changes_nothing(
    db: AsyncSession,
    status_client: tuple[Settings, Client],
    fakes: tuple[FakeProvider, FakeProvider],
) -> None:
    settings, client = status_client
    batch_id, _ = await send_batch(
        db, msgspec.structs.replace(settings, sms_provider="twilio"), fakes[1]
    )

    status = await post_twilio_report(
        client, fakes[1].answered_ids[0], "delivered", token="not-the-auth-token"
    )

    assert status == 403
    await db.rollback()
    assert (await batch_summary(db, batch_id, actor=LEAD)).delivered == 0


async def test_a_report_for_an_unknown_message_is_accepted_and_stores_nothing(
    db: AsyncSession, status_client: tuple[Settings, Client]
) -> None:
    _, client = status_client

    assert await post_notify_report(client, notify_report("not-ours", "delivered")) == 200
    assert list(await db.scalars(select(SmsInvitationMessage))) == []


@pytest.mark.parametrize(
    ("word", "ours"),
    [
        ("created", "sent"),
        ("sending", "sent"),
        ("queued", "sent"),
        ("delivered", "delivered"),
        ("temporary-failure", "failed"),
        ("technical-failure", "failed"),
        ("undelivered", "failed"),
        ("FAILED", "failed"),
    ],
)
def test_provider_status_words_map_onto_ours(word: str, ours: str) -> None:
    assert normalise_status(word) == ours
