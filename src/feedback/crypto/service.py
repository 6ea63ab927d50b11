"""Key operations: create, list, re-wrap and destroy period key pairs.

Every function commits its own work and reports labels, counts and master key ids only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import totp
from feedback.auth.audit import record_audit
from feedback.auth.models import StaffUser
from feedback.crypto.errors import MasterKeyMissing
from feedback.crypto.master import MasterKeys, create_key_file, load_master_keys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.opening import unwrap_period_key
from feedback.crypto.periods import next_period_label, period_label
from feedback.crypto.schemas import (
    KeyPeriodOut,
    KeysInitialised,
    KeysRewrapped,
    KeysRotated,
    PeriodDestroyed,
)
from feedback.crypto.wrapping import new_key_pair, wrap_private_key
from feedback.db.base import utc_now
from feedback.errors import NotFound
from feedback.settings import Settings

__all__ = [
    "count_wrapped_secrets",
    "destroy_period",
    "init_keys",
    "list_key_periods",
    "rewrap_keys",
    "rotate_keys",
]

Progress = Callable[[int], None]
_BATCH = 100


async def init_keys(
    session: AsyncSession, *, settings: Settings, now: datetime | None = None
) -> KeysInitialised:
    """Make the master key file if none is configured, then this and the next period's keys."""
    created_file = False
    if not settings.master_key:
        assert settings.key_file is not None
        created_file = create_key_file(settings.key_file)
    master_keys = load_master_keys(settings)
    periods = await rotate_keys(session, settings=settings, now=now)
    return KeysInitialised(
        master_key_source="environment" if settings.master_key else "key file",
        key_file=None if settings.master_key else str(settings.key_file),
        key_file_created=created_file,
        master_key_ids=list(master_keys.by_id),
        periods=periods,
    )


async def rotate_keys(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> KeysRotated:
    """Give the current and the next period a key pair unless they have a live one.

    The next period's pair is made ahead so intake never meets a period boundary without a
    sealing key. Idempotent: concurrent runs create each pair once (a unique index decides).
    """
    master_keys = load_master_keys(settings)
    moment = now or utc_now()
    labels = _labels_ahead(moment, settings.key_period)
    created: list[str] = []
    existing: list[str] = []
    for label in labels:
        made = await _create_period(session, label, master_keys, actor_id=actor_id)
        (created if made else existing).append(label)
    return KeysRotated(created=created, existing=existing, master_key_id=master_keys.current_id)


def _labels_ahead(moment: datetime, kind: str) -> list[str]:
    """The periods that need a sealing key now: the current one and the next."""
    return [period_label(moment, kind), next_period_label(moment, kind)]


async def _create_period(
    session: AsyncSession, label: str, master_keys: MasterKeys, *, actor_id: int | None
) -> bool:
    live = select(KeyPeriod.id).where(KeyPeriod.label == label, KeyPeriod.destroyed_at.is_(None))
    if await session.scalar(live) is not None:
        return False
    private_key, public_key = new_key_pair()
    session.add(
        KeyPeriod(
            label=label,
            public_key=public_key,
            private_key_wrapped=wrap_private_key(
                master_keys.current, private_key, label=label, public_key=public_key
            ),
            master_key_id=master_keys.current_id,
        )
    )
    record_audit(
        session, "keys.create", actor_id=actor_id, target_type="key_period", target_id=label
    )
    try:
        await session.commit()
    except IntegrityError:  # another process created it between our check and our insert
        await session.rollback()
        return False
    return True


async def list_key_periods(
    session: AsyncSession, *, settings: Settings, now: datetime | None = None
) -> list[KeyPeriodOut]:
    """Every key pair, newest period first, with its status and wrapping master key id."""
    configured = set(load_master_keys(settings).by_id)
    current = period_label(now or utc_now(), settings.key_period)
    rows = await session.scalars(
        select(KeyPeriod).order_by(KeyPeriod.label.desc(), KeyPeriod.id.desc())
    )
    return [
        KeyPeriodOut(
            label=row.label,
            status=_status(row, current),
            master_key_id=row.master_key_id,
            master_key_configured=row.master_key_id in configured,
            created_at=row.created_at,
            destroyed_at=row.destroyed_at,
        )
        for row in rows
    ]


def _status(row: KeyPeriod, current: str) -> str:
    if row.destroyed_at is not None:
        return "destroyed"
    if row.label == current:
        return "current"
    return "upcoming" if row.label > current else "past"


async def count_wrapped_secrets(session: AsyncSession) -> int:
    """How many items `rewrap_keys` will visit: live private keys plus sealed TOTP secrets."""
    periods = await session.scalar(
        select(func.count())
        .select_from(KeyPeriod)
        .where(KeyPeriod.private_key_wrapped.is_not(None))
    )
    secrets = await session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.totp_secret_sealed.is_not(None))
    )
    return int(periods or 0) + int(secrets or 0)


