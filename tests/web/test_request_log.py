"""Each request's log line carries the status the client got, whichever layer answered: a
refusal by Litestar's middleware (CSRF, body size), a guard, the router, a handler."""

from __future__ import annotations

import logging

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

TOO_LARGE = b"x" * (11 * 1024 * 1024)  # over Litestar's 10 MB default request body limit
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def sqlite_client(client: AsyncTestClient[Litestar], backend: str) -> AsyncTestClient[Litestar]:
    if backend != "sqlite":
        pytest.skip("the request line does not depend on the database: one backend is enough")
    return client


async def answered_and_logged(
    client: AsyncTestClient[Litestar], caplog: pytest.LogCaptureFixture, request: httpx.Request
) -> tuple[int, list[tuple[str, int | None]]]:
    caplog.clear()
    response = await client.send(request)
    lines = [(r.route, r.status) for r in caplog.records if r.name == "feedback.requests"]
    return response.status_code, lines


@pytest.mark.parametrize(
    ("method", "path", "content", "status", "route"),
    [
        ("POST", "/staff/sign-in", b"email=a%40b.org&password=x", 403, "/staff/sign-in"),  # CSRF
        ("POST", "/s/answers", TOO_LARGE, 413, "/s/answers"),
        ("GET", "/api/v1/me", b"", 401, "/api/v1/me"),  # the token guard
        ("GET", "/no-such-page", b"", 404, "(unrouted)"),
        ("GET", "/health", b"", 200, "/health"),
    ],
)
async def test_the_request_line_carries_the_status_sent(
    sqlite_client: AsyncTestClient[Litestar],
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    content: bytes,
    status: int,
    route: str,
) -> None:
    caplog.set_level(logging.INFO, logger="feedback.requests")
    request = sqlite_client.build_request(method, path, content=content or None, headers=FORM)

    sent, lines = await answered_and_logged(sqlite_client, caplog, request)

    assert sent == status
    assert lines == [(route, status)]
