"""Console "SMS invitations": upload, every row checked before sending, send, batch counts;
numbers never shown again, and a check only works for the person who made it."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.settings import Settings
from feedback.sms.models import SmsInvitationBatch
from feedback.sms.outbox import read_outbox
from feedback.surveys.service import publish_surveys
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff
from tests.sms.conftest import PHONE

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]
SECOND = "07412 345678"
CSV = f"mobile\n{PHONE}\n020 7946 0000\n{SECOND}\nhello\n"


@pytest.fixture
async def manager(client: Client, db: AsyncSession) -> Client:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Own Service")
    await create_service(db, "Other Service")
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    return client


async def check(client: Client, csv: str, service: str = "Own Service") -> str:
    page = await client.get("/staff/sms")
    answer = await client.post(
        "/staff/sms/check",
        data={
            "_csrf_token": csrf_token(page.text),
            "survey": "service-satisfaction",
            "service": service,
        },
        files={"numbers": ("numbers.csv", csv.encode(), "text/csv")},
    )
    return answer.text if answer.status_code == 200 else f"{answer.status_code}\n{answer.text}"


def sealed_of(page: str) -> str:
    found = re.search(r'name="sealed" value="([^"]+)"', page)
    assert found, "no send button"
    return found.group(1)


async def test_the_check_shows_problems_by_row_and_sends_nothing(
    manager: Client, settings: Settings, db: AsyncSession
) -> None:
    page = await check(manager, CSV)

    assert "<td>3</td><td>not a mobile number</td>" in page
    assert "<td>5</td><td>not a phone number</td>" in page
    assert "Send 2 invitations" in page
    for shown in ("7700", "7412", "7946"):
        assert shown not in page
    assert read_outbox(settings) == []
    assert await db.scalar(select(func.count()).select_from(SmsInvitationBatch)) == 0


async def test_sending_a_check_queues_the_batch_and_shows_its_counts(
    manager: Client, settings: Settings
) -> None:
    page = await check(manager, CSV)

    sent = await manager.post(
        "/staff/sms/send",
        data={"_csrf_token": csrf_token(page), "sealed": sealed_of(page)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    await asyncio.to_thread(manager.blocking_portal.call, manager.app.state.queue.drain)
    batch = await manager.get(sent.headers["location"])

    assert batch.status_code == 200
    assert '<th scope="row">Rows in the upload</th><td>4</td>' in batch.text
    assert '<th scope="row">Not valid UK mobiles</th><td>2</td>' in batch.text
    # Two delivered: counts about the people texted show only from the threshold (issue 21).
    assert '<th scope="row">Delivered</th><td>withheld</td>' in batch.text
    assert "fewer than 5 people (0 included)" in batch.text
    assert "7700" not in batch.text and "7412" not in batch.text
    assert len(read_outbox(settings)) == 2


async def test_an_altered_check_is_refused_and_nothing_is_sent(
    manager: Client, settings: Settings
) -> None:
    page = await check(manager, CSV)
    sealed = sealed_of(page)
    altered = sealed[:-6] + ("AAAAAA" if not sealed.endswith("AAAAAA") else "BBBBBB")

    sent = await manager.post(
        "/staff/sms/send", data={"_csrf_token": csrf_token(page), "sealed": altered}
    )

    assert sent.status_code == 400 and "upload the file again" in sent.text
    assert read_outbox(settings) == []


async def test_a_manager_cannot_check_numbers_for_another_service(manager: Client) -> None:
    page = await check(manager, CSV, service="Other Service")

    assert page.startswith("400") and "no service named" in page


async def test_a_file_with_no_numbers_is_a_clear_error(manager: Client) -> None:
    page = await check(manager, "mobile\n\n")

    assert page.startswith("400") and "no numbers in its first column" in page


async def test_the_nav_links_to_sms_invitations_for_a_manager(manager: Client) -> None:
    home = await manager.get("/staff/")

    assert 'href="/staff/sms"' in home.text