async def rewrap_keys(
    session: AsyncSession,
    *,
    settings: Settings,
    progress: Progress | None = None,
    actor_id: int | None = None,
) -> KeysRewrapped:
    """Re-wrap every period private key and re-seal every TOTP secret under the current key.

    No response is re-encrypted. Checks first that every wrapping master key is configured,
    so it never stops half-way for that reason; each update applies only if the row is
    unchanged since it was read, so a concurrent destroy or enrolment is never undone.
    Commits in batches; running it again after an interruption finishes the job.
    """
    master_keys = load_master_keys(settings)
    step = progress or (lambda _count: None)
    periods = list(
        await session.scalars(select(KeyPeriod).where(KeyPeriod.private_key_wrapped.is_not(None)))
    )
    missing = sorted({row.label for row in periods if row.master_key_id not in master_keys.by_id})
    if missing:
        raise MasterKeyMissing(
            f"periods {', '.join(missing)} are wrapped by a master key that is not configured; "
            "add it back (after the current one) and run rewrap again"
        )
    period_counts = await _rewrap_periods(session, periods, master_keys, step)
    secret_counts = await _reseal_totp_secrets(session, master_keys, step)
    record_audit(
        session,
        "keys.rewrap",
        actor_id=actor_id,
        target_type="master_key",
        target_id=master_keys.current_id,
    )
    await session.commit()
    return KeysRewrapped(
        master_key_id=master_keys.current_id,
        periods_rewrapped=period_counts[0],
        periods_already_current=period_counts[1],
        secrets_rewrapped=secret_counts[0],
        secrets_already_current=secret_counts[1],
        secrets_unreadable=secret_counts[2],
    )


async def _rewrap_periods(
    session: AsyncSession, periods: list[KeyPeriod], master_keys: MasterKeys, step: Progress
) -> tuple[int, int]:
    rewrapped = already = 0
    for number, row in enumerate(periods, start=1):
        if row.master_key_id == master_keys.current_id:
            already += 1
        else:
            opening_key = unwrap_period_key(row, master_keys)
            wrapped = wrap_private_key(
                master_keys.current,
                opening_key.private_key,
                label=row.label,
                public_key=row.public_key,
            )
            result = await session.execute(
                update(KeyPeriod)
                .where(
                    KeyPeriod.id == row.id, KeyPeriod.private_key_wrapped == row.private_key_wrapped
                )
                .values(private_key_wrapped=wrapped, master_key_id=master_keys.current_id)
                .execution_options(synchronize_session=False)
            )
            rewrapped += result.rowcount  # type: ignore[attr-defined]
        step(1)
        if number % _BATCH == 0:
            await session.commit()
    await session.commit()
    return rewrapped, already


async def _reseal_totp_secrets(
    session: AsyncSession, master_keys: MasterKeys, step: Progress
) -> tuple[int, int, int]:
    resealed = already = unreadable = 0
    rows = (
        await session.execute(
            select(StaffUser.id, StaffUser.totp_secret_sealed)
            .where(StaffUser.totp_secret_sealed.is_not(None))
            .order_by(StaffUser.id)
        )
    ).all()
    for number, (user_id, sealed) in enumerate(rows, start=1):
        assert sealed is not None  # the query selects only sealed secrets
        if totp.open_secret(master_keys.current, sealed) is not None:
            already += 1
        elif (secret := totp.open_secret(master_keys.keys, sealed)) is None:
            unreadable += 1
        else:
            result = await session.execute(
                update(StaffUser)
                .where(StaffUser.id == user_id, StaffUser.totp_secret_sealed == sealed)
                .values(totp_secret_sealed=totp.seal_secret(master_keys.current, secret))
                .execution_options(synchronize_session=False)
            )
            resealed += result.rowcount  # type: ignore[attr-defined]
        step(1)
        if number % _BATCH == 0:
            await session.commit()
    await session.commit()
    return resealed, already, unreadable


async def destroy_period(
    session: AsyncSession,
    label: str,
    *,
    settings: Settings,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> PeriodDestroyed:
    """Delete a period's private key: its responses become unreadable for good (retention).

    Only the wrapped private key goes; the row, its responses and every counter stay. If the
    period is current or next, it gets a fresh key pair at once so intake keeps working.
    """
    moment = now or utc_now()
    label = label.strip().upper()  # "2026-q4" names the same period as "2026-Q4"
    rows = list(await session.scalars(select(KeyPeriod).where(KeyPeriod.label == label)))
    if not rows:
        raise NotFound(f"no key period {label!r}; `feedback keys list` shows them")
    live = [row for row in rows if row.destroyed_at is None]
    if not live:
        last = max(row.destroyed_at for row in rows if row.destroyed_at is not None)
        return PeriodDestroyed(
            label=label, destroyed_at=last, already_destroyed=True, replaced=False
        )
    for row in live:
        row.private_key_wrapped = None
        row.master_key_id = None
        row.destroyed_at = moment
    record_audit(
        session, "keys.destroy", actor_id=actor_id, target_type="key_period", target_id=label
    )
    await session.commit()
    replaced = label in _labels_ahead(moment, settings.key_period)
    if replaced:
        await rotate_keys(session, settings=settings, now=moment, actor_id=actor_id)
    return PeriodDestroyed(
        label=label, destroyed_at=moment, already_destroyed=False, replaced=replaced
    )
