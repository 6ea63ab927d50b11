"""The lead's sealing-key page: create missing key pairs, re-wrap under the current master
key, and destroy a period's opening key after typing its name.

Each button calls the very function the `feedback keys` command calls (`crypto.service`),
with the lead as the actor, so the console and the CLI cannot drift apart and both write
the same audit records (`keys.create`, `keys.rewrap`, `keys.destroy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.crypto import service as keys
from feedback.crypto.master import load_master_keys
from feedback.errors import FeedbackError, NotFound
from feedback.settings import Settings
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass
class DestroyForm:
    period: str = ""
    confirm: str = ""


class KeyPages(Controller):
    path = "/admin/keys"
    guards = [requires_role(Role.LEAD)]

    @get("/", media_type=MediaType.HTML)
    async def keys(self, db: AsyncSession, staff: Staff, settings: Settings) -> Template:
        return await _keys_page(db, staff, settings)

    @post("/rotate", media_type=MediaType.HTML)
    async def rotate(self, db: AsyncSession, staff: Staff, settings: Settings) -> Template:
        done = await keys.rotate_keys(db, settings=settings, actor_id=staff.id)
        made = ", ".join(done.created)
        notice = (
            f"Created key pairs for {made}." if made else "Every period that needs one has a key."
        )
        return await _keys_page(db, staff, settings, notice=notice)

    @post("/rewrap", media_type=MediaType.HTML)
    async def rewrap(self, db: AsyncSession, staff: Staff, settings: Settings) -> Template:
        try:
            done = await keys.rewrap_keys(db, settings=settings, actor_id=staff.id)
        except FeedbackError as error:
            await db.rollback()
            return await _keys_page(db, staff, settings, error=error.message, status=400)
        notice = (
            f"Under master key {done.master_key_id}: re-wrapped {done.periods_rewrapped} period "
            f"key(s) and {done.secrets_rewrapped} two-factor secret(s); "
            f"{done.periods_already_current + done.secrets_already_current} were already current."
        )
        if done.secrets_unreadable:
            notice += (
                f" {done.secrets_unreadable} two-factor secret(s) open with no configured master "
                "key: those people must set up two-factor sign-in again."
            )
        return await _keys_page(db, staff, settings, notice=notice)

    @get("/destroy", media_type=MediaType.HTML)
    async def confirm_destroy(
        self, db: AsyncSession, staff: Staff, settings: Settings, period: str = ""
    ) -> Template:
        """The second look: what destroying this period does, in words, before any change."""
        return await _destroy_page(db, staff, settings, DestroyForm(period=period))

    @post("/destroy", media_type=MediaType.HTML)
    async def destroy(
        self,
        data: Annotated[DestroyForm, FORM],
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
    ) -> Template:
        label = data.period.strip().upper()
        if data.confirm.strip().upper() != label:
            error = f"Type the period's name: type {label} exactly to destroy its key"
            return await _destroy_page(db, staff, settings, data, error=error, status=400)
        done = await keys.destroy_period(db, label, settings=settings, actor_id=staff.id)
        if done.already_destroyed:
            notice = f"Period {label} was already destroyed on {done.destroyed_at:%-d %B %Y}."
        else:
            notice = f"Destroyed the opening key of {label}: its responses can never be read."
            if done.replaced:
                notice += f" {label} has a fresh key pair for responses from now on."
        return await _keys_page(db, staff, settings, notice=notice)


async def _keys_page(
    db: AsyncSession,
    staff: Staff,
    settings: Settings,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Template:
    periods = await keys.list_key_periods(db, settings=settings)
    current = load_master_keys(settings).current_id
    return Template(
        "staff/admin_keys.html",
        status_code=status,
        context={
            "staff": staff,
            "periods": periods,
            "current_master_key": current,
            "older": [p for p in periods if p.master_key_id not in (None, current)],
            "notice": notice,
            "error": error,
            "error_field": "rewrap",
        },
    )


async def _destroy_page(
    db: AsyncSession,
    staff: Staff,
    settings: Settings,
    form: DestroyForm,
    *,
    error: str | None = None,
    status: int = 200,
) -> Template:
    label = form.period.strip().upper()
    found = [p for p in await keys.list_key_periods(db, settings=settings) if p.label == label]
    live = [p for p in found if p.status != "destroyed"]
    if not live:
        raise NotFound(f"no key period {label!r} with a live key", field="period")
    context: dict[str, Any] = {
        "staff": staff,
        "period": live[0],
        "form": form,
        "error": error,
        "error_field": "confirm",
    }
    return Template("staff/admin_key_destroy.html", status_code=status, context=context)
