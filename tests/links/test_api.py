"""Issuing and revoking links through the staff API, scoped to the caller's services."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.links.models import LinkBatch
from feedback.surveys.service import publish_surveys
from tests.factories import create_service, create_staff, create_token

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def manager(db: AsyncSession) -> str:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Own Service")
    await create_service(db, "Other Service", boroughs=("westminster",))
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    return await create_token(db, "m@example.org")


async def _batches(db: AsyncSession) -> int:
    await db.rollback()
    return int(await db.scalar(select(func.count()).select_from(LinkBatch)) or 0)


async def test_a_manager_issues_links_for_their_own_service(client: Client, manager: str) -> None:
    response = await client.post(
        "/api/v1/links",
        headers=bearer(manager),
        json={"survey": "service-satisfaction", "service": "Own Service", "count": 2},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert [link["url"].startswith("http://127.0.0.1:8000/s/") for link in body["links"]] == [
        True,
        True,
    ]


async def test_a_manager_cannot_issue_for_another_service(
    client: Client, db: AsyncSession, manager: str
) -> None:
    response = await client.post(
        "/api/v1/links",
        headers=bearer(manager),
        json={"survey": "service-satisfaction", "service": "Other Service", "count": 2},
    )
    assert response.status_code == 404
    assert await _batches(db) == 0


async def test_an_analyst_cannot_issue_links(
    client: Client, db: AsyncSession, manager: str
) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")
    response = await client.post(
        "/api/v1/links",
        headers=bearer(token),
        json={"survey": "service-satisfaction", "service": "Own Service"},
    )
    assert response.status_code == 403
    assert await _batches(db) == 0


async def test_a_code_batch_can_be_revoked(client: Client, manager: str) -> None:
    created = await client.post(
        "/api/v1/links",
        headers=bearer(manager),
        json={
            "survey": "service-satisfaction",
            "service": "Own Service",
            "kind": "code",
            "cap": 30,
        },
    )
    assert created.status_code == 201
    code = created.json()["codes"][0]["code"]
    revoked = await client.post(
        f"/api/v1/link-batches/{created.json()['batch_id']}/revoke", headers=bearer(manager)
    )
    assert revoked.status_code == 204
    assert (await client.get(f"/join/{code}")).status_code == 404


async def test_an_unknown_field_is_a_clear_400(client: Client, manager: str) -> None:
    response = await client.post(
        "/api/v1/links",
        headers=bearer(manager),
        json={"survey": "service-satisfaction", "service": "Own Service", "cout": 3},
    )
    assert response.status_code == 400
    assert "cout" in response.json()["detail"]
