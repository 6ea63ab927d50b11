"""Pairing through the real web journey: the code field at the top of the exit form, a
wrong code refused before anything is stored, and withdrawal taking the pair back."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.outcomes.pairing import PAIRS_ITEM
from feedback.responses.models import Response
from feedback.responses.receipts import request_withdrawal
from tests.support.outcomes import Surveys, answer_outcome_survey, new_link, pair_counts
from tests.support.responses import csrf_token, hidden

Client = AsyncTestClient[Litestar]
INTAKE_FORM = {"q_safety_now": "3", "q_abuse_present_online": "yes"}
EXIT_FORM = {"q_safety_now": "7", "q_abuse_change_online": "reduced", "q_helped_cope": "no"}


async def _form_page(client: Client, db: AsyncSession, slug: str) -> str:
    await client.get(f"/s/{await new_link(db, slug)}")
    consent = await client.get("/s")
    page = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(consent.text), "choice": "agree"}
    )
    return page.text


async def _responses(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Response)) or 0)


async def test_the_exit_form_asks_for_the_code_before_any_question(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    page = await _form_page(client, db, "service-exit")
    assert 'name="pairing_code"' in page
    assert page.index('name="pairing_code"') < page.index('name="q_felt_safer_v2"')
    assert 'name="pairing_code"' not in await _form_page(client, db, "service-intake")


async def test_a_wrong_code_is_refused_on_the_form_and_nothing_is_stored(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    page = await _form_page(client, db, "service-exit")
    sent = await client.post(
        "/s/answers",
        data={
            "_csrf_token": csrf_token(page),
            "form_nonce": hidden(page, "form_nonce"),
            "entry": hidden(page, "entry"),
            "pairing_code": "YXWV-UTRQ-PNMK-JHGF",
            **EXIT_FORM,
        },
    )
    assert sent.status_code == 400
    assert "This code does not match a survey from when your support started." in sent.text
    assert 'value="YXWV-UTRQ-PNMK-JHGF"' in sent.text
    assert await _responses(db) == 0


async def test_an_exit_without_a_code_is_stored_unpaired(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    await answer_outcome_survey(client, db, "service-intake", INTAKE_FORM)
    await answer_outcome_survey(client, db, "service-exit", EXIT_FORM)
    assert await _responses(db) == 2
    assert await pair_counts(db) == {}


async def test_withdrawing_the_intake_by_its_receipt_code_takes_the_pair_back(
    client: Client, db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    code = await answer_outcome_survey(client, db, "service-intake", INTAKE_FORM)
    form = {**EXIT_FORM, "pairing_code": code}
    await answer_outcome_survey(client, db, "service-exit", form)
    assert await pair_counts(db) == {
        (PAIRS_ITEM, "", ""): 1,
        ("safety_now", "3", "7"): 1,
        ("abuse_online", "yes", "reduced"): 1,
    }
    await request_withdrawal(db, code, master_keys=[master_key], client="c", attempts_per_hour=20)
    assert await pair_counts(db) == {}


async def test_the_zero_to_ten_scales_offer_zero_with_its_label(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    page = await _form_page(client, db, "service-intake")
    assert 'name="q_safety_now" value="0"' in page and "0 – Not at all safe" in page
    assert 'name="q_safety_now" value="10"' in page and "10 – Completely safe" in page
