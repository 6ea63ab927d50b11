"""Racing submissions over real HTTP (uvicorn on a free port, the real app and database):
one single-use link answered from several tabs at once stores exactly one response; the
same form sent twice at once (a double-click) stores one and shows both the same receipt."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.responses.models import AnswerCount, Response
from tests.support.responses import csrf_token, hidden

TABS = 8
ANSWERS = {
    "q_felt_believed": "4",
    "q_had_to_repeat_story": "no",
    "q_what_helped_most": "Someone answered the phone",
    "q_age_band": "prefer_not_to_say",
}


@pytest.fixture
async def browser(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """One browser (one cookie jar) talking HTTP to the app served by uvicorn. The socket
    listens before uvicorn starts, so early requests wait in its backlog: no polling."""
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client
    server.should_exit = True
    await serving
    listening.close()


async def _open_tabs(browser: httpx.AsyncClient, token: str, tabs: int) -> list[str]:
    """Enter by the link, agree once, then open the question page in `tabs` tabs: each
    carries its own form nonce."""
    await browser.get(f"/s/{token}")
    consent = await browser.get("/s")
    await browser.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    pages = [(await browser.get("/s/questions")).text for _ in range(tabs)]
    assert len({hidden(page, "form_nonce") for page in pages}) == tabs
    return pages


def _form(page: str) -> dict[str, str]:
    return {
        "_csrf_token": csrf_token(page),
        "form_nonce": hidden(page, "form_nonce"),
        "entry": hidden(page, "entry"),
        **ANSWERS,
    }


def _receipt(page: str) -> str | None:
    found = re.search(r'class="receipt">([^<]+)<', page)
    return found.group(1) if found else None


async def _stored(db: AsyncSession) -> tuple[int, int]:
    responses = await db.scalar(select(func.count()).select_from(Response))
    believed = await db.scalar(
        select(func.coalesce(func.sum(AnswerCount.count), 0)).where(
            AnswerCount.question_id == "felt_believed"
        )
    )
    return int(responses or 0), int(believed or 0)


async def test_tabs_racing_one_link_store_exactly_one_response(
    browser: httpx.AsyncClient, db: AsyncSession, link_token: str
) -> None:
    pages = await _open_tabs(browser, link_token, TABS)
    neutral = await browser.get("/s/no-such-link", follow_redirects=True)  # the neutral page
    sent = await asyncio.gather(*(browser.post("/s/answers", data=_form(p)) for p in pages))

    thanked = [answer for answer in sent if _receipt(answer.text)]
    turned_away = [answer for answer in sent if not _receipt(answer.text)]
    assert len(thanked) == 1, [answer.status_code for answer in sent]
    assert thanked[0].status_code == 200
    assert {answer.status_code for answer in turned_away} == {neutral.status_code}
    assert {answer.text for answer in turned_away} == {neutral.text}
    assert await _stored(db) == (1, 1)


async def test_a_double_click_stores_one_response_and_shows_one_receipt(
    browser: httpx.AsyncClient, db: AsyncSession, link_token: str
) -> None:
    (page,) = await _open_tabs(browser, link_token, 1)
    first, second = await asyncio.gather(
        browser.post("/s/answers", data=_form(page)),
        browser.post("/s/answers", data=_form(page)),
    )
    assert (first.status_code, second.status_code) == (200, 200), second.text
    assert _receipt(first.text) is not None
    assert _receipt(first.text) == _receipt(second.text)
    assert await _stored(db) == (1, 1)
