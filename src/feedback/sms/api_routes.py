"""Staff API: send a batch of SMS invitations, as JSON or as a CSV upload."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, post
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.settings import Settings
from feedback.sms.invitations import InvitationsSent, numbers_from_csv, send_invitations
from feedback.sms.provider import configured_provider
from feedback.web.guards import requires_role


class NewInvitations(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    survey: str
    service: str
    numbers: list[str]
    expires: date | None = None


class SmsInvitationsApi(Controller):
    path = "/sms"
    tags = ["sms"]
    guards = [requires_role("lead", "service_manager")]

    @post("/invitations", status_code=201)
    async def invite(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        master_key: bytes,
        survey: str | None = None,
        service: str | None = None,
    ) -> InvitationsSent:
        """JSON `{survey, service, numbers}`, or `text/csv` (numbers in the first column,
        optional header) with `?survey=&service=`. Invalid numbers come back by row."""
        body = await request.body()
        expires = None
        if request.headers.get("content-type", "").startswith("text/csv"):
            if not survey or not service:
                raise InvalidInput("survey, service: give both as query parameters with a CSV body")
            try:
                rows = numbers_from_csv(body.decode())
            except UnicodeDecodeError:
                raise InvalidInput("body: the CSV must be UTF-8 text") from None
        else:
            try:
                data = msgspec.json.decode(body, type=NewInvitations)
            except msgspec.ValidationError as error:
                raise InvalidInput(f"body: {error}") from None
            except msgspec.DecodeError:
                raise InvalidInput("body: expected JSON with survey, service and numbers") from None
            survey, service, expires = data.survey, data.service, data.expires
            rows = list(enumerate(data.numbers, start=1))
        return await send_invitations(
            db,
            settings,
            provider=configured_provider(settings),
            master_key=master_key,
            survey_slug=survey,
            service_name=service,
            rows=rows,
            actor=staff,
            expires_on=expires,
        )
