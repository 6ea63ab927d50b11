"""Console pages for links and codes: a service manager issues a batch for their own
service and gets it once, on screen, as CSV, or as printable cards with QR codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import segno
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import DISTRIBUTORS
from feedback.auth.schemas import Staff
from feedback.errors import FeedbackError, InvalidInput, NotFound
from feedback.links import service as links
from feedback.links.cards import CARD_TITLE, check_printed_wording, issue_cards
from feedback.links.export import render_batch
from feedback.links.models import CHANNELS
from feedback.links.schemas import LinkBatchOut
from feedback.organisations.service import list_services
from feedback.reports.suppression import operational_count
from feedback.settings import Settings
from feedback.surveys.service import list_surveys
from feedback.web.confirm import Confirmation, confirmation_page, confirmed
from feedback.web.form_labels import FormLabels
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
OUTPUTS = ("screen", "csv", "cards")
BATCH_FORM = FormLabels(
    "survey",
    {
        "survey": "Survey",
        "service": "Service",
        "count": "How many links",
        "cap": "Responses the code allows",
        "channel": "How you will hand them out",
        "expires": "Last day they work",
        "output": "Show them",
    },
)


@dataclass
class BatchForm:
    survey: str = ""
    service: str = ""
    kind: str = "link"
    channel: str = "web"
    count: str = "20"
    cap: str = "35"
    expires: str = ""
    output: str = "screen"


def _parse(form: BatchForm) -> tuple[int, int, date | None]:
    """Whole numbers and an ISO date; each problem names its field for the error summary."""
    try:
        count = int(form.count or "0")
    except ValueError:
        raise InvalidInput("enter a whole number, like 20", field="count") from None
    try:
        cap = int(form.cap or "0")
    except ValueError:
        raise InvalidInput("enter a whole number, like 35", field="cap") from None
    try:
        expires = date.fromisoformat(form.expires) if form.expires else None
    except ValueError:
        raise InvalidInput("enter a date as YYYY-MM-DD, like 2026-12-31", field="expires") from None
    if form.output not in OUTPUTS:
        raise InvalidInput("choose screen, CSV or cards", field="output")
    return count, cap, expires


def _printed_texts(output: str, settings: Settings) -> dict[str, str]:
    """What an output prints besides random tokens, keyed by where each text is set."""
    if output == "screen":
        return {}
    texts = {"FEEDBACK_PUBLIC_BASE_URL": settings.public_base_url}
    if output == "cards":
        texts |= {"the card title": CARD_TITLE, "FEEDBACK_CARD_HELP_LINE": settings.card_help_line}
    return texts


def qr_svg(url: str) -> str:
    """An inline SVG QR code drawn here (segno): no image service ever sees a link."""
    return segno.make(url, error="m").svg_inline(scale=3, dark="#0b0c0c", light="#ffffff")


async def _revoke_page(db: AsyncSession, staff: Staff, batch_id: int) -> Template:
    """What revoking does, said before it is done; another service's batch is not found."""
    found = [b for b in await links.list_batches(db, actor=staff) if b.batch_id == batch_id]
    if not found:
        raise NotFound("no such batch")
    batch = found[0]
    what = (
        "its shared code stops working"
        if batch.kind == "code"
        else f"its {batch.size} single-use link{'s' if batch.size != 1 else ''} stop working"
    )
    return confirmation_page(
        staff,
        Confirmation(
            title=f"Revoke batch {batch.batch_id}?",
            happens=[
                f"Batch {batch.batch_id} ({batch.survey}, {batch.service}): {what} at once, "
                "including any already handed out and not yet used.",
                "Someone who opens one sees the same page as for a link that never worked.",
                "Answers already given are kept and still counted in reports.",
                "A revoked batch cannot be made to work again: make a new batch instead.",
            ],
            action=f"/staff/links/batches/{batch.batch_id}/revoke",
            button=f"Yes, revoke batch {batch.batch_id}",
            back="/staff/links/batches",
            back_words="No, keep it working",
        ),
    )


