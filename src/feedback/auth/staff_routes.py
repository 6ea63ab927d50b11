"""Staff sign-in pages: password, two-factor setup and check, sign-out, and the home page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth import sign_in
from feedback.auth.errors import AuthError, TooManyAttempts
from feedback.auth.schemas import Staff, TwoFactorSetup
from feedback.auth.sign_in import SessionView
from feedback.settings import Settings
from feedback.web.guards import staff_cookie_name

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
PASSWORD_STAGE = {"sign_in_stage": "password"}


@dataclass
class SignInForm:
    email: str = ""
    password: str = ""


@dataclass
class CodeForm:
    code: str = ""


def _with_session_cookie(response: Response[Any], settings: Settings, secret: str) -> Response[Any]:
    """A browser-session cookie (no expiry): closing the browser forgets it."""
    response.set_cookie(
        staff_cookie_name(settings),
        secret,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


def _without_session_cookie(response: Response[Any], settings: Settings) -> Response[Any]:
    """Expire the cookie with the attributes it was set with: a browser ignores a `__Host-`
    cookie, even an expiring one, that is not Secure."""
    response.set_cookie(
        staff_cookie_name(settings),
        "",
        path="/",
        max_age=0,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


def _throttled(error: TooManyAttempts, template: str, context: dict[str, Any]) -> Template:
    return Template(
        template,
        context={**context, "error": error.message},
        status_code=429,
        headers={"Retry-After": str(error.retry_after_seconds)},
    )


class SignInController(Controller):
    path = "/"

    @get("/sign-in", opt={"sign_in_stage": "anonymous"})
    async def sign_in_page(self) -> Template:
        return Template("staff/sign_in.html", context={"email": "", "error": None})

    @post("/sign-in", opt={"sign_in_stage": "anonymous"})
    async def sign_in(
        self,
        data: Annotated[SignInForm, FORM],
        db: AsyncSession,
        settings: Settings,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        context = {"email": data.email, "error": None}
        try:
            result = await sign_in.sign_in_with_password(
                db,
                email=data.email,
                password=data.password,
                attempts_per_hour=settings.sign_in_attempts_per_hour,
            )
        except TooManyAttempts as error:
            return _throttled(error, "staff/sign_in.html", context)
        except AuthError as error:
            return Template(
                "staff/sign_in.html", context={**context, "error": error.message}, status_code=401
            )
        old = request.cookies.get(staff_cookie_name(settings))
        if old:
            await sign_in.end_session(db, old)
        target = (
            "/staff/two-factor" if result.next_step == "two_factor" else "/staff/two-factor/setup"
        )
        return _with_session_cookie(Redirect(target), settings, result.session_secret)

    @get("/two-factor", opt=PASSWORD_STAGE)
    async def two_factor_page(self, session_view: SessionView) -> Response[Any]:
        if not session_view.staff.two_factor_enabled:
            return Redirect("/staff/two-factor/setup")
        return Template("staff/two_factor.html", context={"error": None})

    @post("/two-factor", opt=PASSWORD_STAGE)
    async def two_factor(
        self,
        data: Annotated[CodeForm, FORM],
        db: AsyncSession,
        settings: Settings,
        session_view: SessionView,
        master_keys: tuple[bytes, ...],
    ) -> Response[Any]:
        try:
            secret = await sign_in.verify_second_factor(
                db,
                session_view,
                data.code,
                master_key=master_keys,
                attempts_per_hour=settings.sign_in_attempts_per_hour,
            )
        except TooManyAttempts as error:
            return _throttled(error, "staff/two_factor.html", {})
        except AuthError as error:
            return Template(
                "staff/two_factor.html", context={"error": error.message}, status_code=401
            )
        return _with_session_cookie(Redirect("/staff/"), settings, secret)

    @get("/two-factor/setup", opt=PASSWORD_STAGE)
    async def setup_page(
        self, db: AsyncSession, session_view: SessionView, master_keys: tuple[bytes, ...]
    ) -> Template:
        setup = await sign_in.pending_setup(db, session_view, master_key=master_keys)
        if setup is None:
            setup = await sign_in.begin_two_factor_setup(db, session_view, master_key=master_keys)
        return Template(
            "staff/two_factor_setup.html", context=self._setup_context(session_view.staff, setup)
        )

    @post("/two-factor/setup", opt=PASSWORD_STAGE)
    async def confirm_setup(
        self,
        data: Annotated[CodeForm, FORM],
        db: AsyncSession,
        settings: Settings,
        session_view: SessionView,
        master_keys: tuple[bytes, ...],
    ) -> Response[Any]:
        try:
            secret, codes = await sign_in.confirm_two_factor_setup(
                db,
                session_view,
                data.code,
                master_key=master_keys,
                attempts_per_hour=settings.sign_in_attempts_per_hour,
            )
        except AuthError as error:
            setup = await sign_in.pending_setup(db, session_view, master_key=master_keys)
            if setup is None:
                return Redirect("/staff/two-factor/setup")
            context = {**self._setup_context(session_view.staff, setup), "error": error.message}
            if isinstance(error, TooManyAttempts):
                return _throttled(error, "staff/two_factor_setup.html", context)
            return Template("staff/two_factor_setup.html", context=context, status_code=401)
        page = Template("staff/recovery_codes.html", context={"codes": codes})
        return _with_session_cookie(page, settings, secret)

    @post("/two-factor/skip", opt=PASSWORD_STAGE)
    async def skip(
        self, db: AsyncSession, settings: Settings, session_view: SessionView
    ) -> Response[Any]:
        secret = await sign_in.skip_two_factor(db, session_view)
        return _with_session_cookie(Redirect("/staff/"), settings, secret)

    @staticmethod
    def _setup_context(staff: Staff, setup: TwoFactorSetup) -> dict[str, Any]:
        return {"setup": setup, "error": None, "may_skip": not staff.must_use_two_factor}

    @post("/sign-out", opt=PASSWORD_STAGE)
    async def sign_out(
        self, db: AsyncSession, settings: Settings, session_view: SessionView
    ) -> Response[Any]:
        await sign_in.end_session(db, session_view.secret)
        return _without_session_cookie(Redirect("/staff/sign-in"), settings)

    @post("/sign-out-everywhere")
    async def sign_out_everywhere(
        self, db: AsyncSession, settings: Settings, staff: Staff
    ) -> Response[Any]:
        await sign_in.end_all_sessions(db, staff.id)
        return _without_session_cookie(Redirect("/staff/sign-in"), settings)
