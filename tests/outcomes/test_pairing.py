"""Pairing an intake with an exit by the intake's receipt code: what is counted, once, and
taken back when either side is withdrawn."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.errors import TooManyAttempts
from feedback.outcomes.errors import PairingCodeUnknown
from feedback.outcomes.models import OutcomePairing
from feedback.outcomes.pairing import PAIRS_ITEM, check_pairing_code, withdraw_pairing
from tests.support.outcomes import (
    EXIT_ANSWERS,
    INTAKE_ANSWERS,
    Surveys,
    keep_intake,
    pair,
    pair_counts,
)

CODE = "ACDE-FGHJ-KMNP-QRTU"
EXIT_CODE = "VWXY-3467-9ACD-EFGH"


async def pairings(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(OutcomePairing)) or 0)


async def test_exit_with_the_intake_code_counts_each_item_answered_at_both_ends(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)
    assert await pair_counts(db) == {
        (PAIRS_ITEM, "", ""): 1,
        ("safety_now", "2", "8"): 1,
        ("abuse_physical", "yes", "stopped"): 1,
        ("ons_anxious_yesterday", "9", "3"): 1,
    }


async def test_the_code_may_be_typed_in_any_case_and_grouping(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    typed = CODE.lower().replace("-", " ")
    assert await pair(db, surveys, typed, EXIT_CODE, master_key, EXIT_ANSWERS)


async def test_an_unknown_code_pairs_nothing_and_the_exit_still_counts_alone(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert not await pair(db, surveys, EXIT_CODE, CODE, master_key, EXIT_ANSWERS)
    assert await pair_counts(db) == {}


async def test_a_code_pairs_once(db: AsyncSession, surveys: Surveys, master_key: bytes) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)
    assert not await pair(db, surveys, CODE, "CDEF-GHJK-MNPQ-RTUV", master_key, EXIT_ANSWERS)
    assert (await pair_counts(db))[(PAIRS_ITEM, "", "")] == 1


async def test_a_pair_rolled_back_with_its_exit_leaves_the_intake_waiting(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    """Counted in the exit response's transaction: if that fails, nothing of the pair stays."""
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS, commit=False)
    await db.rollback()
    assert await pair_counts(db) == {}
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)


@pytest.mark.parametrize("withdrawn", ["intake", "exit"])
async def test_withdrawing_either_side_takes_the_pair_back_and_deletes_the_link(
    db: AsyncSession, surveys: Surveys, master_key: bytes, withdrawn: str
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    await keep_intake(db, surveys, "MNPQ-RTUV-WXY3-4679", master_key, INTAKE_ANSWERS)
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)
    assert await pair(db, surveys, "MNPQ-RTUV-WXY3-4679", "3467-9ACD-EFGH-JKMN", master_key, {})
    code = CODE if withdrawn == "intake" else EXIT_CODE
    assert await withdraw_pairing(await db.connection(), code, master_keys=[master_key])
    await db.commit()
    assert await pair_counts(db) == {(PAIRS_ITEM, "", ""): 1}
    assert await pairings(db) == 1
    assert not await withdraw_pairing(await db.connection(), code, master_keys=[master_key])


async def test_withdrawing_the_intake_before_exit_means_nothing_can_pair(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert await withdraw_pairing(await db.connection(), CODE, master_keys=[master_key])
    await db.commit()
    assert await pairings(db) == 0
    assert not await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)


async def test_a_pairing_kept_under_an_older_master_key_still_pairs(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    newer = bytes(32)
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS, newer_keys=(newer,))
    assert await withdraw_pairing(await db.connection(), EXIT_CODE, master_keys=[newer])


async def test_a_used_code_is_still_known_but_pairs_nothing_again(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    """A form sent again after its thank-you page was lost must not be refused."""
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)
    await check_pairing_code(db, CODE, master_keys=[master_key], client="c", attempts_per_hour=5)
    assert not await pair(db, surveys, CODE, "CDEF-GHJK-MNPQ-RTUV", master_key, EXIT_ANSWERS)


async def test_a_withdrawn_intake_code_is_unknown(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    await check_pairing_code(db, CODE, master_keys=[master_key], client="c", attempts_per_hour=5)
    assert await withdraw_pairing(await db.connection(), CODE, master_keys=[master_key])
    await db.commit()
    with pytest.raises(PairingCodeUnknown):
        await check_pairing_code(
            db, CODE, master_keys=[master_key], client="c", attempts_per_hour=5
        )


async def test_wrong_codes_use_up_the_guessing_budget(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    for attempt in range(3):
        with pytest.raises(PairingCodeUnknown):
            await check_pairing_code(
                db, f"WRONG-{attempt}", master_keys=[master_key], client="c", attempts_per_hour=3
            )
    with pytest.raises(TooManyAttempts):
        await check_pairing_code(
            db, CODE, master_keys=[master_key], client="c", attempts_per_hour=3
        )
