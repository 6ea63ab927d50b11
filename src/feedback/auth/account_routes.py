"""The lead's account pages: create an account (its person sets their own password through
a one-time link), change role and service scope, disable or enable, reset a password, and
API tokens. Every change goes through the same service functions as `feedback users` and
`feedback tokens`, and is audit-logged there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import accounts, password_links
from feedback.auth.roles import ROLES, Role
from feedback.auth.schemas import AccountOut, Staff
from feedback.errors import FeedbackError, Forbidden, NotFound
from feedback.organisations.service import list_services
from feedback.settings import Settings
from feedback.web.confirm import Confirmation, confirmation_page, confirmed
from feedback.web.form_labels import FormField, FormLabels
from feedback.web.guards import requires_role

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass
class AccountForm:
    email: str = ""
    role: str = Role.SERVICE_MANAGER.value
    services: list[str] | str = field(default_factory=list)  # one ticked box arrives as str

    @property
    def service_names(self) -> list[str]:
        return [self.services] if isinstance(self.services, str) else self.services


@dataclass
class TokenForm:
    email: str = ""


ACCOUNT_FORM = FormLabels(
    "email",
    {
        "email": "Email address",
        "role": "Role",
        "service": FormField("services", "Services"),
    },
)
ROLE_FORM = FormLabels("role", {"role": "Role", "service": FormField("services", "Services")})
TOKEN_FORM = FormLabels("email", {"email": "Account the token acts as"})


def _disable_page(staff: Staff, account: AccountOut) -> Template:
    return confirmation_page(
        staff,
        Confirmation(
            title=f"Disable the account {account.email}?",
            happens=[
                f"{account.email} is signed out everywhere at once and cannot sign in.",
                "Their API tokens stop working.",
                "What they did stays in the audit log, and records they drafted stay.",
                "You can enable the account again from its page; their password and "
                "two-factor set-up are kept.",
            ],
            action=f"/staff/admin/accounts/{account.id}/disable",
            button="Yes, disable the account",
            back=f"/staff/admin/accounts/{account.id}",
            back_words="No, keep it active",
            undoable=True,
        ),
    )


class AccountPages(Controller):
    path = "/admin/accounts"
    guards = [requires_role(Role.LEAD)]

    @get("/new", media_type=MediaType.HTML)
    async def new(self, db: AsyncSession, staff: Staff) -> Template:
        return await self._new_form(db, staff, AccountForm(), None)

    @post("/new", media_type=MediaType.HTML)
    async def create(
        self,
        data: Annotated[AccountForm, FORM],
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
    ) -> Template:
        try:
            created = await accounts.create_user(
                db,
                email=data.email,
                role=data.role,
                password=None,
                service_names=data.service_names,
                actor_id=staff.id,
            )
        except FeedbackError as error:
            await db.rollback()
            return await self._new_form(db, staff, data, error, status=400)
        link = await password_links.issue_password_link(
            db,
            email=created.email,
            purpose="set",
            base_url=settings.public_base_url,
            actor_id=staff.id,
        )
        return Template(
            "staff/admin_password_link.html",
            context={"staff": staff, "account": created, "link": link, "new": True},
        )

    @staticmethod
    async def _new_form(
        db: AsyncSession,
        staff: Staff,
        form: AccountForm,
        error: FeedbackError | None,
        status: int = 200,
    ) -> Template:
        return Template(
            "staff/admin_account_new.html",
            status_code=status,
            context={
                "staff": staff,
                "form": form,
                "roles": ROLES,
                "services": await list_services(db),
                **ACCOUNT_FORM.context(error),
            },
        )

    @get("/{user_id:int}", media_type=MediaType.HTML)
    async def account(self, db: AsyncSession, staff: Staff, user_id: int) -> Template:
        return await self._account_page(db, staff, await accounts.account_profile(db, user_id))

    @post("/{user_id:int}/role", media_type=MediaType.HTML)
    async def change_role(
        self, data: Annotated[AccountForm, FORM], db: AsyncSession, staff: Staff, user_id: int
    ) -> Template:
        account = await accounts.account_profile(db, user_id)
        try:
            changed = await accounts.change_role(
                db,
                email=account.email,
                role=data.role,
                service_names=data.service_names,
                actor_id=staff.id,
            )
        except FeedbackError as error:
            await db.rollback()
            status = 403 if isinstance(error, Forbidden) else 400
            return await self._account_page(db, staff, account, error=error, status=status)
        return await self._account_page(db, staff, changed, notice="Role and services saved.")

    @get("/{user_id:int}/disable", media_type=MediaType.HTML)
    async def disable_confirmation(self, db: AsyncSession, staff: Staff, user_id: int) -> Template:
        return _disable_page(staff, await accounts.account_profile(db, user_id))

    @post("/{user_id:int}/disable", media_type=MediaType.HTML)
    async def disable(
        self, db: AsyncSession, staff: Staff, user_id: int, request: Request[Any, Any, Any]
    ) -> Template:
        if not await confirmed(request):
            return _disable_page(staff, await accounts.account_profile(db, user_id))
        return await self._set_active(db, staff, user_id, active=False)

    @post("/{user_id:int}/enable", media_type=MediaType.HTML)
    async def enable(self, db: AsyncSession, staff: Staff, user_id: int) -> Template:
        return await self._set_active(db, staff, user_id, active=True)

    async def _set_active(
        self, db: AsyncSession, staff: Staff, user_id: int, *, active: bool
    ) -> Template:
        account = await accounts.account_profile(db, user_id)
        changed = await accounts.set_active(
            db, email=account.email, active=active, actor_id=staff.id
        )
        notice = "Account enabled." if active else "Account disabled: its sessions have ended."
        return await self._account_page(db, staff, changed, notice=notice)

    @post("/{user_id:int}/reset-password", media_type=MediaType.HTML)
    async def reset_password(
        self, db: AsyncSession, staff: Staff, settings: Settings, user_id: int
    ) -> Template:
        account = await accounts.account_profile(db, user_id)
        link = await password_links.issue_password_link(
            db,
            email=account.email,
            purpose="reset",
            base_url=settings.public_base_url,
            actor_id=staff.id,
        )
        return Template(
            "staff/admin_password_link.html",
            context={"staff": staff, "account": account, "link": link, "new": False},
        )

    @staticmethod
    async def _account_page(
        db: AsyncSession,
        staff: Staff,
        account: AccountOut,
        *,
        error: FeedbackError | None = None,
        notice: str | None = None,
        status: int = 200,
    ) -> Template:
        return Template(
            "staff/admin_account.html",
            status_code=status,
            context={
                "staff": staff,
                "account": account,
                "roles": ROLES,
                "services": await list_services(db),
                **ROLE_FORM.context(error),
                "notice": notice,
                "yourself": account.id == staff.id,
            },
        )


async def _token_revoke_page(db: AsyncSession, staff: Staff, token_id: int) -> Template:
    """What revoking an API token does, said before it is done."""
    found = [t for t in await accounts.list_api_tokens(db) if t.id == token_id]
    if not found or found[0].revoked_at is not None:
        raise NotFound("no such live token")
    token = found[0]
    return confirmation_page(
        staff,
        Confirmation(
            title=f"Revoke API token {token.id} of {token.email}?",
            happens=[
                f"Token {token.id} stops working at once: every program that uses it to read "
                "reports or send invitations is refused from now on.",
                "What was done with it stays in the audit log.",
                "A revoked token cannot be made to work again: make a new one instead.",
            ],
            action=f"/staff/admin/tokens/{token.id}/revoke",
            button="Yes, revoke the token",
            back="/staff/admin/tokens",
            back_words="No, keep it",
        ),
    )


class TokenPages(Controller):
    path = "/admin/tokens"
    guards = [requires_role(Role.LEAD)]

    @get("/", media_type=MediaType.HTML)
    async def tokens(self, db: AsyncSession, staff: Staff) -> Template:
        return await self._page(db, staff)

    @post("/", media_type=MediaType.HTML)
    async def create(
        self, data: Annotated[TokenForm, FORM], db: AsyncSession, staff: Staff
    ) -> Template:
        try:
            token = await accounts.create_api_token(db, email=data.email, actor_id=staff.id)
        except FeedbackError as error:
            await db.rollback()
            return await self._page(db, staff, error=error, status=400)
        return await self._page(db, staff, created=(data.email, token))

    @get("/{token_id:int}/revoke", media_type=MediaType.HTML)
    async def revoke_confirmation(self, db: AsyncSession, staff: Staff, token_id: int) -> Template:
        return await _token_revoke_page(db, staff, token_id)

    @post("/{token_id:int}/revoke", media_type=MediaType.HTML)
    async def revoke(
        self, db: AsyncSession, staff: Staff, token_id: int, request: Request[Any, Any, Any]
    ) -> Template:
        if not await confirmed(request):
            return await _token_revoke_page(db, staff, token_id)
        await accounts.revoke_api_token_by_id(db, token_id, actor_id=staff.id)
        return await self._page(db, staff, notice=f"Token {token_id} revoked.")

    @staticmethod
    async def _page(
        db: AsyncSession,
        staff: Staff,
        *,
        created: tuple[str, str] | None = None,
        error: FeedbackError | None = None,
        notice: str | None = None,
        status: int = 200,
    ) -> Template:
        people = [a for a in await accounts.list_staff(db) if a.active]
        context: dict[str, Any] = {
            "staff": staff,
            "tokens": await accounts.list_api_tokens(db),
            "accounts": people,
            "created": created,
            **TOKEN_FORM.context(error),
            "notice": notice,
        }
        return Template("staff/admin_tokens.html", status_code=status, context=context)
