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


def request_log_middleware(app: ASGIApp) -> ASGIApp:
    """Log method, route template, status and duration: no path, query, address or agent."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, record_status)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "route": scope.get("path_template", "(unrouted)"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )

    return middleware
