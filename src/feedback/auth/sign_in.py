"""Signing staff in: password, second factor, browser sessions, and slowing down guessing.

Failed checks are counted per account for an hour; past the limit the account answers
"try later" instead of checking, so guessing is slow but nobody can lock a colleague out
for good.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import totp
from feedback.auth.accounts import as_staff, normalise_email
from feedback.auth.audit import record_audit
from feedback.auth.errors import AuthError, TooManyAttempts
from feedback.auth.models import RecoveryCode, SignInFailure, StaffSession, StaffUser
from feedback.auth.passwords import hash_password, needs_rehash, verify_password
from feedback.auth.schemas import PasswordSignIn, Staff, TwoFactorSetup
from feedback.db.base import utc_now
from feedback.errors import Forbidden, InvalidInput

THROTTLE_WINDOW = timedelta(hours=1)
# One master key, or every configured one with the current first: secrets are sealed under
# the current key and opened with whichever key sealed them.
MasterKeyring = bytes | Sequence[bytes]


def current_key(master_key: MasterKeyring) -> bytes:
    return master_key if isinstance(master_key, bytes) else master_key[0]


_LAST_SEEN_GRANULARITY = timedelta(seconds=60)


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def session_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def check_throttle(session: AsyncSession, key: str, *, limit: int) -> None:
    """Raise TooManyAttempts when `limit` checks failed for this account within the hour."""
    since = utc_now() - THROTTLE_WINDOW
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(SignInFailure.at)).where(
                SignInFailure.account_key == key, SignInFailure.at > since
            )
        )
    ).one()
    if count >= limit:
        retry = int((oldest + THROTTLE_WINDOW - utc_now()).total_seconds()) + 1
        raise TooManyAttempts(max(retry, 1))


async def _record_failure(session: AsyncSession, key: str, user_id: int | None) -> None:
    session.add(SignInFailure(account_key=key))
    record_audit(session, "sign_in.failed", actor_id=user_id)
    await session.commit()


async def sign_in_with_password(
    session: AsyncSession, *, email: str, password: str, attempts_per_hour: int
) -> PasswordSignIn:
    """Check email and password and open a new session that may still need a second factor."""
    key = account_key(email)
    await check_throttle(session, key, limit=attempts_per_hour)
    try:
        address = normalise_email(email)
    except InvalidInput:
        address = ""
    user = await session.scalar(select(StaffUser).where(StaffUser.email == address))
    active = user if user is not None and user.is_active else None
    if not await verify_password(active.password_hash if active else None, password):
        await _record_failure(session, key, active.id if active else None)
        raise AuthError("The email address or password is not right.")
    assert active is not None
    if needs_rehash(active.password_hash):
        active.password_hash = await hash_password(password)
    enrolled = active.totp_confirmed_at is not None
    next_step = "two_factor" if enrolled else "two_factor_setup"
    secret = await _open_session(session, active.id, two_factor_done=False)
    record_audit(session, "sign_in.password", actor_id=active.id)
    await session.commit()
    return PasswordSignIn(session_secret=secret, next_step=next_step)


async def _open_session(session: AsyncSession, user_id: int, *, two_factor_done: bool) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(
        StaffSession(id=session_id(secret), user_id=user_id, two_factor_done=two_factor_done)
    )
    return secret


class SessionView:
    """A resolved browser session: the staff member and whether both factors are done."""

    def __init__(self, staff: Staff, secret: str, two_factor_done: bool) -> None:
        self.staff = staff
        self.secret = secret
        self.two_factor_done = two_factor_done


async def resolve_session(
    session: AsyncSession, secret: str, *, idle: timedelta
) -> SessionView | None:
    """The live session for a cookie secret; an idle or unknown one is None (and is removed)."""
    row = await session.get(StaffSession, session_id(secret))
    if row is None:
        return None
    now = utc_now()
    user = await session.get(StaffUser, row.user_id)
    if now - row.last_seen_at > idle or user is None or not user.is_active:
        await session.delete(row)
        await session.commit()
        return None
    if now - row.last_seen_at > _LAST_SEEN_GRANULARITY:
        row.last_seen_at = now
        await session.commit()
    return SessionView(as_staff(user), secret, row.two_factor_done)


async def end_session(session: AsyncSession, secret: str) -> None:
    row = await session.get(StaffSession, session_id(secret))
    if row is not None:
        record_audit(session, "sign_out", actor_id=row.user_id)
        await session.delete(row)
        await session.commit()


async def end_all_sessions(session: AsyncSession, user_id: int) -> None:
    """Sign out everywhere: every browser session of this account ends."""
    await session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    record_audit(session, "sign_out.everywhere", actor_id=user_id)
    await session.commit()


async def begin_two_factor_setup(
    session: AsyncSession, view: SessionView, *, master_key: MasterKeyring
) -> TwoFactorSetup:
    """Start enrolment (again, while unconfirmed); the secret is kept sealed until a code
    confirms it. A confirmed second factor is never replaced here: this runs on a GET."""
    user = await _user(session, view)
    if user.totp_confirmed_at is not None:
        raise Forbidden("Two-factor sign-in is already set up.")
    secret = totp.new_secret()
    user.totp_secret_sealed = totp.seal_secret(current_key(master_key), secret)
    user.totp_confirmed_at = None
    await session.commit()
    uri = totp.provisioning_uri(secret, user.email)
    return TwoFactorSetup(secret=secret, uri=uri, qr_svg=totp.qr_svg(uri))


async def pending_setup(
    session: AsyncSession, view: SessionView, *, master_key: MasterKeyring
) -> TwoFactorSetup | None:
    """The enrolment already under way for this account, to show again after a wrong code."""
    user = await _user(session, view)
    if user.totp_secret_sealed is None or user.totp_confirmed_at is not None:
        return None
    secret = totp.open_secret(master_key, user.totp_secret_sealed)
    if secret is None:
        return None
    uri = totp.provisioning_uri(secret, user.email)
    return TwoFactorSetup(secret=secret, uri=uri, qr_svg=totp.qr_svg(uri))


async def confirm_two_factor_setup(
    session: AsyncSession,
    view: SessionView,
    code: str,
    *,
    master_key: MasterKeyring,
    attempts_per_hour: int,
) -> tuple[str, list[str]]:
    """Confirm enrolment with a current code; returns a fresh session and recovery codes."""
    user = await _user(session, view)
    key = account_key(user.email)
    await check_throttle(session, key, limit=attempts_per_hour)
    secret = (
        totp.open_secret(master_key, user.totp_secret_sealed) if user.totp_secret_sealed else None
    )
    step = totp.matching_step(secret, code, after_step=user.totp_last_step) if secret else None
    if step is None:
        await _record_failure(session, key, user.id)
        raise AuthError("That code is not right. Check the time on your phone and try again.")
    user.totp_last_step = step
    user.totp_confirmed_at = utc_now()
    codes = totp.new_recovery_codes()
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=totp.hash_code(c)) for c in codes)
    record_audit(session, "two_factor.enrol", actor_id=user.id)
    new_secret = await _rotate_session(session, view, two_factor_done=True)
    await session.commit()
    return new_secret, codes


async def verify_second_factor(
    session: AsyncSession,
    view: SessionView,
    code: str,
    *,
    master_key: MasterKeyring,
    attempts_per_hour: int,
) -> str:
    """Accept a current TOTP code or an unused recovery code; returns the new session secret."""
    user = await _user(session, view)
    key = account_key(user.email)
    await check_throttle(session, key, limit=attempts_per_hour)
    secret = (
        totp.open_secret(master_key, user.totp_secret_sealed) if user.totp_secret_sealed else None
    )
    step = totp.matching_step(secret, code, after_step=user.totp_last_step) if secret else None
    if step is not None:
        user.totp_last_step = step
        record_audit(session, "sign_in.two_factor", actor_id=user.id)
    elif not await _use_recovery_code(session, user.id, code):
        await _record_failure(session, key, user.id)
        raise AuthError("That code is not right.")
    new_secret = await _rotate_session(session, view, two_factor_done=True)
    await session.commit()
    return new_secret


async def skip_two_factor(session: AsyncSession, view: SessionView) -> str:
    """Roles that need not use two factors may carry on without; the session id still changes."""
    if view.staff.must_use_two_factor or view.staff.two_factor_enabled:
        raise Forbidden("Your role must sign in with two-factor authentication.")
    new_secret = await _rotate_session(session, view, two_factor_done=True)
    await session.commit()
    return new_secret


async def _use_recovery_code(session: AsyncSession, user_id: int, code: str) -> bool:
    row = await session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == totp.hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utc_now()
    record_audit(
        session,
        "sign_in.recovery_code",
        actor_id=user_id,
        target_type="recovery_code",
        target_id=row.id,
    )
    return True


async def _rotate_session(
    session: AsyncSession, view: SessionView, *, two_factor_done: bool
) -> str:
    """A new session id whenever privilege changes, so a fixed or stolen id is worthless."""
    await session.execute(delete(StaffSession).where(StaffSession.id == session_id(view.secret)))
    return await _open_session(session, view.staff.id, two_factor_done=two_factor_done)


async def _user(session: AsyncSession, view: SessionView) -> StaffUser:
    user = await session.get(StaffUser, view.staff.id)
    if user is None:
        raise AuthError("Please sign in again.")
    return user


async def purge_expired(
    session: AsyncSession, *, idle: timedelta, now: datetime | None = None
) -> int:
    """Delete idle sessions and expired failure counts; returns how many sessions went."""
    now = now or utc_now()
    result = await session.execute(
        delete(StaffSession).where(StaffSession.last_seen_at < now - idle)
    )
    await session.execute(delete(SignInFailure).where(SignInFailure.at < now - THROTTLE_WINDOW))
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
