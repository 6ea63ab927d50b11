"""Staff API: queue a batch of SMS invitations (JSON or CSV upload) and follow its counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import DISTRIBUTORS
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.queue import JobQueue
from feedback.settings import Settings
from feedback.sms.delivery import ShownBatch, batch_summary, shown_batch
from feedback.sms.invitations import (
    InvitationsQueued,
    QueuedBatch,
    numbers_from_csv,
    queue_invitations,
)
from feedback.web.guards import requires_role


class NewInvitations(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    survey: str
    service: str
    numbers: list[str]
    expires: date | None = None
    safe_contact_confirmed: bool = False  # required true for an end-of-support survey


class SmsInvitationsApi(Controller):
    path = "/sms"
    tags = ["sms"]
    guards = [requires_role(*DISTRIBUTORS)]

    @post("/invitations", status_code=202)
    async def invite(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        master_keys: tuple[bytes, ...],
        queue: JobQueue,
        survey: str | None = None,
        service: str | None = None,
        safe_contact_confirmed: bool = False,
    ) -> InvitationsQueued:
        """JSON `{survey, service, numbers}`, or `text/csv` (numbers in the first column,
        optional header) with `?survey=&service=`. Invalid numbers come back by row; the
        rest are sent in the background (202). An end-of-support survey needs
        `safe_contact_confirmed` true (staff checked with each person that a text is safe)."""
        body = await request.body()
        expires = None
        if request.headers.get("content-type", "").startswith("text/csv"):
            if not survey or not service:
                raise InvalidInput("survey, service: give both as query parameters with a CSV body")
            try:
                rows = numbers_from_csv(body.decode())
            except UnicodeDecodeError:
                raise InvalidInput("the CSV must be UTF-8 text", field="body") from None
        else:
            try:
                data = msgspec.json.decode(body, type=NewInvitations)
            except msgspec.ValidationError as error:
                raise InvalidInput(str(error), field="body") from None
            except msgspec.DecodeError:
                raise InvalidInput(
                    "expected JSON with survey, service and numbers", field="body"
                ) from None
            survey, service, expires = data.survey, data.service, data.expires
            safe_contact_confirmed = data.safe_contact_confirmed
            rows = list(enumerate(data.numbers, start=1))
        queued = await queue_invitations(
            db,
            settings,
            master_keys=master_keys,
            survey_slug=survey,
            service_name=service,
            rows=rows,
            actor=staff,
            expires_on=expires,
            safe_contact_confirmed=safe_contact_confirmed,
        )
        await enqueue_sends(queue, queued)
        return queued.outcome

    @get("/invitations/{batch_id:int}")
    async def batch(
        self, db: AsyncSession, staff: Staff, settings: Settings, batch_id: int
    ) -> ShownBatch:
        """A batch's counts by delivery status (numbers are never kept); counts about people
        are protected together, as on the console page."""
        summary = await batch_summary(db, batch_id, actor=staff)
        return shown_batch(summary, settings.suppression_threshold)


async def enqueue_sends(queue: JobQueue, queued: QueuedBatch) -> None:
    """Hand each committed message to the worker; the job id makes a repeat a no-op."""
    for job in queued.jobs:
        await queue.enqueue("send_invitation", job.message_id, job.sealed, job_id=job.job_id)
