"""POST /s/answers, the question form's submission: a plain ASGI route that must still
behave like every other respondent page (CSRF, safety headers, neutral errors)."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links.models import Link
from feedback.responses.answers_route import MAX_FORM_BYTES
from feedback.responses.models import Response
from tests.support.responses import csrf_token, hidden, new_link_token

Client = AsyncTestClient[Litestar]
ANSWERS = {
    "q_felt_believed": "4",
    "q_had_to_repeat_story": "no",
    "q_times_told_story": "1",
    "q_what_helped_most": "Being listened to",
    "q_age_band": "prefer_not_to_say",
}


async def _questions(client: Client, token: str) -> str:
    await client.get(f"/s/{token}")
    consent = await client.get("/s")
    page = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    assert page.status_code == 200
    return page.text


def _form(page: str, **changes: str) -> dict[str, str]:
    return {
        "_csrf_token": csrf_token(page),
        "form_nonce": hidden(page, "form_nonce"),
        "entry": hidden(page, "entry"),
        **ANSWERS,
        **changes,
    }


async def _responses(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Response)) or 0)


async def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_stored(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    page = await _questions(client, link_token)
    missing = await client.post("/s/answers", data=_form(page, _csrf_token=""))
    forged = await client.post("/s/answers", data=_form(page, _csrf_token="a" * 128))
    assert missing.status_code == forged.status_code == 403
    assert "Traceback" not in missing.text
    assert await _responses(db) == 0 and await db.scalar(select(Link.used)) is False


async def test_answers_posted_past_the_consent_page_are_not_stored(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    """The consent gate holds where answers are stored, not only on the pages: a form
    sent without agreeing goes back to the consent page and the link stays unused."""
    await client.get(f"/s/{link_token}")
    consent = await client.get("/s")
    skipped = await client.post(
        "/s/answers",
        data={"_csrf_token": csrf_token(consent.text), "form_nonce": "n" * 32, **ANSWERS},
        follow_redirects=False,
    )
    assert (skipped.status_code, skipped.headers["location"]) == (303, "/s")
    assert await _responses(db) == 0 and await db.scalar(select(Link.used)) is False


async def test_the_thank_you_page_is_a_safe_respondent_page(
    client: Client, link_token: str
) -> None:
    thanks = await client.post("/s/answers", data=_form(await _questions(client, link_token)))
    assert thanks.status_code == 200
    headers = thanks.headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert (
        "feedback-entry=" in headers["set-cookie"] and "max-age=0" in headers["set-cookie"].lower()
    )
    assert headers["content-type"].startswith("text/html")
    assert 'id="exit-this-page"' in thanks.text and "0808 2000 247" in thanks.text


async def test_two_respondents_get_their_own_receipt_codes(
    client: Client, db: AsyncSession, link_token: str, survey_ready: None
) -> None:
    """The thank-you page is rendered once per survey version and language: the code in it
    must still be each respondent's own."""
    codes = []
    for token in (link_token, await new_link_token(db)):
        thanks = await client.post("/s/answers", data=_form(await _questions(client, token)))
        codes.append(thanks.text.split('class="receipt">', 1)[1].split("<", 1)[0])
    assert len(set(codes)) == 2 and all(len(code) == 19 for code in codes)
    assert await _responses(db) == 2


async def test_a_corrected_form_goes_through_after_an_error(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    """The page shown again for a wrong answer carries a working CSRF token and entry."""
    wrong = await client.post(
        "/s/answers", data=_form(await _questions(client, link_token), q_felt_believed="9")
    )
    assert wrong.status_code == 400
    fixed = await client.post("/s/answers", data=_form(wrong.text))
    assert fixed.status_code == 200 and "Your receipt code" in fixed.text
    assert await _responses(db) == 1


async def test_other_methods_and_oversized_forms_get_plain_errors(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    page = await _questions(client, link_token)
    got = await client.get("/s/answers")
    huge = await client.post(
        "/s/answers", data=_form(page, q_what_helped_most="x" * (MAX_FORM_BYTES + 1))
    )
    assert got.status_code == 405 and got.headers["cache-control"] == "no-store"
    assert huge.status_code == 413
    assert "Traceback" not in got.text + huge.text
    assert await _responses(db) == 0
