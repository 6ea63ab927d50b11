"""The end-of-support survey by text: after the welcome she may send the code she kept
from the start of support, checked like the web form's (a wrong one spends the number's
guessing budget, shared with join codes), kept only inside the sealed conversation, and
the pair counted with her answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import load_master_key
from feedback.crypto.service import rotate_keys
from feedback.db.registry import Base
from feedback.links import service as links
from feedback.outcomes.codes import normal_code
from feedback.outcomes.errors import PairingCodeUnknown
from feedback.outcomes.pairing import PAIRS_ITEM
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.sms.phrases import sms_phrase
from feedback.surveys.service import publish_surveys
from tests.factories import create_service
from tests.sms.conftest import PHONE_E164
from tests.support.outcomes import answer_outcome_survey, pair_counts

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]
WRONG = "ZZZZ-2222-ZZZZ-2222"
# The exit survey's text questions, in order: felt safer (choice), safe now (0-10), life
# satisfaction (0-10), helped cope, helped recover, overall satisfaction (choices).
EXIT_REPLIES = ("1", "8", "7", "1", "2", "1")


class Texting(msgspec.Struct):
    settings: Settings
    master_key: bytes
    join_code: str
    intake_code: str


@pytest.fixture
async def texting(client: Client, db: AsyncSession, settings: Settings) -> Texting:
    """An intake answered on the web (safe now 2, life satisfaction 3) and a join code of
    the exit survey for texting in, at two wrong codes an hour so the budget shows."""
    await publish_surveys(
        db, [ROOT / "surveys" / "service-intake.yaml", ROOT / "surveys" / "service-exit.yaml"]
    )
    await create_service(db, "Advocacy Service")
    await rotate_keys(db, settings=settings)
    intake_code = await answer_outcome_survey(
        client, db, "service-intake", {"q_safety_now": "2", "q_ons_life_satisfaction": "3"}
    )
    master_key = load_master_key(settings)
    batch = await links.create_code(
        db,
        survey_slug="service-exit",
        service_name="Advocacy Service",
        cap=50,
        channel="sms",
        base_url=settings.public_base_url,
        master_key=master_key,
    )
    return Texting(
        settings=msgspec.structs.replace(settings, join_attempts_per_hour=2),
        master_key=master_key,
        join_code=batch.codes[0].code,
        intake_code=intake_code,
    )


async def send(db: AsyncSession, texting: Texting, body: str) -> list[str]:
    reply = await handle_text(
        db, texting.settings, master_key=texting.master_key, sender=PHONE_E164, text=body
    )
    return reply.messages


async def _all_values(db: AsyncSession) -> bytes:
    """Every stored value of every table, as bytes, to look for a code in clear."""
    found: list[bytes] = []
    for table in Base.metadata.sorted_tables:
        for row in (await db.execute(select(table))).all():
            for value in row:
                found.append(bytes(value) if isinstance(value, bytes | memoryview) else b"")
                found.append(str(value).encode())
    return b"\n".join(found)


async def test_the_code_sent_by_text_pairs_the_exit_with_the_intake(
    db: AsyncSession, texting: Texting
) -> None:
    welcome, ask = await send(db, texting, f"FEEDBACK {texting.join_code}")
    assert "6 short questions" in welcome and ask == sms_phrase("pairing_ask", "en")

    kept, first = await send(db, texting, texting.intake_code.lower().replace("-", " "))
    assert kept == sms_phrase("pairing_kept", "en") and first.startswith("1. ")
    stored = await _all_values(db)
    code = normal_code(texting.intake_code).encode()
    assert code not in stored and texting.intake_code.encode() not in stored

    for reply in EXIT_REPLIES[:-1]:
        await send(db, texting, reply)
    thanks = (await send(db, texting, EXIT_REPLIES[-1]))[0]
    assert "receipt code is" in thanks

    counts = await pair_counts(db)
    assert counts[(PAIRS_ITEM, "", "")] == 1
    assert counts[("safety_now", "2", "8")] == 1
    assert counts[("ons_life_satisfaction", "3", "7")] == 1
    assert len((await db.execute(select(Response.id))).all()) == 2


async def test_a_wrong_code_is_refused_neutrally_and_can_be_corrected(
    db: AsyncSession, texting: Texting
) -> None:
    await send(db, texting, f"FEEDBACK {texting.join_code}")
    [refused] = await send(db, texting, WRONG)
    assert refused.startswith(PairingCodeUnknown().message)
    assert refused.endswith(sms_phrase("pairing_retry", "en"))
    kept, _first = await send(db, texting, texting.intake_code)
    assert kept == sms_phrase("pairing_kept", "en")


async def test_wrong_codes_spend_the_budget_join_codes_spend_then_she_goes_on_unpaired(
    db: AsyncSession, texting: Texting
) -> None:
    """Two wrong codes an hour in these settings: one wrong join code and one wrong
    pairing code use it up, so even the right code is no longer checked."""
    await send(db, texting, "FEEDBACK NOTACODE")
    await send(db, texting, f"FEEDBACK {texting.join_code}")
    await send(db, texting, WRONG)
    no_more, first = await send(db, texting, texting.intake_code)
    assert no_more == sms_phrase("pairing_no_more", "en") and first.startswith("1. ")
    for reply in EXIT_REPLIES:
        await send(db, texting, reply)
    assert await pair_counts(db) == {}
    assert len((await db.execute(select(Response.id))).all()) == 2  # counted on its own


@pytest.mark.parametrize("reply", ["SKIP", "skip"])
async def test_skip_answers_without_a_code(db: AsyncSession, texting: Texting, reply: str) -> None:
    await send(db, texting, f"FEEDBACK {texting.join_code}")
    [first] = await send(db, texting, reply)
    assert first.startswith("1. ")
    replies: list[Any] = []
    for answer in EXIT_REPLIES:
        replies = await send(db, texting, answer)
    assert "receipt code is" in replies[0]
    assert await pair_counts(db) == {}


async def test_help_at_the_code_question_asks_for_it_again(
    db: AsyncSession, texting: Texting
) -> None:
    await send(db, texting, f"FEEDBACK {texting.join_code}")
    assert await send(db, texting, "HELP") == [
        texting.settings.sms_help_reply,
        sms_phrase("pairing_ask", "en"),
    ]
