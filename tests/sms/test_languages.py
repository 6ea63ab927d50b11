"""The fixed SMS texts follow the conversation's language where the survey has it (ar, pl:
drafts awaiting the translators), and English otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.sms.phrases import PHRASES, sms_phrase
from tests.sms.conftest import PHONE_E164


async def text(db: AsyncSession, settings: Settings, master_key: bytes, body: str) -> list[str]:
    reply = await handle_text(db, settings, master_key=master_key, sender=PHONE_E164, text=body)
    return reply.messages


@pytest.mark.parametrize("language", ["pl", "ar"])
async def test_welcome_stop_and_receipt_come_in_the_chosen_language(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str, language: str
) -> None:
    welcome = (await text(db, settings, master_key, f"FEEDBACK {sms_code} {language}"))[0]
    assert welcome == sms_phrase("welcome", language, count=13)

    stopped = await text(db, settings, master_key, "STOP")
    assert stopped == [PHRASES["stopped"][language]]


async def test_a_finished_survey_in_polish_gets_a_polish_receipt(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code} pl")
    replies: list[str] = []
    for _ in range(20):
        replies = await text(db, settings, master_key, "SKIP")
        if any("kod potwierdzenia" in r for r in replies):
            break
        if len(replies) == 2 and replies[0] == PHRASES["needs_answer"]["pl"]:
            replies = await text(db, settings, master_key, "3")

    assert any(r.startswith("Dziękujemy. Twój kod potwierdzenia to ") for r in replies), replies


async def test_an_unknown_code_with_a_language_is_answered_in_it(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    replies = await text(db, settings, master_key, "FEEDBACK NOPE99 pl")

    assert replies[0].startswith(PHRASES["unknown"]["pl"])


def test_every_phrase_has_english_arabic_and_polish_with_the_same_placeholders() -> None:
    for key, texts in PHRASES.items():
        assert set(texts) == {"en", "ar", "pl"}, key
        for language in ("ar", "pl"):
            for slot in ("{code}", "{url}", "{count}"):
                assert (slot in texts["en"]) == (slot in texts[language]), (key, language)
