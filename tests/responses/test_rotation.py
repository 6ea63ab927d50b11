"""Codes and the entry cookie outlive a master-key rotation: a join code or a card printed
under the old key still starts a survey once a new key comes first, as does one issued
under the new key, and a form open when the key changed keeps its entry."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.links import service as links
from feedback.links.cards import issue_cards
from feedback.responses.entry_cookie import COOKIE_NAME, EntryCookie, decode_entry, encode_entry
from feedback.settings import Settings
from tests.responses.test_journey import ANSWERS
from tests.support.responses import answer_entered_survey, csrf_token
from tests.support.rotation import rotated

Client = AsyncTestClient[Litestar]
BASE = "http://127.0.0.1:8000"
RECEIPT = re.compile(r"^[A-Z0-9-]+$")


async def _code(db: AsyncSession, master_key: bytes) -> str:
    batch = await links.create_code(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        cap=5,
        base_url=BASE,
        master_key=master_key,
    )
    return batch.codes[0].code


async def _card(db: AsyncSession, master_key: bytes) -> str:
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=1,
        base_url=BASE,
    )
    return (await issue_cards(db, batch, master_key=master_key))[0].code


async def _answered_after_joining(app: Litestar, code: str) -> str:
    """Type `code` at /join and answer the survey it opens; the receipt code."""
    async with AsyncTestClient(app=app, base_url=BASE) as respondent:
        form = await respondent.get("/join")
        entered = await respondent.post(
            "/join",
            data={"_csrf_token": csrf_token(form.text), "code": code},
            follow_redirects=False,
        )
        assert entered.status_code == 303 and entered.headers["location"] == "/s"
        return await answer_entered_survey(respondent, ANSWERS)


async def test_a_join_code_from_before_rotation_still_starts_the_survey(
    db: AsyncSession, settings: Settings, survey_ready: None
) -> None:
    after, new, old = rotated(settings)
    before, since = await _code(db, old), await _code(db, new)
    app = create_app(after)
    assert RECEIPT.match(await _answered_after_joining(app, before))
    assert RECEIPT.match(await _answered_after_joining(app, since))


async def test_a_card_printed_before_rotation_still_starts_the_survey(
    db: AsyncSession, settings: Settings, survey_ready: None
) -> None:
    after, new, old = rotated(settings)
    before, since = await _card(db, old), await _card(db, new)
    app = create_app(after)
    assert RECEIPT.match(await _answered_after_joining(app, before))
    assert RECEIPT.match(await _answered_after_joining(app, since))


async def test_a_form_open_at_rotation_keeps_its_entry(
    client: Client, db: AsyncSession, settings: Settings, link_token: str
) -> None:
    await client.get(f"/s/{link_token}")
    entry = next(cookie for cookie in client.cookies.jar if cookie.name == COOKIE_NAME)
    after, _new, _old = rotated(settings)
    async with AsyncTestClient(app=create_app(after), base_url=BASE) as later:
        later.cookies.jar.set_cookie(entry)  # only the entry: the CSRF cookie is per key
        assert RECEIPT.match(await answer_entered_survey(later, ANSWERS))


def test_an_entry_cookie_signed_under_the_old_key_is_read_under_both() -> None:
    old, new, other = b"o" * 32, b"n" * 32, b"x" * 32
    entry = EntryCookie(kind="link", digest="d" * 64, survey_version_id=1)
    assert decode_entry([new, old], encode_entry(old, entry)) == entry
    assert decode_entry([new, old], encode_entry(new, entry)) == entry
    assert decode_entry([new, old], encode_entry(other, entry)) is None
