"""Drafting and approval over the staff JSON API, with the same rules as the pages."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.actions.conftest import SLUG, People
from tests.factories import create_token

Client = AsyncTestClient[Litestar]


def _body(service_id: int) -> dict[str, Any]:
    return {
        "title": "Evening appointments",
        "service_id": service_id,
        "you_said": "Hard to get an appointment after work.",
        "we_did": "Open until 8pm on Tuesdays.",
        "survey_slug": SLUG,
        "period": "2026-Q1",
        "theme_ids": ["availability"],
    }


async def _bearer(db: AsyncSession, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_token(db, email)}"}


async def test_a_manager_drafts_and_the_lead_approves_over_the_api(
    client: Client, db: AsyncSession, people: People
) -> None:
    manager = await _bearer(db, "own@example.org")
    lead = await _bearer(db, "lead@example.org")

    made = await client.post("/api/v1/actions", json=_body(people.own), headers=manager)
    assert made.status_code == 201, made.text
    record_id = made.json()["id"]
    submitted = await client.post(f"/api/v1/actions/{record_id}/submit", headers=manager)
    assert submitted.json()["state"] == "submitted"
    refused = await client.post(f"/api/v1/actions/{record_id}/approve", headers=manager)
    assert refused.status_code == 403
    approved = await client.post(f"/api/v1/actions/{record_id}/approve", headers=lead)
    assert approved.status_code == 200 and approved.json()["state"] == "published"

    public = (await client.get("/api/v1/you-said-we-did")).json()
    assert [r["id"] for r in public["records"]] == [record_id]


async def test_a_manager_cannot_use_another_services_record_over_the_api(
    client: Client, db: AsyncSession, people: People
) -> None:
    other = await _bearer(db, "other@example.org")
    manager = await _bearer(db, "own@example.org")
    made = await client.post("/api/v1/actions", json=_body(people.other), headers=other)

    assert (
        await client.get(f"/api/v1/actions/{made.json()['id']}", headers=manager)
    ).status_code == 404
    assert (await client.get("/api/v1/actions", headers=manager)).json() == []
    refused = await client.post("/api/v1/actions", json=_body(people.other), headers=manager)
    assert refused.status_code == 403


async def test_the_staff_api_needs_a_token(client: Client, people: People) -> None:
    assert (await client.get("/api/v1/actions")).status_code == 401
