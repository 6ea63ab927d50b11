"""Pairing outlives a master-key rotation: an intake code issued under the old key still
pairs an exit sent once a new key comes first, on the web form and by text, and
withdrawing it still takes the pair back."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.links import service as links
from feedback.outcomes.errors import PairingCodeUnknown
from feedback.outcomes.pairing import PAIRS_ITEM
from feedback.responses.receipts import request_withdrawal
from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.sms.phrases import sms_phrase
from tests.support.outcomes import Surveys, answer_outcome_survey, new_link, pair_counts
from tests.support.responses import csrf_token, hidden
from tests.support.rotation import rotated

Client = AsyncTestClient[Litestar]
INTAKE_FORM = {"q_safety_now": "3", "q_abuse_present_online": "yes"}
EXIT_FORM = {"q_safety_now": "7", "q_abuse_change_online": "reduced", "q_helped_cope": "no"}
SENDER = "+447700900321"
EXIT_REPLIES = ("1", "8", "7", "1", "2", "1")  # the exit survey's text questions, in order


async def test_an_intake_code_from_before_rotation_pairs_an_exit_on_the_web(
    client: Client, db: AsyncSession, settings: Settings, surveys: Surveys
) -> None:
    code = await answer_outcome_survey(client, db, "service-intake", INTAKE_FORM)
    after, _new, _old = rotated(settings)
    async with AsyncTestClient(app=create_app(after), base_url="http://127.0.0.1:8000") as later:
        await later.get(f"/s/{await new_link(db, 'service-exit')}")
        consent = await later.get("/s")
        page = await later.post(
            "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
        )
        sent = await later.post(
            "/s/answers",
            data={
                "_csrf_token": csrf_token(page.text),
                "form_nonce": hidden(page.text, "form_nonce"),
                "entry": hidden(page.text, "entry"),
                "pairing_code": code,
                **EXIT_FORM,
            },
        )
    assert PairingCodeUnknown().message not in sent.text
    assert sent.status_code == 200
    assert (await pair_counts(db)).get((PAIRS_ITEM, "", "")) == 1


async def test_an_intake_code_from_before_rotation_pairs_an_exit_by_text(
    client: Client, db: AsyncSession, settings: Settings, surveys: Surveys
) -> None:
    code = await answer_outcome_survey(client, db, "service-intake", INTAKE_FORM)
    after, new, old = rotated(settings)
    batch = await links.create_code(
        db,
        survey_slug="service-exit",
        service_name="Advocacy Service",
        cap=5,
        channel="sms",
        base_url=after.public_base_url,
        master_key=new,
    )

    async def send(text: str) -> list[str]:
        reply = await handle_text(
            db, after, master_key=new, older_keys=[old], sender=SENDER, text=text
        )
        return reply.messages

    await send(f"FEEDBACK {batch.codes[0].code}")
    assert (await send(code))[0] == sms_phrase("pairing_kept", "en")
    for answer in EXIT_REPLIES:
        replies = await send(answer)
    assert "receipt code is" in replies[0]
    assert (await pair_counts(db)).get((PAIRS_ITEM, "", "")) == 1


async def test_withdrawing_an_intake_paired_before_rotation_takes_the_pair_back(
    client: Client, db: AsyncSession, settings: Settings, surveys: Surveys
) -> None:
    code = await answer_outcome_survey(client, db, "service-intake", INTAKE_FORM)
    await answer_outcome_survey(client, db, "service-exit", {**EXIT_FORM, "pairing_code": code})
    assert (await pair_counts(db)).get((PAIRS_ITEM, "", "")) == 1
    _after, new, old = rotated(settings)
    await request_withdrawal(db, code, master_keys=[new, old], client="c", attempts_per_hour=20)
    assert await pair_counts(db) == {}
