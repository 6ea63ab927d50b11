"""Staff accounts and API tokens: create, look up, revoke."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import roles
from feedback.auth.audit import record_audit
from feedback.auth.errors import AccountExists, AuthError
from feedback.auth.models import ApiToken, StaffSession, StaffUser
from feedback.auth.passwords import UNUSABLE_PASSWORD, check_password_policy, hash_password
from feedback.auth.roles import ROLES, Role
from feedback.auth.schemas import AccountOut, ApiTokenOut, Staff, StaffOut
from feedback.auth.totp import hash_code
from feedback.db.base import utc_now
from feedback.errors import Forbidden, InvalidInput, NotFound
from feedback.organisations.service import find_services


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise InvalidInput(f"{email!r} is not an email address", field="email")
    return email


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    role: str,
    password: str | None,
    service_names: Sequence[str] = (),
    actor_id: int | None = None,
) -> StaffOut:
    """Create a staff account; a service manager must be scoped to at least one service.
    With no password the account cannot sign in until its person sets one through a
    one-time link (feedback.auth.password_links)."""
    email = normalise_email(email)
    known = _check_role(role, service_names)
    if password is not None:
        check_password_policy(password)
    if await session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise AccountExists(f"an account for {email} already exists")
    services = await find_services(session, service_names) if service_names else []
    password_hash = UNUSABLE_PASSWORD if password is None else await hash_password(password)
    user = StaffUser(email=email, role=known.value, password_hash=password_hash)
    user.services = services
    session.add(user)
    await session.flush()
    record_audit(session, "staff.create", actor_id=actor_id, target_type="staff", target_id=user.id)
    await session.commit()
    return staff_out(user)


def _check_role(role: str, service_names: Sequence[str]) -> Role:
    if role not in ROLES:
        raise InvalidInput(f"must be one of {', '.join(ROLES)}", field="role")
    if role in roles.SCOPED and not service_names:
        raise InvalidInput("a service manager needs at least one service", field="service")
    return Role(role)


async def account_by_email(session: AsyncSession, email: str) -> StaffUser:
    """Any account, active or disabled (for the lead's changes to it)."""
    user = await session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no account for {email}", field="email")
    return user


def _not_yourself(user: StaffUser, actor_id: int | None, what: str) -> None:
    """A lead cannot lock themselves out or demote themselves; another lead must do it."""
    if actor_id is not None and user.id == actor_id:
        raise Forbidden(f"You cannot {what} your own account; ask another lead.")


async def change_role(
    session: AsyncSession,
    *,
    email: str,
    role: str,
    service_names: Sequence[str] = (),
    actor_id: int | None = None,
) -> AccountOut:
    """Give an account a new role and service scope. Leads and analysts see every service,
    so any services given to them are dropped rather than kept as a misleading scope."""
    user = await account_by_email(session, email)
    _not_yourself(user, actor_id, "change the role of")
    known = _check_role(role, service_names)
    names = () if known in roles.ALL_SERVICES else service_names
    user.services = await find_services(session, names) if names else []
    user.role = known.value
    record_audit(
        session, "staff.change_role", actor_id=actor_id, target_type="staff", target_id=user.id
    )
    await session.commit()
    return account_out(user)


async def set_active(
    session: AsyncSession, *, email: str, active: bool, actor_id: int | None = None
) -> AccountOut:
    """Disable (every session of the account ends; its tokens stop working) or enable."""
    user = await account_by_email(session, email)
    _not_yourself(user, actor_id, "disable" if not active else "enable")
    user.is_active = active
    if not active:
        await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    record_audit(
        session,
        "staff.enable" if active else "staff.disable",
        actor_id=actor_id,
        target_type="staff",
        target_id=user.id,
    )
    await session.commit()
    return account_out(user)


async def user_by_email(session: AsyncSession, email: str) -> StaffUser:
    user = await session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None or not user.is_active:
        raise NotFound(f"no active account for {email}")
    return user


async def create_api_token(
    session: AsyncSession, *, email: str, actor_id: int | None = None
) -> str:
    """A new bearer token, returned once; only its SHA-256 is stored."""
    user = await user_by_email(session, email)
    token = "fbk_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=hash_code(token))
    session.add(row)
    await session.flush()
    record_audit(
        session,
        "token.create",
        actor_id=actor_id or user.id,
        target_type="api_token",
        target_id=row.id,
    )
    await session.commit()
    return token


async def revoke_api_tokens(
    session: AsyncSession, *, email: str, actor_id: int | None = None
) -> int:
    """Revoke every live token of an account; returns how many were revoked."""
    user = await user_by_email(session, email)
    rows = list(
        await session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    for row in rows:
        row.revoked_at = utc_now()
        record_audit(
            session,
            "token.revoke",
            actor_id=actor_id or user.id,
            target_type="api_token",
            target_id=row.id,
        )
    await session.commit()
    return len(rows)


async def staff_for_token(session: AsyncSession, token: str) -> Staff:
    """The account behind a live bearer token; anything else is an AuthError."""
    user = await session.scalar(
        select(StaffUser)
        .join(ApiToken, ApiToken.user_id == StaffUser.id)
        .where(ApiToken.token_hash == hash_code(token), ApiToken.revoked_at.is_(None))
    )
    if user is None or not user.is_active:
        raise AuthError("The token is not valid.")
    return as_staff(user)


def as_staff(user: StaffUser) -> Staff:
    return Staff(
        id=user.id,
        email=user.email,
        role=Role(user.role),
        service_ids=tuple(service.id for service in user.services),
        two_factor_enabled=user.totp_confirmed_at is not None,
    )


def staff_out(user: StaffUser) -> StaffOut:
    return StaffOut(
        id=user.id,
        email=user.email,
        role=Role(user.role),
        services=[service.name for service in user.services],
        two_factor_enabled=user.totp_confirmed_at is not None,
    )


def account_out(user: StaffUser) -> AccountOut:
    return AccountOut(
        **msgspec.structs.asdict(staff_out(user)),
        active=user.is_active,
        has_password=user.password_hash != UNUSABLE_PASSWORD,
    )


async def account_profile(session: AsyncSession, user_id: int) -> AccountOut:
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("no such account")
    return account_out(user)


async def staff_profile(session: AsyncSession, user_id: int) -> StaffOut:
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("no such account")
    return staff_out(user)


async def revoke_api_token(session: AsyncSession, token: str, *, actor_id: int) -> None:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_code(token)))
    if row is None or row.revoked_at is not None:
        raise NotFound("no such live token")
    row.revoked_at = utc_now()
    record_audit(
        session, "token.revoke", actor_id=actor_id, target_type="api_token", target_id=row.id
    )
    await session.commit()


async def list_staff(session: AsyncSession) -> list[AccountOut]:
    rows = await session.scalars(select(StaffUser).order_by(StaffUser.email))
    return [account_out(user) for user in rows]


async def list_api_tokens(session: AsyncSession) -> list[ApiTokenOut]:
    """Every token, newest first: whose, when made, whether revoked; never the secret."""
    rows = await session.execute(
        select(ApiToken, StaffUser.email)
        .join(StaffUser, StaffUser.id == ApiToken.user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [
        ApiTokenOut(id=row.id, email=email, created_at=row.created_at, revoked_at=row.revoked_at)
        for row, email in rows
    ]


async def revoke_api_token_by_id(session: AsyncSession, token_id: int, *, actor_id: int) -> None:
    row = await session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        raise NotFound("no such live token")
    row.revoked_at = utc_now()
    record_audit(
        session, "token.revoke", actor_id=actor_id, target_type="api_token", target_id=row.id
    )
    await session.commit()
