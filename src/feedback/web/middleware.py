"""Applied to every response: safety headers, and one privacy-safe log line per request."""

from __future__ import annotations

import logging
import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("feedback.requests")

SAFETY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
)


async def add_safety_headers(message: Message, scope: Scope) -> None:
    """Every response, 404s and error pages included, is uncacheable and unframeable and
    sends no referrer. A before_send hook, because app middleware skips unrouted paths."""
    if message["type"] == "http.response.start":
        present = {name.lower() for name, _ in message.get("headers", [])}
        extra = [(n, v) for n, v in SAFETY_HEADERS if n not in present]
        message["headers"] = [*message.get("headers", []), *extra]


_STARTED = "feedback.request_started"
_STATUS = "feedback.response_status"


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    """Note when a routed request started; `log_request` writes its line once answered."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["state"][_STARTED] = time.perf_counter()
        await app(scope, receive, send)

    return middleware


async def log_request(message: Message, scope: Scope) -> None:
    """Log method, route template, status and duration: no path, query, address or agent.

    A before_send hook, because that is the app's outermost send: it sees the status the
    client gets even when the exception that made it passed every middleware and was turned
    into a response further out (a CSRF 403, a 413 body). The line is written when the last
    part of the body goes, so once per response, unrouted ones too (with no duration)."""
    if scope["type"] != "http":
        return
    state = scope["state"]
    if message["type"] == "http.response.start":
        state[_STATUS] = message["status"]
    elif message["type"] == "http.response.body" and not message.get("more_body", False):
        started = state.get(_STARTED)
        log.info(
            "request",
            extra={
                "method": scope.get("method"),
                "route": scope.get("path_template", "(unrouted)"),
                "status": state.get(_STATUS),
                "ms": None if started is None else round((time.perf_counter() - started) * 1000, 1),
            },
        )
