"""Safe contact first (OUTCOMES.md R1): an end-of-support survey is texted only when the
staff member ticks that safe contact was confirmed for the people on the list; the tick
is kept as a count on the batch, never per person. Other surveys need no tick."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.settings import Settings
from feedback.sms.models import SmsInvitationBatch
from feedback.sms.outbox import read_outbox
from feedback.surveys.service import publish_surveys
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff, create_token
from tests.sms.conftest import PHONE

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]
SECOND = "07412 345678"
CSV = f"mobile\n{PHONE}\n{SECOND}\n"
TICK = "Safe contact confirmed for everyone on this list"


@pytest.fixture
async def manager(client: Client, db: AsyncSession) -> Client:
    await publish_surveys(
        db,
        [
            ROOT / "surveys" / "service-satisfaction.yaml",
            ROOT / "surveys" / "service-intake.yaml",
            ROOT / "surveys" / "service-exit.yaml",
        ],
    )
    await create_service(db, "Own Service")
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    return client


async def check(client: Client, survey: str) -> str:
    page = await client.get("/staff/sms")
    answer = await client.post(
        "/staff/sms/check",
        data={"_csrf_token": csrf_token(page.text), "survey": survey, "service": "Own Service"},
        files={"numbers": ("numbers.csv", CSV.encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def sealed_of(page: str) -> str:
    found = re.search(r'name="sealed" value="([^"]+)"', page)
    assert found, "no send button"
    return found.group(1)


async def send(client: Client, page: str, **extra: str) -> tuple[int, str]:
    sent = await client.post(
        "/staff/sms/send",
        data={"_csrf_token": csrf_token(page), "sealed": sealed_of(page), **extra},
        follow_redirects=False,
    )
    await asyncio.to_thread(client.blocking_portal.call, client.app.state.queue.drain)
    return sent.status_code, sent.text


async def batches(db: AsyncSession) -> list[tuple[int, int]]:
    rows = await db.execute(
        select(SmsInvitationBatch.requested, SmsInvitationBatch.safe_contact_confirmed)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_an_exit_invitation_is_refused_until_safe_contact_is_ticked(
    manager: Client, db: AsyncSession, settings: Settings
) -> None:
    page = await check(manager, "service-exit")
    assert TICK in page and 'name="safe_contact_confirmed"' in page

    status, refused = await send(manager, page)
    assert status == 400
    assert f"{TICK}: tick this to send an end-of-support survey" in refused
    assert 'href="#safe_contact_confirmed"' in refused  # the summary links to the box
    assert 'id="safe_contact_confirmed-error"' in refused
    assert read_outbox(settings) == []
    assert await batches(db) == []

    status, _ = await send(manager, refused, safe_contact_confirmed="yes")  # the page again
    assert status == 303
    assert len(read_outbox(settings)) == 2
    assert await batches(db) == [(2, 2)]  # a count on the batch, nothing per person


async def test_a_satisfaction_invitation_needs_no_tick_and_counts_none(
    manager: Client, db: AsyncSession, settings: Settings
) -> None:
    page = await check(manager, "service-satisfaction")
    assert TICK not in page
    status, _ = await send(manager, page)
    assert status == 303 and len(read_outbox(settings)) == 2
    assert await batches(db) == [(2, 0)]


async def test_the_api_refuses_an_exit_invitation_without_the_confirmation(
    client: Client, db: AsyncSession, manager: Client, settings: Settings
) -> None:
    token = await create_token(db, "m@example.org")
    body = {"survey": "service-exit", "service": "Own Service", "numbers": [PHONE]}
    headers = {"Authorization": f"Bearer {token}"}
    refused = await client.post("/api/v1/sms/invitations", headers=headers, json=body)
    assert refused.status_code == 400 and "safe_contact_confirmed" in refused.text
    assert await db.scalar(select(func.count()).select_from(SmsInvitationBatch)) == 0
    taken = await client.post(
        "/api/v1/sms/invitations", headers=headers, json={**body, "safe_contact_confirmed": True}
    )
    assert taken.status_code == 202, taken.text
    assert await batches(db) == [(1, 1)]


async def test_no_message_row_says_whose_contact_was_confirmed(db: AsyncSession) -> None:
    columns = (await db.execute(text("SELECT * FROM sms_invitation_messages"))).keys()
    assert not [name for name in columns if "safe" in name or "contact" in name]
