"""Staff API for surveys: every staff role reads, only the lead publishes."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.surveys.api_routes import SurveysApi
from tests.factories import create_staff, create_token
from tests.surveys.helpers import ROOT, shipped

SLUG = "young-person-consultation"


@pytest.fixture
def surveys_app(app: Litestar) -> Litestar:
    """The app, with SurveysApi under the API router if app.py does not mount it yet."""
    if not any(route.path.startswith("/api/v1/surveys") for route in app.routes):
        from litestar import Router
        from litestar.di import Provide

        from feedback.web import dependencies as deps
        from feedback.web.guards import require_api_token

        app.register(
            Router(
                path="/api/v1",
                route_handlers=[SurveysApi],
                guards=[require_api_token],
                dependencies={"staff": Provide(deps.provide_staff, sync_to_thread=False)},
            )
        )
    return app


async def bearer(db: AsyncSession, role: str) -> dict[str, str]:
    await create_staff(db, role=role, email=f"{role}@example.org")
    return {"Authorization": f"Bearer {await create_token(db, f'{role}@example.org')}"}


def document(slug: str = SLUG) -> dict[str, Any]:
    return {"definition": (ROOT / "surveys" / f"{slug}.yaml").read_text(encoding="utf-8")}


async def test_lead_publishes_then_anyone_reads(surveys_app: Litestar, db: AsyncSession) -> None:
    lead, analyst = await bearer(db, "lead"), await bearer(db, "analyst")
    async with AsyncTestClient(app=surveys_app) as client:
        first = await client.post("/api/v1/surveys", json=document(), headers=lead)
        assert first.status_code == 201, first.text
        assert first.json()["version"] == 1
        again = await client.post("/api/v1/surveys", json=document(), headers=lead)
        assert (again.status_code, again.json()["status"]) == (200, "unchanged")
        listed = await client.get("/api/v1/surveys", headers=analyst)
        assert [s["slug"] for s in listed.json()] == [SLUG]
        versions = await client.get(f"/api/v1/surveys/{SLUG}/versions", headers=analyst)
        assert versions.json()[0]["consent_slug"] == "child"
        full = await client.get(f"/api/v1/surveys/{SLUG}/versions/1", headers=analyst)
        assert (
            full.json()["survey"]["definition"]["sections"][0]["questions"][0]["id"]
            == (shipped(SLUG)["sections"][0]["questions"][0]["id"])
        )


async def test_only_the_lead_may_publish(surveys_app: Litestar, db: AsyncSession) -> None:
    analyst = await bearer(db, "analyst")
    async with AsyncTestClient(app=surveys_app) as client:
        response = await client.post("/api/v1/surveys", json=document(), headers=analyst)
    assert response.status_code == 403


async def test_malformed_definition_is_a_located_400(
    surveys_app: Litestar, db: AsyncSession
) -> None:
    lead = await bearer(db, "lead")
    async with AsyncTestClient(app=surveys_app) as client:
        response = await client.post(
            "/api/v1/surveys",
            json={"definition": "slug: x\nsections: [{questions: [{id: q}]}]"},
            headers=lead,
        )
    assert response.status_code == 400
    assert "sections[0].questions[0]" in response.text


async def test_surveys_need_a_token(surveys_app: Litestar) -> None:
    async with AsyncTestClient(app=surveys_app) as client:
        assert (await client.get("/api/v1/surveys")).status_code == 401
