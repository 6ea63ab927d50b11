"""Plain typed builders for test data, going through the real service functions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import accounts
from feedback.auth.schemas import StaffOut
from feedback.organisations.schemas import ServiceOut
from feedback.organisations.service import add_service

PASSWORD = "correct horse battery staple"


async def create_service(
    session: AsyncSession,
    name: str = "Advocacy Service",
    boroughs: Sequence[str] = ("westminster",),
) -> ServiceOut:
    return await add_service(session, name, boroughs=boroughs)


async def create_staff(
    session: AsyncSession,
    *,
    role: str = "lead",
    email: str = "lead@example.org",
    services: Sequence[str] = (),
    password: str = PASSWORD,
) -> StaffOut:
    return await accounts.create_user(
        session, email=email, role=role, password=password, service_names=services
    )


async def create_token(session: AsyncSession, email: str) -> str:
    return await accounts.create_api_token(session, email=email)
