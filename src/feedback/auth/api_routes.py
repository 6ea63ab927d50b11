"""Staff API: who am I, and revoking the token in use."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import accounts
from feedback.auth.schemas import Staff, StaffOut


class AccountApi(Controller):
    path = "/"
    tags = ["account"]

    @get("/me")
    async def me(self, db: AsyncSession, staff: Staff) -> StaffOut:
        return await accounts.staff_profile(db, staff.id)

    @delete("/tokens/current", status_code=204)
    async def revoke_current_token(
        self, db: AsyncSession, staff: Staff, request: Request[Any, Any, Any]
    ) -> None:
        """Revoke the bearer token this request was made with."""
        token = request.headers.get("authorization", "").partition(" ")[2].strip()
        await accounts.revoke_api_token(db, token, actor_id=staff.id)
