"""A signed-in service manager with a published survey, and issuing a batch on the console."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.surveys.service import publish_surveys
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff
from tests.support.staff import lead  # noqa: F401  (a fixture: the batches page tests sign in as the lead)

ROOT = Path(__file__).resolve().parents[2]
Client = AsyncTestClient[Litestar]


@pytest.fixture
async def manager_client(client: Client, db: AsyncSession) -> Client:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Own Service")
    await create_service(db, "Other Service", boroughs=("westminster",))
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    return client


async def create_batch(client: Client, **fields: str) -> httpx.Response:
    """Issue a batch through the console form (20 web links on screen unless told)."""
    page = await client.get("/staff/links")
    assert page.status_code == 200
    return await client.post(
        "/staff/links",
        data={
            "_csrf_token": csrf_token(page.text),
            "survey": "service-satisfaction",
            "service": "Own Service",
            "kind": "link",
            "channel": "web",
            "count": "20",
            "cap": "35",
            "expires": "",
            "output": "screen",
            **fields,
        },
    )
