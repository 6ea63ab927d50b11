"""The intake thank-you page says how the end-of-support questions will come (only in a
way she said is safe) and that her code works without being asked; in words that are
safe if someone else reads the screen. Other surveys' pages say nothing of it."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.responses.frame import frame_phrase
from feedback.wording import subject_word
from tests.support.outcomes import Surveys, new_link
from tests.support.responses import csrf_token, hidden

Client = AsyncTestClient[Litestar]
PAIRING_PHRASES = ("pairing_heading", "pairing_invite", "pairing_any_time")


async def _thanks(client: Client, db: AsyncSession, slug: str) -> str:
    await client.get(f"/s/{await new_link(db, slug)}")
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
            "q_safety_now": "4",
        },
    )
    assert thanks.status_code == 200, thanks.text
    return thanks.text


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


async def test_the_intake_thanks_page_says_how_she_will_be_asked_and_that_the_code_works(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    page = await _thanks(client, db, "service-intake")
    for key in PAIRING_PHRASES:
        assert frame_phrase(key, "en") in _text(page)
    # The code it speaks of is the one shown above it.
    assert page.index('class="receipt"') < page.index(frame_phrase("pairing_any_time", "en"))


async def test_the_exit_thanks_page_does_not_promise_another_invitation(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    page = await _thanks(client, db, "service-exit")
    assert frame_phrase("pairing_heading", "en") not in page


def test_the_words_are_safe_if_someone_else_reads_them() -> None:
    for key in PAIRING_PHRASES:
        assert subject_word(frame_phrase(key, "en")) is None, key
