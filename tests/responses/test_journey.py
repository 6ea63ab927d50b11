"""The respondent's web journey through the real app: link, consent, answers, receipt."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links.models import Link
from feedback.responses.models import AnswerCount, Response
from tests.support.responses import csrf_token, hidden

Client = AsyncTestClient[Litestar]
ANSWERS = {
    "q_felt_believed": "5",
    "q_had_to_repeat_story": "yes",
    "q_times_told_story": "3",
    "q_what_helped_most": "My advocate Priya phoned me every week",
    "q_age_band": "prefer_not_to_say",
}


async def _consent(client: Client, token: str) -> str:
    entered = await client.get(f"/s/{token}", follow_redirects=False)
    assert entered.status_code == 303
    assert entered.headers["location"] == "/s"
    consent = await client.get("/s")
    assert consent.status_code == 200
    questions = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    assert questions.status_code == 200
    assert 'name="q_felt_believed"' in questions.text
    return questions.text


async def _submit(client: Client, page: str, answers: dict[str, Any]) -> Any:
    return await client.post(
        "/s/answers",
        data={
            "_csrf_token": csrf_token(page),
            "form_nonce": hidden(page, "form_nonce"),
            "entry": hidden(page, "entry"),
            **answers,
        },
    )


async def test_the_token_is_swapped_for_a_session_cookie(client: Client, link_token: str) -> None:
    entered = await client.get(f"/s/{link_token}", follow_redirects=False)
    cookie = entered.headers["set-cookie"]
    assert "feedback-entry=" in cookie
    assert link_token not in cookie
    assert "expires" not in cookie.lower() and "max-age" not in cookie.lower()
    assert "httponly" in cookie.lower()


async def test_a_whole_response_is_sealed_counted_and_burns_the_link(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    page = await _consent(client, link_token)
    thanks = await _submit(client, page, ANSWERS)
    assert thanks.status_code == 200, thanks.text
    assert "Your receipt code" in thanks.text
    assert thanks.headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert await db.scalar(select(func.count()).select_from(Response)) == 1
    assert await db.scalar(select(Link.used)) is True
    counts = {
        (row.question_id, row.option): row.count for row in await db.scalars(select(AnswerCount))
    }
    assert counts[("felt_believed", "5")] == 1
    assert counts[("what_helped_most", "answered")] == 1
    sealed = await db.scalar(select(Response.sealed))
    assert b"Priya" not in sealed and b"advocate" not in sealed


async def test_a_resubmitted_form_gives_the_same_receipt_and_one_response(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    page = await _consent(client, link_token)
    first = await _submit(client, page, ANSWERS)
    second = await _submit(client, page, ANSWERS)
    code = first.text.split('class="receipt">', 1)[1].split("<", 1)[0]
    assert code in second.text
    assert await db.scalar(select(func.count()).select_from(Response)) == 1


async def test_a_used_link_gets_the_neutral_page(client: Client, link_token: str) -> None:
    page = await _consent(client, link_token)
    await _submit(client, page, ANSWERS)
    again = await client.get(f"/s/{link_token}")
    unknown = await client.get("/s/this-is-not-a-token")
    assert again.status_code == unknown.status_code == 404
    assert again.text == unknown.text


async def test_a_bad_answer_comes_back_with_values_kept_and_nothing_stored(
    client: Client, db: AsyncSession, link_token: str
) -> None:
    page = await _consent(client, link_token)
    answer = await _submit(client, page, {**ANSWERS, "q_times_told_story": "lots"})
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert 'href="#q_times_told_story"' in answer.text
    assert "My advocate Priya phoned me every week" in answer.text
    assert await db.scalar(select(func.count()).select_from(Response)) == 0


async def test_declining_saves_nothing(client: Client, db: AsyncSession, link_token: str) -> None:
    await client.get(f"/s/{link_token}")
    consent = await client.get("/s")
    declined = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "decline"}
    )
    assert "Nothing has been saved" in declined.text
    assert await db.scalar(select(Link.used)) is False


async def test_immediate_danger_in_free_text_leads_with_emergency_help(
    client: Client, link_token: str
) -> None:
    page = await _consent(client, link_token)
    thanks = await _submit(
        client,
        page,
        {
            **ANSWERS,
            "q_what_should_change": "He is outside my door right now and says he will kill me",
        },
    )
    assert "If you are in danger now, call 999" in thanks.text


async def test_arabic_pages_render_right_to_left(client: Client, link_token: str) -> None:
    await client.get(f"/s/{link_token}")
    page = await client.get("/s?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text


async def test_a_bad_answer_marks_its_own_question_and_no_other(
    client: Client, link_token: str
) -> None:
    page = await _consent(client, link_token)
    answer = await _submit(client, page, {**ANSWERS, "q_times_told_story": "lots"})

    marked = re.findall(r'class="question field field-error">\s*<label for="([^"]+)"', answer.text)
    assert marked == ["q_times_told_story"]
    assert answer.text.count("field-error") == 1
