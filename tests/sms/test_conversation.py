"""Surveys by text, one inbound text at a time, through the real intake and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.db.base import utc_now
from feedback.responses.models import AnswerCount, Response
from feedback.settings import Settings
from feedback.sms.conversation import STOPPED, handle_text
from feedback.sms.models import SmsConversation, SmsOptOut
from feedback.sms.state import delete_expired
from feedback.wording import subject_word
from tests.sms.conftest import PHONE_E164

# The satisfaction survey's SMS questions: seven agreement scales, a yes/no, a number shown
# only after "yes", two more scales, two free texts.
SCALES_BEFORE_YES_NO = 7


async def text(db: AsyncSession, settings: Settings, master_key: bytes, body: str) -> list[str]:
    reply = await handle_text(db, settings, master_key=master_key, sender=PHONE_E164, text=body)
    return reply.messages


async def test_feedback_and_a_code_starts_with_a_neutral_message_and_the_first_question(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    replies = await text(db, settings, master_key, f"feedback {sms_code.lower()}")

    welcome, first = replies
    assert "STOP" in welcome and "abuse" not in welcome.lower()
    assert (
        first.startswith("1. I felt believed.")
        and "1 = Strongly disagree\n5 = Strongly agree\nReply 1 to 5." in first
    )
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 1


async def test_a_whole_survey_by_text_is_stored_and_counted_like_a_web_response(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    for _ in range(SCALES_BEFORE_YES_NO):
        await text(db, settings, master_key, "4")
    number_question = (await text(db, settings, master_key, "1"))[0]  # yes: asked how many times
    assert "how many times" in number_question
    await text(db, settings, master_key, "3")
    await text(db, settings, master_key, "5")
    await text(db, settings, master_key, "SKIP")
    await text(db, settings, master_key, "Being believed")
    replies = await text(db, settings, master_key, "Nothing")

    assert "receipt code is" in replies[0] and settings.card_help_line in replies
    response = await db.scalar(select(Response))
    assert response is not None and response.channel == "sms"
    counted = dict(
        (row.question_id, row.option)
        for row in await db.execute(select(AnswerCount.question_id, AnswerCount.option))
    )
    assert counted["felt_believed"] == "4" and counted["had_to_repeat_story"] == "yes"
    assert counted["times_told_story"] == "3" and "overall_satisfaction" not in counted
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 0


async def test_a_reply_out_of_range_gets_a_hint_and_the_question_again_without_losing_progress(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    await text(db, settings, master_key, "2")

    hint, again = await text(db, settings, master_key, "9")
    assert hint == "Please reply with a number from 1 to 5." and again.startswith("2. ")
    await text(db, settings, master_key, "nine")
    hint, _ = await text(db, settings, master_key, "99")
    assert "SKIP" in hint
    assert (await text(db, settings, master_key, "3"))[0].startswith("3. ")


async def test_back_returns_to_the_previous_question(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    await text(db, settings, master_key, "2")

    assert (await text(db, settings, master_key, "back"))[0].startswith("1. I felt believed.")


async def test_help_sends_the_help_reply_and_keeps_the_place(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")

    help_reply, question = await text(db, settings, master_key, "HELP")

    assert help_reply == settings.sms_help_reply and question.startswith("1. ")
    assert "0808 2000 247" in help_reply and subject_word(help_reply) is None


async def test_free_text_signalling_danger_sends_help_on_the_spot(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    for _ in range(SCALES_BEFORE_YES_NO):
        await text(db, settings, master_key, "SKIP")
    for _ in range(3):  # the yes/no (skipped: no number question), then two scales
        await text(db, settings, master_key, "SKIP")

    replies = await text(
        db, settings, master_key, "He is outside my door right now and I am scared"
    )

    assert replies[0] == settings.card_help_line and "What should we change?" in replies[1]


async def test_stop_ends_the_conversation_opts_out_and_silences_the_number(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")

    assert await text(db, settings, master_key, "STOP") == [STOPPED]
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 0
    opt_out = await db.scalar(select(SmsOptOut))
    assert opt_out is not None and PHONE_E164 not in opt_out.number_key
    assert await text(db, settings, master_key, "4") == []
    assert await text(db, settings, master_key, "HELP") == []


async def test_the_keyword_again_after_stop_is_the_person_asking_to_start(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, "STOP")

    replies = await text(db, settings, master_key, f"FEEDBACK {sms_code}")

    assert replies[1].startswith("1. ")
    assert await db.scalar(select(func.count()).select_from(SmsOptOut)) == 0


@pytest.mark.parametrize("body", ["FEEDBACK NOPE1234", "FEEDBACK", "hello"])
async def test_an_unknown_code_or_text_gets_one_neutral_reply_and_stores_nothing(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str, body: str
) -> None:
    [reply] = await text(db, settings, master_key, body)

    assert reply.startswith("Sorry, we could not find that.") and settings.card_help_line in reply
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 0


async def test_the_conversation_is_sealed_and_keyed_without_the_number(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    await text(db, settings, master_key, "My words here")  # not a valid answer; never stored
    await text(db, settings, master_key, "4")

    row = await db.scalar(select(SmsConversation))
    assert row is not None
    stored = row.number_key.encode() + row.sealed
    for secret in (b"7700123456", b"felt_believed", b"My words"):
        assert secret not in stored


async def test_an_expired_conversation_is_deleted_by_the_cleanup(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    await db.execute(update(SmsConversation).values(expires_at=utc_now() - timedelta(minutes=1)))
    await db.commit()

    assert await delete_expired(db) == 1
    assert (await text(db, settings, master_key, "4"))[0].startswith("Sorry, we could not find")


async def test_the_cleanup_job_runs_in_process_with_a_session_factory(
    settings: Settings, db: AsyncSession, master_key: bytes, sms_code: str
) -> None:
    from feedback.db.engine import create_engine, session_factory
    from feedback.sms.jobs import delete_expired_conversations

    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    await db.execute(update(SmsConversation).values(expires_at=utc_now() - timedelta(hours=1)))
    await db.commit()
    engine = create_engine(settings)
    try:
        assert await delete_expired_conversations({"sessions": session_factory(engine)}) == 1
    finally:
        await engine.dispose()


async def test_unrecognised_texts_past_the_hourly_budget_get_no_reply(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    for _ in range(settings.join_attempts_per_hour):
        assert len(await text(db, settings, master_key, "hello")) == 1

    assert await text(db, settings, master_key, "hello") == []
    assert await text(db, settings, master_key, "FEEDBACK WRONG123") == []


async def test_a_conversation_that_loops_is_ended_silently(
    db: AsyncSession, settings: Settings, master_key: bytes, sms_code: str
) -> None:
    from feedback.sms.conversation import MAX_TEXTS_PER_CONVERSATION

    await text(db, settings, master_key, f"FEEDBACK {sms_code}")
    for _ in range(MAX_TEXTS_PER_CONVERSATION):
        assert await text(db, settings, master_key, "HELP")

    assert await text(db, settings, master_key, "HELP") == []
    assert await db.scalar(select(func.count()).select_from(SmsConversation)) == 0
