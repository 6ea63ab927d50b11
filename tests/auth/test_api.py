"""The staff JSON API: bearer tokens, problem details, and service scoping on every route."""

from __future__ import annotations

import uuid

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import ApiToken, AuditEvent
from feedback.organisations.models import Service
from feedback.organisations.schemas import ServiceOut
from tests.factories import create_token
from tests.support.api import (
    LEAD,
    SERVICE_B,
    assert_problem,
    bearer,
    count,
)


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
