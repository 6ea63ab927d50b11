"""Key periods in the database, on SQLite and PostgreSQL: create, open, destroy, re-wrap."""

from __future__ import annotations

import asyncio
import base64
import secrets
from datetime import UTC, datetime

import msgspec
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import totp
from feedback.auth.models import StaffUser
from feedback.crypto import service
from feedback.crypto.errors import MasterKeyMissing, NoSealingKey, PeriodKeyDestroyed
from feedback.crypto.master import load_master_keys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.opening import load_opening_key, open_sealed
from feedback.crypto.sealing import current_sealing_key, response_associated_data, seal
from feedback.db.engine import create_engine, session_factory
from feedback.errors import NotFound
from feedback.settings import Settings
from tests.factories import create_staff

AUTUMN = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
WINTER = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
SPRING = datetime(2027, 4, 2, 12, 0, tzinfo=UTC)
AD = response_associated_data(1, 1)


def with_master_keys(settings: Settings, *keys: str) -> Settings:
    return msgspec.structs.replace(settings, master_key=",".join(keys))


def key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


async def seal_now(
    db: AsyncSession, settings: Settings, text: bytes, now: datetime
) -> tuple[int, bytes]:
    key = await current_sealing_key(db, period_kind=settings.key_period, now=now)
    return key.period_id, seal(key.public_key, text, AD)


async def open_blob(db: AsyncSession, settings: Settings, period_id: int, blob: bytes) -> bytes:
    key = await load_opening_key(db, period_id, master_keys=load_master_keys(settings))
    return open_sealed(key, blob, AD)


async def test_init_creates_this_and_the_next_period(db: AsyncSession, settings: Settings) -> None:
    done = await service.init_keys(db, settings=settings, now=AUTUMN)
    assert done.periods.created == ["2026-Q4", "2027-Q1"]
    assert not done.key_file_created  # the fixture made it
    again = await service.init_keys(db, settings=settings, now=AUTUMN)
    assert again.periods.created == [] and again.periods.existing == ["2026-Q4", "2027-Q1"]


async def test_rotate_is_idempotent_per_period(db: AsyncSession, settings: Settings) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    later = await service.rotate_keys(db, settings=settings, now=WINTER)
    assert later.created == ["2027-Q2"] and later.existing == ["2027-Q1"]
    labels = await db.scalars(select(KeyPeriod.label).order_by(KeyPeriod.label))
    assert list(labels) == ["2026-Q4", "2027-Q1", "2027-Q2"]


async def test_sealed_text_opens_through_the_database(db: AsyncSession, settings: Settings) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    period_id, blob = await seal_now(db, settings, b"kind staff", AUTUMN)
    assert await open_blob(db, settings, period_id, blob) == b"kind staff"


async def test_without_a_key_pair_nothing_is_sealed(db: AsyncSession, settings: Settings) -> None:
    with pytest.raises(NoSealingKey, match="2026-Q4"):
        await current_sealing_key(db, period_kind="quarter", now=AUTUMN)


async def test_wrapped_private_keys_never_hold_the_raw_key(
    db: AsyncSession, settings: Settings
) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    for row in await db.scalars(select(KeyPeriod)):
        assert row.private_key_wrapped is not None
        raw = (
            await load_opening_key(db, row.id, master_keys=load_master_keys(settings))
        ).private_key
        raw_bytes = raw.private_bytes_raw()
        assert row.private_key_wrapped != raw_bytes
        assert raw_bytes not in row.private_key_wrapped
        assert row.master_key_id == load_master_keys(settings).current_id


async def test_destroy_makes_only_that_periods_blobs_unopenable(
    db: AsyncSession, settings: Settings
) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    await service.rotate_keys(db, settings=settings, now=SPRING)
    old_id, old_blob = await seal_now(db, settings, b"autumn answer", AUTUMN)
    new_id, new_blob = await seal_now(db, settings, b"spring answer", SPRING)
    done = await service.destroy_period(db, "2026-Q4", settings=settings, now=SPRING)
    assert not done.replaced and not done.already_destroyed
    with pytest.raises(PeriodKeyDestroyed, match="2026-Q4"):
        await open_blob(db, settings, old_id, old_blob)
    assert await open_blob(db, settings, new_id, new_blob) == b"spring answer"
    row = await db.get(KeyPeriod, old_id, populate_existing=True)
    assert row is not None and row.private_key_wrapped is None and row.destroyed_at is not None


async def test_destroying_again_reports_it_was_done(db: AsyncSession, settings: Settings) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    await service.destroy_period(db, "2026-Q4", settings=settings, now=SPRING)
    again = await service.destroy_period(db, "2026-Q4", settings=settings, now=SPRING)
    assert again.already_destroyed


