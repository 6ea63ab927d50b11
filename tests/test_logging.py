"""The log never carries tokens, passwords, phone numbers, IP addresses or user agents, not
even when a request fails with a 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.logs import JsonFormatter, configure_logging
from feedback.settings import Settings
from tests.auth.pages import csrf_token
from tests.conftest import make_settings
from tests.factories import PASSWORD, create_staff, create_token

EMAIL = "lead@example.org"
WRONG_PASSWORD = "hunter2-log-probe-passphrase"
PHONE = "07700 900123"
IP = "203.0.113.42"
USER_AGENT = "Mozilla/5.0 (LogProbe; rv:1.0)"
# The test's own HTTP client (httpx) logs the URLs it calls; it is not part of the service.
TEST_CLIENT_LOGGERS = ("httpx", "httpcore")


class CapturedLines(logging.Handler):
    """Keeps every JSON line the root logger would write."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(TEST_CLIENT_LOGGERS):
            self.lines.append(self.format(record))


@pytest.fixture
def log_lines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CapturedLines]:
    """The root logger as `configure_logging` sets it up, at each level an operator may choose."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("uvicorn.access").disabled)
    configure_logging(Settings(data_dir=tmp_path, log_level=request.param))
    captured = CapturedLines()
    root.addHandler(captured)
    yield captured
    root.handlers[:], level, disabled = saved
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = disabled


def forbidden_strings(token: str) -> list[str]:
    digits = PHONE.replace(" ", "")
    return [
        token,
        token.removeprefix("fbk_"),
        PASSWORD,
        WRONG_PASSWORD,
        PHONE,
        digits,
        "+44" + digits[1:],
        digits[-6:],
        IP,
        USER_AGENT,
        "LogProbe",
        EMAIL,
    ]


def assert_clean(lines: list[str], token: str) -> None:
    assert lines, "nothing was logged: the capture is not working"
    for line in lines:
        msgspec.json.decode(line)  # every line is one JSON object
        for secret in forbidden_strings(token):
            assert secret not in line, f"{secret!r} reached the log: {line}"


HEADERS = {"X-Forwarded-For": IP, "X-Real-IP": IP, "User-Agent": USER_AGENT}


async def send_requests_carrying_personal_data(
    client: AsyncTestClient[Litestar], token: str
) -> None:
    bearer = {**HEADERS, "Authorization": f"Bearer {token}"}
    page = await client.get("/staff/sign-in", params={"phone": PHONE}, headers=HEADERS)
    form = {"_csrf_token": csrf_token(page.text), "email": EMAIL, "phone": PHONE}
    await client.post("/staff/sign-in", data={**form, "password": WRONG_PASSWORD}, headers=HEADERS)
    await client.post("/staff/sign-in", data={**form, "password": PASSWORD}, headers=HEADERS)
    await client.get("/api/v1/me", params={"phone": PHONE}, headers=bearer)
    await client.get(f"/api/v1/services/{PHONE.replace(' ', '')}", headers=bearer)
    await client.post("/api/v1/services", json={"name": PHONE, "boroughs": [PHONE]}, headers=bearer)
    await client.post(
        "/api/v1/services",
        content=f'{{"name": "{PHONE}", '.encode(),
        headers={**bearer, "Content-Type": "application/json"},
    )
    await client.get("/api/v1/me", headers={**HEADERS, "Authorization": f"Bearer {token}x"})
    await client.get(f"/no-such-page/{PHONE}", params={"token": token}, headers=HEADERS)


LEVELS = pytest.mark.parametrize("log_lines", ["INFO", "DEBUG"], indirect=True)


@LEVELS
async def test_requests_with_personal_data_leave_none_in_the_log(
    settings: Settings,
    db: AsyncSession,
    log_lines: CapturedLines,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    await create_staff(db, role="lead", email=EMAIL)
    token = await create_token(db, EMAIL)

    async with AsyncTestClient(
        app=create_app(settings), base_url="http://127.0.0.1:8000"
    ) as client:
        await send_requests_carrying_personal_data(client, token)

    assert_clean(log_lines.lines, token)
    assert sum('"event":"request"' in line for line in log_lines.lines) >= 9


@LEVELS
async def test_a_500_leaves_no_personal_data_in_the_log(
    tmp_path: Path, log_lines: CapturedLines
) -> None:
    # A database with no tables: every query fails inside the app, with SQL and bound values
    # in the exception message. The log may name the error type, never its message.
    broken = make_settings(
        tmp_path / "broken", database_url=f"sqlite+aiosqlite:///{tmp_path / 'broken' / 'empty.db'}"
    )
    token = "fbk_" + "T0kenThatMustNotBeLogged" * 2
    app: Litestar = create_app(broken)

    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        page = await client.get("/staff/sign-in", headers=HEADERS)
        failed = await client.post(
            "/staff/sign-in",
            headers=HEADERS,
            data={
                "_csrf_token": csrf_token(page.text),
                "email": EMAIL,
                "password": PASSWORD,
                "phone": PHONE,
            },
        )
        api_failed = await client.get(
            "/api/v1/me",
            params={"phone": PHONE},
            headers={**HEADERS, "Authorization": f"Bearer {token}"},
        )

    assert failed.status_code == 500 and api_failed.status_code == 500
    assert sum('"event":"unhandled error"' in line for line in log_lines.lines) == 2
    assert_clean(log_lines.lines, token)
