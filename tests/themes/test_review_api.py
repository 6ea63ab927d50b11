"""Theme review over the staff API: scoped, audit-logged, redacted text only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.themes.models import ThemeTag
from tests.factories import create_staff, create_token
from tests.support.themes import JobRunner, NewResponse


async def _bearer(db: AsyncSession, role: str) -> dict[str, str]:
    email = f"{role}@example.org"
    services = ["Advocacy Service"] if role == "service_manager" else []
    await create_staff(db, role=role, email=email, services=services)
    return {"Authorization": f"Bearer {await create_token(db, email)}"}


async def test_an_analyst_opens_redacted_text_and_the_opening_is_audited(
    client: Any, db: AsyncSession, jobs: JobRunner, new_response: NewResponse
) -> None:
    response_id = await new_response()
    headers = await _bearer(db, "analyst")
    opened = await client.post(f"/api/v1/themes/responses/{response_id}/open", headers=headers)

    assert opened.status_code == 200, opened.text
    text = opened.json()["answers"]["what_helped_most"]
    assert "07700" not in text and "Sarah" not in text and "believed" in text
    actions = list(await db.scalars(select(AuditEvent.action)))
    assert "free_text.open" in actions


async def test_a_service_manager_cannot_open_free_text(
    client: Any, db: AsyncSession, jobs: JobRunner, new_response: NewResponse
) -> None:
    response_id = await new_response()
    headers = await _bearer(db, "service_manager")
    opened = await client.post(f"/api/v1/themes/responses/{response_id}/open", headers=headers)
    assert opened.status_code == 403


async def test_a_lead_adds_a_theme_and_it_is_kept_as_a_human_decision(
    client: Any, db: AsyncSession, jobs: JobRunner, new_response: NewResponse
) -> None:
    response_id = await new_response()
    headers = await _bearer(db, "lead")
    decided = await client.post(
        f"/api/v1/themes/responses/{response_id}/decisions",
        json={"action": "add", "question_id": "what_helped_most", "theme_id": "housing"},
        headers=headers,
    )
    assert decided.status_code == 200, decided.text
    tag = await db.get(ThemeTag, (response_id, "what_helped_most", "housing"))
    assert tag is not None and tag.source == "human" and tag.decision == "added"
