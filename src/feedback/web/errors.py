"""One mapping from errors to responses per audience, set on that audience's router:
problem details for the API (`API_ERRORS`), plain friendly pages for respondents
(`PUBLIC_ERRORS`), pages with the reason for staff (`STAFF_ERRORS`). No stack trace or
exception message from outside FeedbackError ever reaches a response."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap

from feedback.auth.errors import AuthError, TooManyAttempts
from feedback.errors import Conflict, FeedbackError, Forbidden, InvalidInput, NotFound

log = logging.getLogger("feedback.errors")

_TITLES = {
    400: "The request could not be used",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    429: "Too many attempts",
    500: "Something went wrong",
}


def status_for(error: FeedbackError) -> int:
    if isinstance(error, TooManyAttempts):
        return HTTP_429_TOO_MANY_REQUESTS
    if isinstance(error, AuthError):
        return 401
    for kind, status in (
        (InvalidInput, HTTP_400_BAD_REQUEST),
        (NotFound, HTTP_404_NOT_FOUND),
        (Forbidden, HTTP_403_FORBIDDEN),
        (Conflict, HTTP_409_CONFLICT),
    ):
        if isinstance(error, kind):
            return status
    return HTTP_400_BAD_REQUEST


def _describe(exc: Exception) -> tuple[int, str, dict[str, str]]:
    """Status, a message safe to show, and extra headers."""
    if isinstance(exc, FeedbackError):
        headers = {}
        if isinstance(exc, TooManyAttempts):
            headers["Retry-After"] = str(exc.retry_after_seconds)
        return status_for(exc), exc.message, headers
    if isinstance(exc, ValidationException):
        return 400, _validation_detail(exc), {}
    if isinstance(exc, HTTPException):
        status = exc.status_code
        detail = exc.detail if status < 500 else _TITLES[500]
        return status, detail or _TITLES.get(status, "Error"), dict(exc.headers or {})
    _log_unexpected(exc)
    return HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong on our side.", {}


def _validation_detail(exc: ValidationException) -> str:
    """Name the fields at fault, never echo the values sent (they may be personal)."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    keys = [str(item.get("key")) for item in extra if isinstance(item, dict) and item.get("key")]
    messages = [str(item.get("message")) for item in extra if isinstance(item, dict)]
    if keys:
        return "Invalid value for: " + ", ".join(keys) + ". " + "; ".join(messages)
    return "The request body is not valid."


def _log_unexpected(exc: Exception) -> None:
    frames = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    log.error("unhandled error", extra={"error": type(exc).__name__, "frames": frames[-8:]})


def problem_details(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The API's answer to every error: RFC 9457 problem details."""
    status, detail, headers = _describe(exc)
    body = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    return Response(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _error_page(template: str, exc: Exception, *, show_detail: bool) -> Response[Any]:
    status, detail, headers = _describe(exc)
    return Template(
        template,
        context={
            "status": status,
            "title": _TITLES.get(status, "Error"),
            "detail": detail if show_detail else None,
        },
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )


def public_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Respondent pages never reveal why a request failed: the same words for every case."""
    return _error_page("public/error.html", exc, show_detail=False)


def staff_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Staff pages say what went wrong (the message is safe to show: see `_describe`)."""
    return _error_page("staff/error.html", exc, show_detail=True)


def staff_sign_in_redirect(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return Redirect("/staff/sign-in")


PUBLIC_ERRORS: ExceptionHandlersMap = {Exception: public_error_page}
STAFF_ERRORS: ExceptionHandlersMap = {
    NotAuthorizedException: staff_sign_in_redirect,  # no session, or sign-in unfinished
    Exception: staff_error_page,
}
API_ERRORS: ExceptionHandlersMap = {Exception: problem_details}


def unmatched_request(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """App-level fallback, for requests no route matched (404, 405) and the routes Litestar
    mounts on the app itself (the OpenAPI schema). No router owns such a request, so this is
    the one place the path may decide the audience; errors inside a router's routes are
    answered by that router's own handlers above."""
    path = request.url.path
    if path.startswith(("/api/", "/schema")):
        return problem_details(request, exc)
    if path.startswith("/staff"):
        return staff_error_page(request, exc)  # never a sign-in redirect: no guard ran
    return public_error_page(request, exc)


UNMATCHED_ERRORS: ExceptionHandlersMap = {Exception: unmatched_request}
