"""The links console as a service manager uses it: a batch on screen, as CSV, as QR cards."""

from __future__ import annotations

import csv
import io

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links.models import Link, LinkBatch
from feedback.settings import Settings
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff
from tests.links.conftest import create_batch

Client = AsyncTestClient[Litestar]


async def test_the_form_offers_only_the_managers_own_services(manager_client: Client) -> None:
    page = await manager_client.get("/staff/links")
    assert "Own Service" in page.text
    assert "Other Service" not in page.text


async def test_twenty_links_are_shown_once(manager_client: Client, db: AsyncSession) -> None:
    shown = await create_batch(manager_client)
    assert shown.status_code == 200
    assert shown.text.count("http://127.0.0.1:8000/s/") == 20
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(Link)) == 20


async def test_links_download_as_csv(manager_client: Client) -> None:
    download = await create_batch(manager_client, count="3", output="csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == 3


async def test_cards_carry_a_qr_code_a_typable_code_and_no_service_name(
    manager_client: Client, settings: Settings
) -> None:
    cards = await create_batch(manager_client, count="4", output="cards")
    text = cards.text
    assert text.count("<svg") == 4
    assert text.count('class="card"') == 4
    card_part = text.split('<ul class="cards">', 1)[1]
    assert "Own Service" not in card_part and "/s/" not in card_part  # the URL is in the QR only
    assert card_part.count('class="card-code"') == 4
    assert settings.card_help_line in card_part


async def test_another_service_or_bad_count_is_refused_with_the_form_kept(
    manager_client: Client, db: AsyncSession
) -> None:
    other = await create_batch(manager_client, service="Other Service")
    bad = await create_batch(manager_client, count="lots")
    assert other.status_code == bad.status_code == 400
    assert "There is a problem" in bad.text
    assert 'value="lots"' in bad.text
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(LinkBatch)) == 0


async def test_an_analyst_cannot_open_the_links_console(client: Client, db: AsyncSession) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    await sign_in_with_new_two_factor(client, "a@example.org", PASSWORD)
    assert (await client.get("/staff/links")).status_code == 403


async def test_each_kind_of_batch_shows_only_its_own_number(manager_client: Client) -> None:
    links = await manager_client.get("/staff/links")
    code = await manager_client.get("/staff/links?kind=code")

    assert 'id="count"' in links.text and 'id="cap"' not in links.text
    assert 'id="cap"' in code.text and 'id="count"' not in code.text
    assert '<input type="hidden" name="kind" value="code">' in code.text


async def test_a_bad_number_is_named_by_its_label(manager_client: Client) -> None:
    bad_count = await create_batch(manager_client, count="lots")
    bad_cap = await create_batch(manager_client, kind="code", cap="many")

    assert '<a href="#count">How many links: enter a whole number, like 20</a>' in bad_count.text
    assert '<a href="#cap">Responses the code allows: enter a whole number' in bad_cap.text
    assert 'id="cap"' in bad_cap.text and 'id="count"' not in bad_cap.text  # the form kept
    assert "count:" not in bad_count.text and "cap:" not in bad_cap.text
