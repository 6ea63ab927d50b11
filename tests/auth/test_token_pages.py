"""API tokens page: shown once, listed without secrets, revocable."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import ApiToken, AuditEvent
from feedback.auth.totp import hash_code
from tests.auth.pages import submit
from tests.factories import create_staff
from tests.support.staff import Client, shown_once


async def test_a_token_is_shown_once_then_listed_without_its_secret(
    lead: Client, db: AsyncSession
) -> None:
    await create_staff(db, role="analyst", email="a@example.org")
    made = await submit(
        lead, "/staff/admin/tokens", "/staff/admin/tokens", {"email": "a@example.org"}
    )
    token = shown_once(made.text, "api-token")
    row = await db.scalar(select(ApiToken))
    assert row is not None and row.token_hash == hash_code(token)
    listed = await lead.get("/staff/admin/tokens")
    assert token not in listed.text and "a@example.org" in listed.text
    works = await lead.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert works.status_code == 200, works.text

    revoke = f"/staff/admin/tokens/{row.id}/revoke"
    asked = await submit(lead, "/staff/admin/tokens", revoke, {})  # no confirmation: asks
    assert "stops working at once" in asked.text and "Yes, revoke the token" in asked.text
    still = await lead.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert still.status_code == 200
    revoked = await submit(lead, revoke, revoke, {"confirm": "yes"})
    assert revoked.status_code == 200 and f"Token {row.id} revoked." in revoked.text
    refused = await lead.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    actions = list(await db.scalars(select(AuditEvent.action)))
    assert "token.create" in actions and "token.revoke" in actions
