"""One-time links to set a staff password: for a new account (so the lead never chooses or
knows anyone's password) and for a reset. A link is shown once to the lead who made it,
stored as a SHA-256, works once, and dies after a few days; a newer link replaces an
older one. A reset also makes the old password useless and ends every session of the
account, so a reset is the answer to "this account may be in someone else's hands"."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.accounts import account_by_email, staff_out
from feedback.auth.audit import record_audit
from feedback.auth.errors import AuthError
from feedback.auth.models import PasswordLink, StaffSession, StaffUser
from feedback.auth.passwords import UNUSABLE_PASSWORD, check_password_policy, hash_password
from feedback.auth.schemas import PasswordLinkOut, StaffOut
from feedback.auth.totp import hash_code
from feedback.db.base import utc_now
from feedback.errors import InvalidInput

__all__ = [
    "LIFETIMES",
    "SET_PASSWORD_PATH",
    "email_for_password_link",
    "issue_password_link",
    "set_password_with_link",
]

SET_PASSWORD_PATH = "/staff/set-password"  # noqa: S105 - a page address, not a secret
# Long enough to reach someone over a weekend; short enough that a forgotten link dies.
LIFETIMES = {"set": timedelta(days=3), "reset": timedelta(days=1)}
_DEAD = (
    "This link does not work: it has been used, replaced or has expired. "
    "Ask the lead for a new one."
)


async def issue_password_link(
    session: AsyncSession, *, email: str, purpose: str, base_url: str, actor_id: int | None = None
) -> PasswordLinkOut:
    """A new one-time link for the account. For "reset", the current password stops
    working and every session of the account ends, in the same transaction."""
    if purpose not in LIFETIMES:
        raise InvalidInput(f"must be one of {', '.join(LIFETIMES)}", field="purpose")
    user = await account_by_email(session, email)
    if not user.is_active:
        raise InvalidInput(f"{user.email} is disabled; enable the account first", field="email")
    await session.execute(
        delete(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
    )
    if purpose == "reset":
        user.password_hash = UNUSABLE_PASSWORD
        await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    token = secrets.token_urlsafe(32)
    row = PasswordLink(
        user_id=user.id,
        token_hash=hash_code(token),
        purpose=purpose,
        expires_at=utc_now() + LIFETIMES[purpose],
    )
    session.add(row)
    await session.flush()
    record_audit(
        session,
        f"staff.password_{purpose}_link",
        actor_id=actor_id,
        target_type="staff",
        target_id=user.id,
    )
    await session.commit()
    return PasswordLinkOut(
        email=user.email,
        url=f"{base_url}{SET_PASSWORD_PATH}?token={token}",
        expires_at=row.expires_at,
    )


async def _live_link(session: AsyncSession, token: str) -> tuple[PasswordLink, StaffUser]:
    found = (
        await session.execute(
            select(PasswordLink, StaffUser)
            .join(StaffUser, StaffUser.id == PasswordLink.user_id)
            .where(PasswordLink.token_hash == hash_code(token))
        )
    ).one_or_none()
    if found is None:
        raise AuthError(_DEAD)
    link, user = found
    if link.used_at is not None or link.expires_at <= utc_now() or not user.is_active:
        raise AuthError(_DEAD)
    return link, user


async def email_for_password_link(session: AsyncSession, token: str) -> str:
    """The account a live link is for (shown on the form); a dead link is an AuthError."""
    _link, user = await _live_link(session, token)
    return user.email


async def set_password_with_link(session: AsyncSession, token: str, password: str) -> StaffOut:
    """Use the link once: set the password and end any session the account had. Of two
    racing uses exactly one succeeds (a conditional UPDATE is the guard)."""
    link, user = await _live_link(session, token)
    check_password_policy(password)
    password_hash = await hash_password(password)
    used = await session.execute(
        update(PasswordLink)
        .where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None))
        .values(used_at=utc_now())
    )
    if getattr(used, "rowcount", 0) != 1:
        await session.rollback()
        raise AuthError(_DEAD)
    user.password_hash = password_hash
    await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    record_audit(
        session, "staff.password_set", actor_id=user.id, target_type="staff", target_id=user.id
    )
    await session.commit()
    return staff_out(user)
