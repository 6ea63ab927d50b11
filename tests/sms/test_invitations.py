"""Invitations by text through the staff API: JSON or CSV, invalid rows reported, opted-out
numbers skipped, numbers never stored, sent in the background, and only the caller's own
services."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links.models import Link, LinkBatch
from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.sms.invitations import numbers_from_csv
from feedback.sms.models import SmsInvitationMessage
from feedback.sms.outbox import read_outbox
from feedback.surveys.service import publish_surveys
from tests.factories import create_service, create_staff, create_token
from tests.sms.conftest import PHONE, PHONE_E164

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]
SECOND = "07412 345678"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def manager(db: AsyncSession) -> str:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Own Service")
    await create_service(db, "Other Service")
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    return await create_token(db, "m@example.org")


async def invite(
    client: Client, token: str, numbers: list[str], service: str = "Own Service"
) -> Any:
    """Post the batch, then let the app's in-process queue send it."""
    answer = await client.post(
        "/api/v1/sms/invitations",
        headers=bearer(token),
        json={"survey": "service-satisfaction", "service": service, "numbers": numbers},
    )
    await drain(client)
    return answer


async def drain(client: Client) -> None:
    # The in-process queue runs on the app's loop, kept in the test client's portal thread.
    await asyncio.to_thread(client.blocking_portal.call, client.app.state.queue.drain)


async def test_each_valid_number_gets_its_own_link_in_a_neutral_message(
    client: Client, manager: str, settings: Settings, db: AsyncSession
) -> None:
    answer = await invite(client, manager, [PHONE, SECOND])

    assert answer.status_code == 202, answer.text
    body = answer.json()
    # Two people: a count that small is withheld (issue 21); the outbox shows both went.
    assert (body["queued"], body["invalid"], body["mode"]) == (None, [], "background")
    texts = [message.text for message in read_outbox(settings)]
    assert len(set(texts)) == 2
    for text in texts:
        assert text.startswith("Your feedback link: http://127.0.0.1:8000/s/")
        assert text.endswith("  Reply STOP to opt out")
    await db.rollback()
    batch = await db.scalar(select(LinkBatch))
    assert batch is not None and batch.channel == "sms" and batch.size == 2


async def test_invalid_numbers_are_reported_by_row_and_the_rest_are_sent(
    client: Client, manager: str
) -> None:
    answer = await invite(client, manager, [PHONE, "020 7946 0000", "hello", PHONE])

    body = answer.json()
    assert (body["requested"], body["queued"], body["threshold"]) == (4, None, 5)
    assert body["invalid"] == [
        {"row": 2, "problem": "not a mobile number"},
        {"row": 3, "problem": "not a phone number"},
        {"row": 4, "problem": "repeats an earlier row"},
    ]
    assert "7946" not in answer.text


async def test_a_csv_upload_sends_to_the_first_column_after_a_header(
    client: Client, manager: str, settings: Settings
) -> None:
    answer = await client.post(
        "/api/v1/sms/invitations?survey=service-satisfaction&service=Own%20Service",
        headers={**bearer(manager), "Content-Type": "text/csv"},
        content=f"mobile,note\n{PHONE},a\n12345,b\n{SECOND},c\n".encode(),
    )
    await drain(client)

    assert answer.status_code == 202, answer.text
    assert answer.json()["invalid"] == [{"row": 3, "problem": "not a valid UK number"}]
    assert len(read_outbox(settings)) == 2


async def test_opted_out_numbers_are_skipped(
    client: Client, manager: str, settings: Settings, db: AsyncSession, master_key: bytes
) -> None:
    await handle_text(db, settings, master_key=master_key, sender=PHONE_E164, text="STOP")

    body = (await invite(client, manager, [PHONE, SECOND])).json()

    assert (body["queued"], body["opted_out"]) == (None, None)  # one each: withheld
    assert all(not message.to.endswith("3456") for message in read_outbox(settings))


async def test_the_batch_keeps_counts_and_statuses_never_numbers(
    client: Client, manager: str, db: AsyncSession
) -> None:
    body = (await invite(client, manager, [PHONE, SECOND, "nonsense"])).json()

    summary = await client.get(
        f"/api/v1/sms/invitations/{body['batch_id']}", headers=bearer(manager)
    )
    assert summary.status_code == 200
    counts = summary.json()
    assert (counts["requested"], counts["invalid"], counts["threshold"]) == (3, 1, 5)
    # Counts about the two people texted are under the threshold: withheld, statuses too.
    assert [counts[name] for name in ("messages", "delivered", "pending")] == [None] * 3
    assert "statuses" not in counts
    await db.rollback()
    # A number in any format (spaces, +44, 0) still holds its ten subscriber digits; four of
    # them turn up in random hex now and then, ten never do.
    subscribers = ("7700123456", "7412345678")

    def digits(value: object) -> str:
        return "".join(ch for ch in str(value) if ch.isdigit())

    for row in await db.scalars(select(SmsInvitationMessage)):
        assert all(n not in digits(value) for value in vars(row).values() for n in subscribers)
    links = list(await db.scalars(select(Link.token_digest)))
    assert all(n not in digits(digest) for digest in links for n in subscribers)


async def test_a_manager_cannot_read_another_services_batch(
    client: Client, manager: str, db: AsyncSession
) -> None:
    await create_staff(db, role="lead", email="lead@example.org")
    lead = await create_token(db, "lead@example.org")
    body = (await invite(client, lead, [PHONE], service="Other Service")).json()

    answer = await client.get(
        f"/api/v1/sms/invitations/{body['batch_id']}", headers=bearer(manager)
    )

    assert answer.status_code == 404


async def test_a_manager_cannot_invite_for_another_service(client: Client, manager: str) -> None:
    answer = await invite(client, manager, [PHONE], service="Other Service")

    assert answer.status_code == 404


async def test_an_analyst_cannot_send_invitations(
    client: Client, manager: str, db: AsyncSession
) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")

    assert (await invite(client, token, [PHONE])).status_code == 403


async def test_a_body_without_numbers_is_a_clear_400(client: Client, manager: str) -> None:
    answer = await client.post(
        "/api/v1/sms/invitations",
        headers=bearer(manager),
        json={"survey": "service-satisfaction", "service": "Own Service"},
    )

    assert answer.status_code == 400 and "numbers" in answer.text


def test_a_csv_without_a_header_keeps_its_first_row() -> None:
    assert numbers_from_csv(f"{PHONE}\n\n{SECOND}\n") == [(1, PHONE), (3, SECOND)]