async def test_destroying_an_unknown_period_is_not_found(
    db: AsyncSession, settings: Settings
) -> None:
    with pytest.raises(NotFound):
        await service.destroy_period(db, "1999-Q1", settings=settings, now=AUTUMN)


async def test_destroying_the_current_period_gives_it_a_fresh_pair(
    db: AsyncSession, settings: Settings
) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    old_id, old_blob = await seal_now(db, settings, b"before", AUTUMN)
    done = await service.destroy_period(db, "2026-Q4", settings=settings, now=AUTUMN)
    assert done.replaced
    new_id, new_blob = await seal_now(db, settings, b"after", AUTUMN)
    assert new_id != old_id
    assert await open_blob(db, settings, new_id, new_blob) == b"after"
    with pytest.raises(PeriodKeyDestroyed):
        await open_blob(db, settings, old_id, old_blob)


async def test_list_shows_status_and_master_key_but_no_key_material(
    db: AsyncSession, settings: Settings
) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    await service.rotate_keys(db, settings=settings, now=SPRING)
    await service.destroy_period(db, "2026-Q4", settings=settings, now=SPRING)
    rows = await service.list_key_periods(db, settings=settings, now=SPRING)
    assert [(r.label, r.status) for r in rows] == [
        ("2027-Q3", "upcoming"),
        ("2027-Q2", "current"),
        ("2027-Q1", "past"),
        ("2026-Q4", "destroyed"),
    ]
    current_id = load_master_keys(settings).current_id
    assert [r.master_key_id for r in rows] == [current_id] * 3 + [None]
    assert all(
        isinstance(v, (str, bool, datetime, type(None)))
        for r in rows
        for v in msgspec.structs.astuple(r)
    )


async def test_rewrap_moves_everything_to_a_new_master_key(
    db: AsyncSession, settings: Settings
) -> None:
    old, new = key_text(), key_text()
    before = with_master_keys(settings, old)
    await service.rotate_keys(db, settings=before, now=AUTUMN)
    period_id, blob = await seal_now(db, before, b"still readable", AUTUMN)
    staff = await create_staff(db)
    sealed_secret = totp.seal_secret(load_master_keys(before).current, "JBSWY3DPEHPK3PXP")
    await db.execute(
        update(StaffUser).where(StaffUser.id == staff.id).values(totp_secret_sealed=sealed_secret)
    )
    await db.commit()

    both = with_master_keys(settings, new, old)
    done = await service.rewrap_keys(db, settings=both)
    assert (done.periods_rewrapped, done.secrets_rewrapped, done.secrets_unreadable) == (2, 1, 0)

    after = with_master_keys(settings, new)
    assert await open_blob(db, after, period_id, blob) == b"still readable"
    resealed = await db.scalar(select(StaffUser.totp_secret_sealed).where(StaffUser.id == staff.id))
    assert resealed is not None
    assert totp.open_secret(load_master_keys(after).keys, resealed) == "JBSWY3DPEHPK3PXP"
    again = await service.rewrap_keys(db, settings=after)
    assert (again.periods_already_current, again.secrets_already_current) == (2, 1)


async def test_rewrap_refuses_when_a_wrapping_key_is_missing(
    db: AsyncSession, settings: Settings
) -> None:
    old, new = key_text(), key_text()
    await service.rotate_keys(db, settings=with_master_keys(settings, old), now=AUTUMN)
    with pytest.raises(MasterKeyMissing, match="2026-Q4"):
        await service.rewrap_keys(db, settings=with_master_keys(settings, new))
    with pytest.raises(MasterKeyMissing, match="not configured"):
        period_id = await db.scalar(select(KeyPeriod.id).limit(1))
        assert period_id is not None
        await load_opening_key(
            db, period_id, master_keys=load_master_keys(with_master_keys(settings, new))
        )


async def test_rewrap_counts_what_it_will_visit(db: AsyncSession, settings: Settings) -> None:
    await service.rotate_keys(db, settings=settings, now=AUTUMN)
    assert await service.count_wrapped_secrets(db) == 2
    await service.destroy_period(db, "2026-Q4", settings=settings, now=SPRING)
    assert await service.count_wrapped_secrets(db) == 1


async def test_concurrent_rotations_create_each_pair_once(settings: Settings, backend: str) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite has one writer: rotations cannot overlap there")
    engine = create_engine(settings)
    try:
        sessions = session_factory(engine)
        async with sessions() as first, sessions() as second:
            results = await asyncio.gather(
                service.rotate_keys(first, settings=settings, now=AUTUMN),
                service.rotate_keys(second, settings=settings, now=AUTUMN),
            )
        async with sessions() as check:
            labels = list(await check.scalars(select(KeyPeriod.label).order_by(KeyPeriod.label)))
    finally:
        await engine.dispose()
    assert labels == ["2026-Q4", "2027-Q1"]
    assert sorted(results[0].created + results[1].created) == ["2026-Q4", "2027-Q1"]
