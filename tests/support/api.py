"""The staff JSON API as tests drive it: bearer headers, problem-details checks, and tokens
for a lead and for a service manager of one of two services."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.organisations.schemas import ServiceOut
from tests.factories import create_service, create_staff, create_token

SERVICE_A = "Alpha Advocacy Service"
SERVICE_B = "Bravo Refuge Service"
MANAGER = "manager@example.org"
LEAD = "lead@example.org"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.text and ".py" not in response.text
    return body


async def count(db: AsyncSession, model: type[Any]) -> int:
    await db.rollback()  # see what the app committed
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def two_services(db: AsyncSession) -> tuple[ServiceOut, ServiceOut]:
    a = await create_service(db, SERVICE_A, boroughs=("westminster",))
    b = await create_service(db, SERVICE_B, boroughs=("kensington-chelsea",))
    return a, b


@pytest.fixture
async def manager_token(db: AsyncSession, two_services: tuple[ServiceOut, ServiceOut]) -> str:
    await create_staff(db, role="service_manager", email=MANAGER, services=[SERVICE_A])
    return await create_token(db, MANAGER)


@pytest.fixture
async def lead_token(db: AsyncSession) -> str:
    await create_staff(db, role="lead", email=LEAD)
    return await create_token(db, LEAD)
