"""The staff JSON API: bearer tokens, problem details, and service scoping on every route."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import ApiToken, AuditEvent
from feedback.organisations.models import Service
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


async def test_bearer_token_identifies_the_account(
    client: AsyncTestClient[Litestar], lead_token: str
) -> None:
    response = await client.get("/api/v1/me", headers=bearer(lead_token))

    assert response.status_code == 200
    assert response.json() == {
        "id": response.json()["id"],
        "email": LEAD,
        "role": "lead",
        "services": [],
        "two_factor_enabled": False,
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer fbk_not-a-real-token"},
        {"Authorization": "Basic bGVhZDpwYXNzd29yZA=="},
        {"Authorization": "garbage"},
    ],
    ids=["missing", "empty", "unknown", "basic", "garbage"],
)
async def test_request_without_a_valid_token_is_401_problem(
    client: AsyncTestClient[Litestar], lead_token: str, headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/me", headers=headers)

    assert_problem(response, 401)
    assert response.headers["www-authenticate"].lower().startswith("bearer")
    assert LEAD not in response.text


async def test_revoked_token_is_401_problem(
    client: AsyncTestClient[Litestar], lead_token: str
) -> None:
    revoked = await client.delete("/api/v1/tokens/current", headers=bearer(lead_token))
    assert revoked.status_code == 204

    assert_problem(await client.get("/api/v1/me", headers=bearer(lead_token)), 401)


async def test_revoking_the_current_token_leaves_the_others_working(
    client: AsyncTestClient[Litestar], db: AsyncSession, lead_token: str
) -> None:
    other = await create_token(db, LEAD)

    await client.delete("/api/v1/tokens/current", headers=bearer(lead_token))

    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 200
    assert await db.scalar(select(func.count()).where(AuditEvent.action == "token.revoke")) == 1


async def test_tokens_are_stored_only_as_hashes(db: AsyncSession, lead_token: str) -> None:
    await db.rollback()
    rows = (await db.execute(select(ApiToken))).scalars().all()

    assert len(rows) == 1
    stored = " ".join(str(value) for value in vars(rows[0]).values())
    assert lead_token not in stored
    assert lead_token.removeprefix("fbk_") not in stored
    assert len(rows[0].token_hash) == 64


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


def api_get_urls(app: Litestar, other_service_id: int) -> list[str]:
    """Every GET route of the staff API, with path parameters filled in."""
    urls = []
    for route in app.routes:
        if not route.path.startswith("/api/v1"):
            continue
        if not any(
            "GET" in getattr(handler, "http_methods", ()) for handler in route.route_handlers
        ):
            continue
        path = route.path_format
        for parameter in route.path_parameters.values():
            value = str(other_service_id)
            if parameter.type is uuid.UUID:
                value = str(uuid.UUID(int=other_service_id))
            path = path.replace("{" + parameter.name + "}", value)
        urls.append(path)
    return urls


async def test_no_api_route_shows_a_service_manager_another_services_data(
    app: Litestar,
    client: AsyncTestClient[Litestar],
    manager_token: str,
    two_services: tuple[ServiceOut, ServiceOut],
) -> None:
    _, b = two_services
    urls = api_get_urls(app, b.id)
    assert "/api/v1/services" in urls and f"/api/v1/services/{b.id}" in urls

    for url in urls:
        response = await client.get(url, headers=bearer(manager_token))
        assert response.status_code < 500, url
        assert SERVICE_B not in response.text, url


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


async def test_malformed_json_body_is_400_problem_without_a_stack_trace(
    client: AsyncTestClient[Litestar], db: AsyncSession, lead_token: str
) -> None:
    response = await client.post(
        "/api/v1/services",
        content=b'{"name": "Charlie", "boroughs": [',
        headers={**bearer(lead_token), "Content-Type": "application/json"},
    )

    assert_problem(response, 400)
    assert await count(db, Service) == 0


async def test_wrongly_typed_json_body_is_400_problem_naming_the_field(
    client: AsyncTestClient[Litestar], lead_token: str
) -> None:
    response = await client.post(
        "/api/v1/services",
        headers=bearer(lead_token),
        json={"name": "Charlie", "boroughs": "westminster"},
    )

    body = assert_problem(response, 400)
    assert "boroughs" in body["detail"]


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
