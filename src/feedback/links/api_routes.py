"""Staff API for issuing and revoking links and codes."""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec
from litestar import Controller, post
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import DISTRIBUTORS
from feedback.auth.schemas import Staff
from feedback.links import service as links
from feedback.links.schemas import LinkBatchOut
from feedback.settings import Settings
from feedback.web.guards import requires_role


class NewLinks(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    survey: str
    service: str
    kind: Literal["link", "code"] = "link"
    count: int = 1
    cap: int | None = None
    expires: date | None = None
    channel: Literal["web", "sms", "class", "poster"] | None = None


class LinksApi(Controller):
    path = "/"
    tags = ["links"]
    guards = [requires_role(*DISTRIBUTORS)]

    @post("/links", status_code=201)
    async def create(
        self, db: AsyncSession, staff: Staff, settings: Settings, master_key: bytes, data: NewLinks
    ) -> LinkBatchOut:
        """Issue a batch; the URLs (and code) are in this response only."""
        if data.kind == "code":
            return await links.create_code(
                db,
                survey_slug=data.survey,
                service_name=data.service,
                cap=data.cap or 0,
                channel=data.channel or "class",
                expires_on=data.expires,
                actor=staff,
                base_url=settings.public_base_url,
                master_key=master_key,
            )
        return await links.create_links(
            db,
            survey_slug=data.survey,
            service_name=data.service,
            count=data.count,
            channel=data.channel or "web",
            expires_on=data.expires,
            actor=staff,
            base_url=settings.public_base_url,
        )

    @post("/link-batches/{batch_id:int}/revoke", status_code=204)
    async def revoke(self, db: AsyncSession, staff: Staff, batch_id: int) -> None:
        await links.revoke_batch(db, batch_id, actor=staff)
