"""Looking a response up by its receipt code: the survey and the day, never a time, and
what changed because of it; the same neutral answer for any code that does not work."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.responses.receipts import records_for_receipt
from feedback.settings import Settings
from tests.responses.test_withdraw import FIRST, NEVER_ISSUED, ask_to_withdraw, post_code
from tests.support.responses import answer_survey

Client = AsyncTestClient[Litestar]
TIME_OF_DAY = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?[ap]m\b", re.IGNORECASE)


async def test_the_thank_you_receipt_code_shows_the_survey_and_the_day_only(
    client: Client, link_token: str
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    shown = await post_code(client, "/receipt", code)
    assert shown.status_code == 200
    today = clock.today_london()
    assert "Your feedback" in shown.text
    assert f"{today.day} {today:%B %Y}" in shown.text
    main = shown.text.split("<main", 1)[1].split("</main>", 1)[0]
    assert not TIME_OF_DAY.search(main), "the receipt must not show a time of day"
    assert "Advocacy Service" not in shown.text


async def test_a_receipt_says_when_nothing_is_published_yet(
    client: Client, link_token: str
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    shown = await post_code(client, "/receipt", code)
    assert "You said, we did" in shown.text
    assert "Nothing has been published yet for this survey" in shown.text


async def test_a_receipt_code_is_forgiving_about_case_spaces_and_dashes(
    client: Client, link_token: str
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    typed = " ".join(code.lower().split("-"))
    assert (await post_code(client, "/receipt", typed)).status_code == 200


async def test_an_unknown_code_gets_the_neutral_error_linked_to_the_field(
    client: Client, survey_ready: None
) -> None:
    refused = await post_code(client, "/receipt", NEVER_ISSUED)
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert 'href="#code"' in refused.text
    assert "That code did not work" in refused.text


async def test_a_code_waiting_to_be_withdrawn_looks_unknown(
    client: Client, db: AsyncSession, settings: Settings, link_token: str
) -> None:
    code = await answer_survey(client, link_token, FIRST)
    await ask_to_withdraw(db, settings, code)
    waiting = await post_code(client, "/receipt", code)
    unknown = await post_code(client, "/receipt", NEVER_ISSUED)
    assert waiting.status_code == unknown.status_code == 400
    assert waiting.text.replace(code, "CODE") == unknown.text.replace(NEVER_ISSUED, "CODE")


async def test_typed_codes_are_shown_back_escaped(client: Client, survey_ready: None) -> None:
    refused = await post_code(client, "/receipt", "<script>x</script>")
    assert "<script>x</script>" not in refused.text


async def test_no_records_are_published_for_any_survey_yet(db: AsyncSession) -> None:
    assert await records_for_receipt(db, survey_id=1, service_id=1) == []


async def test_the_receipt_page_asks_for_the_code(client: Client) -> None:
    page = await client.get("/receipt")
    assert page.status_code == 200
    assert '<label for="code">Receipt code</label>' in page.text
    assert 'name="_csrf_token"' in page.text
