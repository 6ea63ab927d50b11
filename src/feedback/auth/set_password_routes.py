"""The page a one-time password link opens: outside the session guard, like sign-in, since
its person has no password yet (or has just lost it to a reset). The link itself is the
proof; it works once, then the person signs in and sets up two-factor as usual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, MediaType, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import password_links
from feedback.auth.errors import AuthError
from feedback.auth.passwords import MINIMUM_LENGTH
from feedback.errors import InvalidInput
from feedback.web.form_labels import FormLabels

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
ANONYMOUS = {"sign_in_stage": "anonymous"}
TEMPLATE = "staff/set_password.html"
PASSWORD_FORM = FormLabels(
    "password", {"password": "New password", "confirm": "The same password again"}
)


@dataclass
class SetPasswordForm:
    token: str = ""
    email: str = ""  # shown to password managers only; the link decides the account
    password: str = ""
    confirm: str = ""


def _dead(error: AuthError) -> Template:
    return Template(
        TEMPLATE, status_code=404, context={"dead": error.message, "minimum": MINIMUM_LENGTH}
    )


class SetPasswordPage(Controller):
    path = "/set-password"  # under the staff router's /staff: SET_PASSWORD_PATH

    @get("/", media_type=MediaType.HTML, opt=ANONYMOUS)
    async def form(self, db: AsyncSession, token: str = "") -> Template:
        try:
            email = await password_links.email_for_password_link(db, token)
        except AuthError as error:
            return _dead(error)
        return Template(
            TEMPLATE,
            context={"email": email, "token": token, "error": None, "minimum": MINIMUM_LENGTH},
        )

    @post("/", media_type=MediaType.HTML, opt=ANONYMOUS)
    async def set_password(
        self, data: Annotated[SetPasswordForm, FORM], db: AsyncSession
    ) -> Template:
        try:
            email = await password_links.email_for_password_link(db, data.token)
            if data.password != data.confirm:
                raise InvalidInput("the two passwords are not the same", field="confirm")
            await password_links.set_password_with_link(db, data.token, data.password)
        except AuthError as error:
            return _dead(error)
        except InvalidInput as problem:
            return Template(
                TEMPLATE,
                status_code=400,
                context={
                    "email": email,
                    "token": data.token,
                    **PASSWORD_FORM.context(problem),
                    "minimum": MINIMUM_LENGTH,
                },
            )
        return Template(TEMPLATE, context={"done": True, "email": email})
