"""Console pages "SMS invitations": upload a CSV of numbers, see each row checked before
anything is sent, send, then follow the batch's counts. Numbers are never shown again and
never stored: between check and send they travel sealed in the form (see sms/preview.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.utils.scope.state import ScopeState
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import DISTRIBUTORS
from feedback.auth.schemas import Staff
from feedback.errors import FeedbackError, InvalidInput, NotFound
from feedback.organisations.service import list_services
from feedback.queue import JobQueue
from feedback.settings import Settings
from feedback.sms.api_routes import enqueue_sends
from feedback.sms.delivery import PEOPLE_COUNTS, batch_summary, shown_batch
from feedback.sms.invitations import (
    RowProblem,
    check_numbers,
    needs_safe_contact,
    numbers_from_csv,
    queue_invitations,
)
from feedback.sms.preview import Preview, new_preview, open_preview, seal_preview
from feedback.surveys.service import list_surveys
from feedback.web.form_labels import FormLabels
from feedback.web.guards import requires_role

WITHHELD = "withheld"  # the page's legend says what it covers

BASE = "/staff/sms"
MAX_UPLOAD_BYTES = 200_000
UPLOAD_FORM = FormLabels(
    "numbers",
    {"survey": "Survey", "service": "Service", "numbers": "CSV file of mobile numbers"},
)
SEND_FORM = FormLabels(
    "safe_contact_confirmed",
    {"safe_contact_confirmed": "Safe contact confirmed for everyone on this list"},
)


@dataclass
class UploadForm:
    survey: str = ""
    service: str = ""
    numbers: UploadFile | None = None


@dataclass
class SendForm:
    sealed: str = ""
    safe_contact_confirmed: str = ""


class SmsInvitationPages(Controller):
    path = "/sms"  # under the staff router's /staff: BASE
    guards = [requires_role(*DISTRIBUTORS)]

    @get("/", media_type=MediaType.HTML)
    async def form(self, db: AsyncSession, staff: Staff) -> Template:
        return await _form(db, staff, UploadForm(), None)

    @post("/check", media_type=MediaType.HTML)
    async def check(
        self,
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        request: Request[Any, Any, Any],
        db: AsyncSession,
        staff: Staff,
        master_keys: tuple[bytes, ...],
    ) -> Template:
        """Each row checked, nothing stored, nothing sent; valid numbers go into a sealed
        preview for the confirm button."""
        _keep_csrf_token(request)
        try:
            rows = await _rows(data)
            await _check_service(db, staff, data.service)
            checked = check_numbers(rows)
        except (InvalidInput, NotFound) as problem:
            return await _form(db, staff, data, problem, status=400)
        preview = new_preview(
            staff_id=staff.id,
            survey=data.survey,
            service=data.service,
            numbers=checked.valid,
            requested=len(rows),
            invalid=len(checked.invalid),
        )
        return await _check_page(db, staff, master_keys, preview, checked.invalid)

    @post("/send", media_type=MediaType.HTML)
    async def send(
        self,
        data: Annotated[SendForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        request: Request[Any, Any, Any],
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        master_keys: tuple[bytes, ...],
        queue: JobQueue,
    ) -> Response[Any]:
        try:
            preview = open_preview(master_keys, data.sealed, staff_id=staff.id)
        except InvalidInput as problem:
            return await _form(db, staff, UploadForm(), problem, status=400)
        try:
            queued = await queue_invitations(
                db,
                settings,
                master_keys=master_keys,
                survey_slug=preview.survey,
                service_name=preview.service,
                rows=list(enumerate(preview.numbers, start=1)),
                actor=staff,
                dropped_invalid=preview.invalid,
                safe_contact_confirmed=data.safe_contact_confirmed == "yes",
            )
        except InvalidInput as problem:  # not confirmed: the same check page, saying why
            _keep_csrf_token(request)
            return await _check_page(db, staff, master_keys, preview, [], error=problem)
        await enqueue_sends(queue, queued)
        return Redirect(f"{BASE}/batches/{queued.outcome.batch_id}", status_code=303)

    @get("/batches/{batch_id:int}", media_type=MediaType.HTML)
    async def batch(
        self, db: AsyncSession, staff: Staff, settings: Settings, batch_id: int
    ) -> Template:
        """Counts about the people texted show only at or above the threshold."""
        summary = await batch_summary(db, batch_id, actor=staff)
        batch = shown_batch(summary, settings.suppression_threshold)
        shown = {
            name: WITHHELD if getattr(batch, name) is None else str(getattr(batch, name))
            for name in PEOPLE_COUNTS
        }
        return Template(
            "staff/sms_batch.html", context={"staff": staff, "batch": batch, "shown": shown}
        )


async def _check_page(
    db: AsyncSession,
    staff: Staff,
    master_keys: tuple[bytes, ...],
    preview: Preview,
    problems: list[RowProblem],
    error: FeedbackError | None = None,
) -> Template:
    """The rows checked and the send button; an exit survey's asks for safe contact."""
    return Template(
        "staff/sms_check.html",
        status_code=400 if error else 200,
        context={
            "staff": staff,
            "survey": preview.survey,
            "service": preview.service,
            "rows": preview.requested,
            "valid": len(preview.numbers),
            "invalid": preview.invalid,
            "problems": problems,
            "safe_contact": await needs_safe_contact(db, preview.survey),
            **SEND_FORM.context(error),
            "sealed": seal_preview(master_keys[0], preview) if preview.numbers else "",
        },
    )


def _keep_csrf_token(request: Request[Any, Any, Any]) -> None:
    """Litestar leaves the CSRF token of a POST out of the page it renders, so the
    forms on the answer page would be refused; the cookie's token is the one to reuse."""
    state = ScopeState.from_scope(request.scope)
    config = request.app.csrf_config
    if not isinstance(state.csrf_token, str) or not state.csrf_token:
        cookie = request.cookies.get(config.cookie_name) if config else None
        if cookie:
            state.csrf_token = cookie


async def _rows(data: UploadForm) -> list[tuple[int, str]]:
    if data.numbers is None or not data.numbers.filename:
        raise InvalidInput("choose a CSV file of mobile numbers", field="numbers")
    content = await data.numbers.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"the file is larger than {MAX_UPLOAD_BYTES // 1000} KB", field="numbers"
        )
    try:
        rows = numbers_from_csv(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInput("the file must be a CSV saved as UTF-8 text", field="numbers") from None
    if not rows:
        raise InvalidInput("the file has no numbers in its first column", field="numbers")
    return rows


async def _check_service(db: AsyncSession, staff: Staff, service: str) -> None:
    names = {s.name for s in await list_services(db, only=staff.service_scope())}
    if service not in names:
        raise NotFound(f"no service named {service!r}", field="service")


async def _form(
    db: AsyncSession, staff: Staff, form: UploadForm, error: FeedbackError | None, status: int = 200
) -> Template:
    return Template(
        "staff/sms_invitations.html",
        status_code=status,
        context={
            "staff": staff,
            "form": form,
            **UPLOAD_FORM.context(error),
            "surveys": await list_surveys(db),
            "services": await list_services(db, only=staff.service_scope()),
        },
    )
