"""The services API: a manager sees only their services, the lead adds services (audited),
and a bad service is refused with nothing added."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.organisations.models import Service
from feedback.organisations.schemas import ServiceOut
from tests.support.api import (
    SERVICE_A,
    SERVICE_B,
    assert_problem,
    bearer,
    count,
)


async def test_service_manager_lists_only_their_services(
    client: AsyncTestClient[Litestar], manager_token: str
) -> None:
    response = await client.get("/api/v1/services", headers=bearer(manager_token))

    assert response.status_code == 200
    assert [service["name"] for service in response.json()] == [SERVICE_A]


async def test_service_manager_cannot_read_another_service(
    client: AsyncTestClient[Litestar],
    manager_token: str,
    two_services: tuple[ServiceOut, ServiceOut],
) -> None:
    _, b = two_services

    response = await client.get(f"/api/v1/services/{b.id}", headers=bearer(manager_token))

    assert_problem(response, 404)
    assert SERVICE_B not in response.text


async def test_lead_reads_every_service(
    client: AsyncTestClient[Litestar], lead_token: str, two_services: tuple[ServiceOut, ServiceOut]
) -> None:
    response = await client.get("/api/v1/services", headers=bearer(lead_token))

    assert [service["name"] for service in response.json()] == [SERVICE_A, SERVICE_B]


async def test_service_manager_cannot_add_a_service(
    client: AsyncTestClient[Litestar], db: AsyncSession, manager_token: str
) -> None:
    response = await client.post(
        "/api/v1/services",
        headers=bearer(manager_token),
        json={"name": "Charlie Service", "boroughs": ["westminster"]},
    )

    assert_problem(response, 403)
    assert await count(db, Service) == 2


async def test_lead_adds_a_service_and_it_is_audited(
    client: AsyncTestClient[Litestar], db: AsyncSession, lead_token: str
) -> None:
    response = await client.post(
        "/api/v1/services",
        headers=bearer(lead_token),
        json={"name": "Charlie Service", "boroughs": ["westminster"]},
    )

    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Charlie Service" and created["boroughs"] == ["westminster"]
    await db.rollback()
    audit = (
        (await db.execute(select(AuditEvent).where(AuditEvent.action == "service.create")))
        .scalars()
        .all()
    )
    assert [(event.target_type, event.target_id) for event in audit] == [
        ("service", str(created["id"]))
    ]
    assert audit[0].actor_id is not None


async def test_adding_a_service_in_an_unknown_borough_is_400_and_adds_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession, lead_token: str
) -> None:
    response = await client.post(
        "/api/v1/services",
        headers=bearer(lead_token),
        json={"name": "Charlie Service", "boroughs": ["camden"]},
    )

    body = assert_problem(response, 400)
    assert "camden" in body["detail"]
    assert await count(db, Service) == 0


async def test_a_service_id_beyond_the_column_range_is_a_client_error(
    client: AsyncTestClient[Litestar], lead_token: str
) -> None:
    response = await client.get(f"/api/v1/services/{2**40}", headers=bearer(lead_token))

    assert_problem(response, 400)


async def test_a_service_name_longer_than_200_characters_is_400_and_adds_nothing(
    client: AsyncTestClient[Litestar], db: AsyncSession, lead_token: str
) -> None:
    response = await client.post(
        "/api/v1/services",
        headers=bearer(lead_token),
        json={"name": "x" * 201, "boroughs": ["westminster"]},
    )

    assert_problem(response, 400)
    assert await count(db, Service) == 0
