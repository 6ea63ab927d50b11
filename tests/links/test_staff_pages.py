"""The links console as a service manager uses it: a batch on screen, as CSV, as QR cards."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links.models import Link, LinkBatch
from feedback.surveys.service import publish_surveys
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]


@pytest.fixture
async def manager_client(client: Client, db: AsyncSession) -> Client:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Own Service")
    await create_service(db, "Other Service", boroughs=("westminster",))
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    return client


async def _create(client: Client, **fields: str) -> object:
    page = await client.get("/staff/links")
    assert page.status_code == 200
    return await client.post(
        "/staff/links",
        data={
            "_csrf_token": csrf_token(page.text),
            "survey": "service-satisfaction",
            "service": "Own Service",
            "kind": "link",
            "channel": "web",
            "count": "20",
            "cap": "35",
            "expires": "",
            "output": "screen",
            **fields,
        },
    )


async def test_the_form_offers_only_the_managers_own_services(manager_client: Client) -> None:
    page = await manager_client.get("/staff/links")
    assert "Own Service" in page.text
    assert "Other Service" not in page.text


async def test_twenty_links_are_shown_once(manager_client: Client, db: AsyncSession) -> None:
    shown = await _create(manager_client)
    assert shown.status_code == 200  # type: ignore[attr-defined]
    assert shown.text.count("http://127.0.0.1:8000/s/") == 20  # type: ignore[attr-defined]
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(Link)) == 20


async def test_links_download_as_csv(manager_client: Client) -> None:
    download = await _create(manager_client, count="3", output="csv")
    assert download.headers["content-type"].startswith("text/csv")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(download.text)))  # type: ignore[attr-defined]
    assert len(rows) == 3


async def test_cards_carry_a_qr_code_and_no_service_name(manager_client: Client) -> None:
    cards = await _create(manager_client, count="4", output="cards")
    text = cards.text  # type: ignore[attr-defined]
    assert text.count("<svg") == 4
    assert text.count('class="card"') == 4
    card_part = text.split('<ul class="cards">', 1)[1]
    assert "Own Service" not in card_part
    assert "0808 2000 247" in card_part


async def test_another_service_or_bad_count_is_refused_with_the_form_kept(
    manager_client: Client, db: AsyncSession
) -> None:
    other = await _create(manager_client, service="Other Service")
    bad = await _create(manager_client, count="lots")
    assert other.status_code == bad.status_code == 400  # type: ignore[attr-defined]
    assert "There is a problem" in bad.text  # type: ignore[attr-defined]
    assert 'value="lots"' in bad.text  # type: ignore[attr-defined]
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(LinkBatch)) == 0


async def test_an_analyst_cannot_open_the_links_console(client: Client, db: AsyncSession) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    await sign_in_with_new_two_factor(client, "a@example.org", PASSWORD)
    assert (await client.get("/staff/links")).status_code == 403
