"""`feedback sms receive` and `feedback sms outbox`: a whole survey on one machine."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.cli_support import run_with_session
from feedback.db.engine import create_engine, session_factory
from feedback.links.cards import lasting_names
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.wording import subject_word
from tests.conftest import Cli, run_blocking
from tests.sms.conftest import PHONE, make_sms_code

SMS_QUESTIONS_ANSWERED = ["4"] * 7 + ["2", "5", "5", "Being listened to", "SKIP"]


def setup_code(settings: Settings) -> str:
    async def work() -> str:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                return await make_sms_code(session, settings)
        finally:
            await engine.dispose()

    return run_blocking(work())


def count_responses(settings: Settings) -> int:
    async def work() -> int:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                return int(await session.scalar(select(func.count()).select_from(Response)) or 0)
        finally:
            await engine.dispose()

    return run_blocking(work())


def test_a_tester_completes_the_survey_through_receive_and_the_outbox(
    cli: Cli, settings: Settings
) -> None:
    code = setup_code(settings)

    started = cli("sms", "receive", "--from", PHONE, f"FEEDBACK {code}")
    assert started.exit_code == 0 and "1. I felt believed." in started.output
    assert cli("sms", "receive", "--from", PHONE, "HELP").exit_code == 0
    for answer in SMS_QUESTIONS_ANSWERED[:-1]:
        assert cli("sms", "receive", "--from", PHONE, answer).exit_code == 0
    finished = cli("sms", "receive", "--from", PHONE, SMS_QUESTIONS_ANSWERED[-1])

    assert "Your receipt code is" in finished.output
    assert count_responses(settings) == 1
    outbox = cli("sms", "outbox")
    assert outbox.exit_code == 0 and "to " in outbox.output and "…3456" in outbox.output
    assert "Your receipt code is" in outbox.output and "07700" not in outbox.output
    assert "Being listened to" not in outbox.output  # inbound texts are never written
    assert settings.sms_help_reply in outbox.output
    assert subject_word(outbox.output, run_with_session(settings, lasting_names)) is None


def test_stop_through_receive_stops_all_further_replies(cli: Cli, settings: Settings) -> None:
    code = setup_code(settings)
    cli("sms", "receive", "--from", PHONE, f"FEEDBACK {code}")

    assert (
        "You will not get any more messages"
        in cli("sms", "receive", "--from", PHONE, "STOP").output
    )
    assert cli("sms", "receive", "--from", PHONE, "4").output.strip() == "(no reply)"


def test_an_empty_outbox_says_so(cli: Cli) -> None:
    result = cli("sms", "outbox")

    assert result.exit_code == 0 and "the outbox is empty" in result.output


def test_receive_from_something_that_is_not_a_number_is_one_clear_line(cli: Cli) -> None:
    result = cli("sms", "receive", "--from", "not-a-number", "hello")

    assert result.exit_code == 1 and "sender is not a phone number" in result.output
