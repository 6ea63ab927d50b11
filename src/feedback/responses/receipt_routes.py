"""Receipt codes on the web: `/withdraw` takes a response back, `/receipt` shows what it was
and what changed because of it.

Every way a code can fail (never issued, mistyped, already withdrawn) gets the same words,
and wrong codes use up the client's guessing budget like join codes do. Removing a response
needs the period's private key, which only the worker holds: this page records the request
and queues the job, and tells the respondent it will be done within minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.queue import JobQueue, enqueue_or_leave_to_sweep
from feedback.responses.errors import ReceiptUnknown
from feedback.responses.receipts import look_up_receipt, request_withdrawal
from feedback.settings import Settings

__all__ = ["ReceiptPages"]

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
HTML = MediaType.HTML
NOT_RECOGNISED = "That code did not work. Check it and try again."


@dataclass
class ReceiptCodeForm:
    code: str = ""


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _form(template: str, code: str = "", error: str | None = None) -> Template:
    return Template(
        template,
        status_code=400 if error else 200,
        context={"code": code, "error": error},
    )


class ReceiptPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/withdraw", media_type=HTML, sync_to_thread=False)
    def withdraw_form(self) -> Template:
        return _form("public/withdraw.html")

    @post("/withdraw", media_type=HTML)
    async def withdraw(
        self,
        data: Annotated[ReceiptCodeForm, FORM],
        db: AsyncSession,
        master_keys: tuple[bytes, ...],
        settings: Settings,
        queue: JobQueue,
        request: Request[Any, Any, Any],
    ) -> Template:
        try:
            asked = await request_withdrawal(
                db,
                data.code,
                master_keys=master_keys,
                client=_client(request),
                attempts_per_hour=settings.join_attempts_per_hour,
            )
        except ReceiptUnknown:
            return _form("public/withdraw.html", data.code, NOT_RECOGNISED)
        rid = asked.response_id
        await enqueue_or_leave_to_sweep(queue, "withdraw_response", rid, job_id=f"withdraw:{rid}")
        return Template("public/withdrawn.html")

    @get("/receipt", media_type=HTML, sync_to_thread=False)
    def receipt_form(self) -> Template:
        return _form("public/receipt.html")

    @post("/receipt", media_type=HTML)
    async def receipt(
        self,
        data: Annotated[ReceiptCodeForm, FORM],
        db: AsyncSession,
        master_key: bytes,
        settings: Settings,
        request: Request[Any, Any, Any],
    ) -> Template:
        try:
            receipt = await look_up_receipt(
                db,
                data.code,
                master_key=master_key,
                client=_client(request),
                attempts_per_hour=settings.join_attempts_per_hour,
            )
        except ReceiptUnknown:
            return _form("public/receipt.html", data.code, NOT_RECOGNISED)
        return Template("public/receipt_shown.html", context={"receipt": receipt})
