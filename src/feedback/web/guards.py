"""Guards set once per router: staff pages need a staff session, the API a bearer token.

A handler opts down, never up: `opt={"sign_in_stage": "anonymous"}` for the sign-in page,
`"password"` for the second-factor pages. Everything else needs both factors (or, for roles
that need not use two factors, a session that finished sign-in).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from feedback.auth.accounts import staff_for_token
from feedback.auth.errors import AuthError
from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.auth.sign_in import resolve_session
from feedback.settings import Settings


def staff_cookie_name(settings: Settings) -> str:
    """`__Host-` binds the cookie to this exact origin over HTTPS (no subdomain can set it)."""
    return "__Host-feedback-staff" if settings.secure_cookies else "feedback-staff"


async def require_staff_session(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    stage = handler.opt.get("sign_in_stage", "complete")
    if stage == "anonymous":
        return
    settings: Settings = connection.app.state.settings
    secret = connection.cookies.get(staff_cookie_name(settings))
    view = None
    if secret:
        async with connection.app.state.sessions() as session:
            view = await resolve_session(
                session, secret, idle=timedelta(minutes=settings.session_idle_minutes)
            )
    if view is None:
        raise NotAuthorizedException("Please sign in.")
    if stage == "complete" and not view.two_factor_done:
        raise NotAuthorizedException("Please finish signing in.")
    connection.state.session_view = view
    connection.state.staff = view.staff


async def require_api_token(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException(
            "A bearer token is required.", headers={"WWW-Authenticate": "Bearer"}
        )
    async with connection.app.state.sessions() as session:
        try:
            connection.state.staff = await staff_for_token(session, token.strip())
        except AuthError:
            raise NotAuthorizedException(
                "The token is not valid.", headers={"WWW-Authenticate": "Bearer"}
            ) from None


def requires_role(*roles: Role) -> Any:
    """A guard allowing only these roles (a set from feedback.auth.roles, which the console's
    navigation also reads); use on handlers or controllers after the router's."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        staff: Staff | None = getattr(connection.state, "staff", None)
        if staff is None or staff.role not in roles:
            raise PermissionDeniedException("Your role does not allow this.")

    return guard
