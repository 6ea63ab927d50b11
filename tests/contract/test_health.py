from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_health_answers(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_database_and_in_process_queue(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "in-process"}


async def test_openapi_document_is_served(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]
