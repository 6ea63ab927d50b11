"""Printed cards: neutral wording checked against the list, and a typable single-use code."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.service import rotate_keys
from feedback.links.cards import lasting_names
from feedback.links.models import JoinFailure, Link, LinkBatch
from feedback.settings import Settings
from feedback.wording import subject_word
from tests.auth.pages import csrf_token
from tests.factories import create_service
from tests.links.conftest import create_batch
from tests.responses.test_journey import ANSWERS
from tests.support.responses import answer_entered_survey

Client = AsyncTestClient[Litestar]
CARD_CODE = re.compile(r'class="card-code"><strong>([^<]+)</strong>')
UNKNOWN_CARD_CODE = "ACDEF-GHJKM-NPQRT"
BASE = "http://127.0.0.1:8000"


async def _print_cards(client: Client, db: AsyncSession, settings: Settings, count: int) -> str:
    await rotate_keys(db, settings=settings)
    page = await create_batch(client, count=str(count), output="cards")
    assert page.status_code == 200, page.text
    return page.text


async def _type_code(client: Client, code: str) -> httpx.Response:
    form = await client.get("/join")
    return await client.post(
        "/join",
        data={"_csrf_token": csrf_token(form.text), "code": code},
        follow_redirects=False,
    )


async def test_printing_a_batch_of_cards_names_no_subject_service_or_survey(
    manager_client: Client, db: AsyncSession, settings: Settings
) -> None:
    await create_service(db, "Hestia Housing")
    page = await _print_cards(manager_client, db, settings, 25)

    printed = re.sub(r"<svg.*?</svg>", "", page.split('<ul class="cards">', 1)[1], flags=re.S)
    assert subject_word(printed, await lasting_names(db)) is None
    assert len(set(CARD_CODE.findall(page))) == 25
    await db.rollback()
    with_codes = select(func.count()).select_from(Link).where(Link.card_digest.is_not(None))
    assert await db.scalar(with_codes) == 25


async def test_a_card_code_works_once_at_join_and_a_used_one_gives_the_neutral_page(
    manager_client: Client, app: Litestar, db: AsyncSession, settings: Settings
) -> None:
    first, second = CARD_CODE.findall(await _print_cards(manager_client, db, settings, 2))
    async with AsyncTestClient(app=app, base_url=BASE) as survivor:
        entered = await _type_code(survivor, first.lower().replace("-", " "))
        assert entered.status_code == 303 and entered.headers["location"] == "/s"
        assert await answer_entered_survey(survivor, ANSWERS)

        again = await _type_code(survivor, first)
        unknown = await _type_code(survivor, UNKNOWN_CARD_CODE)
        by_address = await survivor.get(f"/join/{first}", follow_redirects=False)
        other_card = await _type_code(survivor, second)

    assert again.status_code == unknown.status_code == 400
    assert again.text.replace(first, "") == unknown.text.replace(UNKNOWN_CARD_CODE, "")
    assert by_address.status_code == 303
    assert by_address.headers["location"] == "/s/unavailable"
    assert other_card.headers["location"] == "/s"


async def test_a_wrong_card_code_spends_the_join_guess_budget(
    manager_client: Client, db: AsyncSession, settings: Settings
) -> None:
    await _print_cards(manager_client, db, settings, 1)

    await _type_code(manager_client, UNKNOWN_CARD_CODE)

    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(JoinFailure)) == 1


async def test_cards_whose_help_line_names_a_service_are_refused_before_any_link_is_issued(
    manager_client: Client, db: AsyncSession, settings: Settings
) -> None:
    await create_service(db, "Help Now")  # the default card line reads "Need help now? ..."

    refused = await create_batch(manager_client, count="3", output="cards")

    assert refused.status_code == 400
    assert "FEEDBACK_CARD_HELP_LINE" in refused.text and "Help Now" in refused.text
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(LinkBatch)) == 0
