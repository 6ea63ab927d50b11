"""Drafting and approval over the staff JSON API (bearer token): the same rules as the
console pages, all in `actions.service`. Published records for everyone are on the public
router (`/api/v1/you-said-we-did`), not here."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions import service
from feedback.actions.schemas import RecordInput, StaffRecordOut
from feedback.auth.roles import ACTION_DRAFTERS
from feedback.auth.schemas import Staff
from feedback.settings import Settings
from feedback.web.guards import requires_role

__all__ = ["ActionsApi"]


class SendBack(msgspec.Struct, frozen=True):
    comment: str


class ProgressIn(msgspec.Struct, frozen=True):
    status: str
    text: str
    on: date | None = None  # today when left out


class ActionsApi(Controller):
    path = "/actions"
    tags = ["you said, we did"]
    guards = [requires_role(*ACTION_DRAFTERS)]

    @get("/")
    async def list_records(self, db: AsyncSession, staff: Staff) -> list[StaffRecordOut]:
        """Every record the caller may see, any state (a manager: their own services')."""
        return await service.list_records(db, staff)

    @post("/", status_code=201)
    async def draft(self, db: AsyncSession, staff: Staff, data: RecordInput) -> StaffRecordOut:
        return await service.draft_record(db, staff, data)

    @get("/{record_id:int}")
    async def record(self, db: AsyncSession, staff: Staff, record_id: int) -> StaffRecordOut:
        return await service.get_record(db, staff, record_id)

    @put("/{record_id:int}")
    async def edit(
        self, db: AsyncSession, staff: Staff, record_id: int, data: RecordInput
    ) -> StaffRecordOut:
        """A draft changes in place; a published record (lead only) keeps its history."""
        return await service.edit_record(db, staff, record_id, data)

    @post("/{record_id:int}/submit", status_code=200)
    async def submit(self, db: AsyncSession, staff: Staff, record_id: int) -> StaffRecordOut:
        return await service.submit_record(db, staff, record_id)

    @post("/{record_id:int}/approve", status_code=200)
    async def approve(
        self, db: AsyncSession, staff: Staff, settings: Settings, record_id: int
    ) -> StaffRecordOut:
        """Lead only: publishes the record and freezes its evidence."""
        return await service.approve_record(db, staff, record_id, settings=settings)

    @post("/{record_id:int}/send-back", status_code=200)
    async def send_back(
        self, db: AsyncSession, staff: Staff, record_id: int, data: SendBack
    ) -> StaffRecordOut:
        return await service.send_back(db, staff, record_id, comment=data.comment)

    @post("/{record_id:int}/progress", status_code=200)
    async def progress(
        self, db: AsyncSession, staff: Staff, record_id: int, data: ProgressIn
    ) -> StaffRecordOut:
        return await service.add_progress(
            db, staff, record_id, on=data.on or service.today(), status=data.status, text=data.text
        )
