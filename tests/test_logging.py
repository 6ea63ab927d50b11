"""The log never carries tokens, passwords, phone numbers, IP addresses or user agents, not
even when a request fails with a 500; nor statement parameters, answers or free text when a
job or a statement fails, whichever library writes the line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from arq.worker import func
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from feedback.app import create_app
from feedback.logs import JsonFormatter, configure_logging
from feedback.queue import ArqQueue, redis_settings
from feedback.settings import Settings
from feedback.worker_process import ResilientWorker
from tests.auth.pages import csrf_token
from tests.conftest import make_settings
from tests.factories import PASSWORD, create_staff, create_token

EMAIL = "lead@example.org"
ANSWER = "prefer_not_to_say"  # an equality-monitoring answer
FREE_TEXT = "He waits outside my flat on Tuesdays"
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
        ANSWER,
        FREE_TEXT,
        "Tuesdays",
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


DEBUG = pytest.mark.parametrize("log_lines", ["DEBUG"], indirect=True)
# A statement that fails with every kind of value bound to it: SQLAlchemy's error quotes them.
FAILING = text("INSERT INTO no_such_table VALUES (:answer, :free_text, :phone, :token)")


def bound_values(token: str) -> dict[str, str]:
    return {"answer": ANSWER, "free_text": FREE_TEXT, "phone": PHONE, "token": token}


async def fail_a_statement(ctx: dict[str, Any], token: str) -> None:
    """A job whose statement fails. Its own plain engine: the error carries the parameters."""
    engine = create_async_engine(ctx["database_url"])
    try:
        async with engine.begin() as connection:
            await connection.execute(FAILING, bound_values(token))
    finally:
        await engine.dispose()


@DEBUG
async def test_a_failing_job_leaves_no_parameters_in_the_log(
    settings: Settings, redis_url: str, log_lines: CapturedLines
) -> None:
    token = "fbk_" + "J0bArgumentThatMustNotBeLogged" * 2
    on_redis = Settings(redis_url=redis_url)
    queue = ArqQueue(on_redis)
    await queue.enqueue("fail_a_statement", token)
    await queue.close()
    worker = ResilientWorker(
        functions=[func(fail_a_statement, name="fail_a_statement")],
        redis_settings=redis_settings(on_redis),
        ctx={"database_url": settings.database_url},
        burst=True,
        poll_delay=0,
    )
    try:
        await worker.main()
    finally:
        await worker.close()

    failures = [line for line in log_lines.lines if "fail_a_statement failed" in line]
    assert len(failures) == 1 and "Error" in failures[0]  # named by type, with its frames
    assert_clean(log_lines.lines, token)


@DEBUG
async def test_statement_parameters_stay_out_even_with_sqlalchemy_logging_on(
    settings: Settings, log_lines: CapturedLines
) -> None:
    token = "fbk_" + "St4tementParameterThatMustNotBeLogged" * 2
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # echo: statements, values
    engine = create_async_engine(settings.database_url)
    try:
        with pytest.raises(DBAPIError) as failed:
            async with engine.begin() as connection:
                await connection.execute(text("SELECT :answer, :phone"), bound_values(token))
                await connection.execute(FAILING, bound_values(token))
        # as uvicorn logs an exception that escaped the app
        logging.getLogger("uvicorn.error").error(
            "Exception in ASGI application\n", exc_info=failed.value
        )
    finally:
        await engine.dispose()
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

    assert any("statement parameters withheld" in line for line in log_lines.lines)
    assert any("no_such_table" in line for line in log_lines.lines)  # the statement is logged
    assert_clean(log_lines.lines, token)
