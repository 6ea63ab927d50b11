"""Codes never used for pairing expire: a waiting intake row goes after the configured
months (by the worker's daily job), a pair already made stays, and a code that expired
pairs nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.db.engine import create_engine, session_factory
from feedback.outcomes.expiry import expire_waiting_pairings, last_kept_month
from feedback.outcomes.jobs import expire_pairing_codes
from feedback.outcomes.models import OutcomePairing
from feedback.settings import Settings
from feedback.worker import FUNCTIONS, cron_jobs
from tests.support.outcomes import EXIT_ANSWERS, INTAKE_ANSWERS, Surveys, keep_intake, pair

CODE = "ACDE-FGHJ-KMNP-QRTU"
OTHER = "CDEF-GHJK-MNPQ-RTUV"
EXIT_CODE = "VWXY-3467-9ACD-EFGH"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _months(db: AsyncSession) -> list[tuple[bool, str | None]]:
    rows = await db.execute(select(OutcomePairing.paired, OutcomePairing.kept_month))
    return sorted((bool(paired), month) for paired, month in rows)


def test_the_last_month_to_go_is_a_whole_period_back() -> None:
    with clock.fixed(at("2026-08-01T00:30:00")):  # 01:30 in London: August already
        assert last_kept_month(18) == "2025-01"
    with clock.fixed(at("2026-07-31T22:00:00")):
        assert last_kept_month(18) == "2024-12"
    with clock.fixed(at("2026-03-15T12:00:00")):
        assert last_kept_month(2) == "2025-12"


async def test_a_waiting_code_is_kept_the_whole_period_then_deleted(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    with clock.fixed(at("2025-01-31T12:00:00")):
        await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    assert await _months(db) == [(False, "2025-01")]
    with clock.fixed(at("2026-07-31T12:00:00")):  # 18 months after January ends
        assert await expire_waiting_pairings(db, months=18) == 0
    assert await _months(db) == [(False, "2025-01")]
    with clock.fixed(at("2026-08-01T12:00:00")):
        assert await expire_waiting_pairings(db, months=18) == 1
    assert await _months(db) == []
    # The code no longer finds an intake: an exit given it is counted alone.
    assert not await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)


async def test_a_pair_carries_no_month_and_never_expires(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    with clock.fixed(at("2025-01-10T12:00:00")):
        await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
        await keep_intake(db, surveys, OTHER, master_key, INTAKE_ANSWERS)
    with clock.fixed(at("2025-06-10T12:00:00")):
        assert await pair(db, surveys, CODE, EXIT_CODE, master_key, EXIT_ANSWERS)
    assert await _months(db) == [(False, "2025-01"), (True, None)]
    with clock.fixed(at("2030-01-01T12:00:00")):
        assert await expire_waiting_pairings(db, months=18) == 1
    assert await _months(db) == [(True, None)]


async def test_a_row_kept_before_expiry_existed_is_given_a_month_and_kept_from_then(
    db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    await db.execute(update(OutcomePairing).values(kept_month=None))  # as migrated rows
    await db.commit()
    with clock.fixed(at("2026-12-02T12:00:00")):
        assert await expire_waiting_pairings(db, months=1) == 0
    assert await _months(db) == [(False, "2026-12")]
    with clock.fixed(at("2027-02-01T12:00:00")):
        assert await expire_waiting_pairings(db, months=1) == 1


async def test_the_worker_runs_the_sweep_daily_within_the_default_job_timeout(
    db: AsyncSession, surveys: Surveys, master_key: bytes, settings: Settings
) -> None:
    with clock.fixed(at("2025-01-10T12:00:00")):
        await keep_intake(db, surveys, CODE, master_key, INTAKE_ANSWERS)
    engine = create_engine(settings)
    ctx = {
        "sessions": session_factory(engine),
        "settings": msgspec.structs.replace(settings, outcome_pairing_expiry_months=6),
    }
    try:
        with clock.fixed(at("2025-07-31T12:00:00")):
            assert await expire_pairing_codes(ctx) == 0
        with clock.fixed(at("2025-08-01T12:00:00")):
            assert await expire_pairing_codes(ctx) == 1
    finally:
        await engine.dispose()
    [job] = [c for c in cron_jobs() if c.name.endswith("expire_pairing_codes")]
    # arq applies the largest function timeout to every in-progress key: none of its own.
    assert job.timeout_s is None and expire_pairing_codes in FUNCTIONS


def test_the_setting_is_read_and_bounded() -> None:
    assert Settings().outcome_pairing_expiry_months == 18
    env = {"FEEDBACK_OUTCOME_PAIRING_EXPIRY_MONTHS": "24"}
    assert Settings.from_env(env).outcome_pairing_expiry_months == 24
