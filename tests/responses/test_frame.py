"""A page in Arabic or Polish carries its whole frame (exit control, help, buttons, hints)
in that language, with the draft-translation notice, and no English frame phrase left."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from feedback.responses.frame import FRAME, frame_phrase
from tests.responses.test_journey import ANSWERS
from tests.support.responses import csrf_token, hidden

Client = AsyncTestClient[Litestar]
DRAFT = {"ar": "هذه الترجمة جديدة وما زالت قيد المراجعة.", "pl": "To tłumaczenie jest nowe"}
YES = {"ar": "نعم", "pl": "Tak"}


def _english_left(page: str) -> list[str]:
    """English frame phrases (up to their first placeholder) still on the page."""
    english = (frame_phrase(key, "en").split("{", 1)[0].strip() for key in FRAME)
    return [text for text in english if text and text in page]


@pytest.mark.parametrize("language", ["ar", "pl"])
async def test_a_translated_journey_has_its_whole_frame_in_its_language(
    client: Client, link_token: str, language: str
) -> None:
    await client.get(f"/s/{link_token}")
    consent = await client.get(f"/s?lang={language}")
    questions = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    thanks = await client.post(
        "/s/answers",
        data={
            "_csrf_token": csrf_token(questions.text),
            "form_nonce": hidden(questions.text, "form_nonce"),
            "entry": hidden(questions.text, "entry"),
            **ANSWERS,
        },
    )

    for page in (consent.text, questions.text, thanks.text):
        assert f'lang="{language}"' in page and DRAFT[language] in page
        assert _english_left(page) == []
        assert frame_phrase("exit", language) in page
    assert frame_phrase("only_if", language, answers=YES[language]) in questions.text
    assert frame_phrase("send", language) in questions.text
    assert frame_phrase("receipt_heading", language) in thanks.text