class LinksPages(Controller):
    path = "/links"
    guards = [requires_role(*DISTRIBUTORS)]

    @get("/", media_type=MediaType.HTML)
    async def form(self, db: AsyncSession, staff: Staff, kind: str = "link") -> Template:
        """`?kind=code` shows the form for one shared code: each kind shows only its own
        number (how many links, or how many responses the code allows), without scripts."""
        return await self._form(
            db, staff, BatchForm(kind="code" if kind == "code" else "link"), None
        )

    @post("/", media_type=MediaType.HTML)
    async def create(
        self,
        data: Annotated[BatchForm, FORM],
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        master_key: bytes,
    ) -> Response[Any]:
        try:
            await check_printed_wording(db, _printed_texts(data.output, settings))
            batch = await self._issue(data, db, staff, settings, master_key)
        except (InvalidInput, NotFound) as problem:
            return await self._form(db, staff, data, problem, status=400)
        if data.output == "csv":
            return Response(
                render_batch(batch, "csv"),
                media_type="text/csv",
                headers={
                    "Content-Disposition": f'attachment; filename="links-{batch.batch_id}.csv"'
                },
            )
        if data.output == "cards":
            return await self._cards(batch, db, staff, settings, master_key)
        return Template("staff/links_created.html", context={"staff": staff, "batch": batch})

    @staticmethod
    async def _cards(
        batch: LinkBatchOut, db: AsyncSession, staff: Staff, settings: Settings, master_key: bytes
    ) -> Template:
        """Link cards carry a typable code beside the QR (the long URL is in the QR only);
        code cards carry their code."""
        printed = batch.codes or await issue_cards(db, batch, master_key=master_key)
        cards = [{"qr": qr_svg(card.url), "code": card.code} for card in printed]
        return Template(
            "staff/link_cards.html",
            context={
                "staff": staff,
                "cards": cards,
                "title": CARD_TITLE,
                "help_line": settings.card_help_line,
                "join_url": settings.public_base_url + "/join",
            },
        )

    @get("/batches", media_type=MediaType.HTML)
    async def batches(self, db: AsyncSession, staff: Staff, settings: Settings) -> Template:
        return await self._batches(db, staff, settings)

    @get("/batches/{batch_id:int}/revoke", media_type=MediaType.HTML)
    async def revoke_confirmation(self, db: AsyncSession, staff: Staff, batch_id: int) -> Template:
        return await _revoke_page(db, staff, batch_id)

    @post("/batches/{batch_id:int}/revoke", media_type=MediaType.HTML)
    async def revoke(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        batch_id: int,
        request: Request[Any, Any, Any],
    ) -> Template:
        """Stop a batch working (scope and role are checked by the service); answers stay."""
        if not await confirmed(request):
            return await _revoke_page(db, staff, batch_id)
        await links.revoke_batch(db, batch_id, actor=staff)
        return await self._batches(db, staff, settings, revoked=batch_id)

    @staticmethod
    async def _batches(
        db: AsyncSession, staff: Staff, settings: Settings, revoked: int | None = None
    ) -> Template:
        batches = await links.list_batches(db, actor=staff)
        threshold = settings.suppression_threshold
        return Template(
            "staff/link_batches.html",
            context={
                "staff": staff,
                "batches": batches,
                "used": {b.batch_id: operational_count(b.used, threshold) for b in batches},
                "status": {b.batch_id: links.shown_status(b) for b in batches},
                "threshold": threshold,
                "revoked": revoked,
            },
        )

    @staticmethod
    async def _issue(
        data: BatchForm, db: AsyncSession, staff: Staff, settings: Settings, master_key: bytes
    ) -> LinkBatchOut:
        count, cap, expires = _parse(data)
        if data.kind == "code":
            return await links.create_code(
                db,
                survey_slug=data.survey,
                service_name=data.service,
                cap=cap,
                channel=data.channel,
                expires_on=expires,
                actor=staff,
                base_url=settings.public_base_url,
                master_key=master_key,
            )
        return await links.create_links(
            db,
            survey_slug=data.survey,
            service_name=data.service,
            count=count,
            channel=data.channel,
            expires_on=expires,
            actor=staff,
            base_url=settings.public_base_url,
        )

    @staticmethod
    async def _form(
        db: AsyncSession,
        staff: Staff,
        form: BatchForm,
        error: FeedbackError | None,
        status: int = 200,
    ) -> Template:
        return Template(
            "staff/links.html",
            status_code=status,
            context={
                "staff": staff,
                "form": form,
                **BATCH_FORM.context(error),
                "surveys": await list_surveys(db),
                "services": await list_services(db, only=staff.service_scope()),
                "channels": CHANNELS,
            },
        )
