"""Shared fixtures: real SQLite and PostgreSQL databases built by the real migrations, the
real Redis, the app and a CLI runner. In CI a missing service fails the run; elsewhere the
tests that need it are skipped, and the summary says why."""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.app import create_app
from feedback.cli import main as cli_main
from feedback.crypto.master import load_master_key
from feedback.db.engine import create_engine, session_factory
from feedback.db.migrate import upgrade
from feedback.db.registry import Base
from feedback.settings import Settings

T = TypeVar("T")

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Rows the migrations seed; tests never delete them.
SEEDED_TABLES = {"boroughs", "alembic_version"}


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own thread and loop (safe inside any test)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(autouse=True)
def _real_clock_after_each_test() -> Iterator[None]:
    """A test that fixes the clock (`clock.fixed`, `clock.start_at`) leaves it as it found it."""
    yield
    clock.reset()


async def _postgres_reachable() -> bool:
    import asyncpg

    try:
        connection = await asyncio.wait_for(asyncpg.connect(POSTGRES_ADMIN_URL), timeout=3)
    except Exception:  # noqa: BLE001
        return False
    await connection.close()
    return True


async def _redis_reachable() -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        return bool(await client.ping())
    except Exception:  # noqa: BLE001
        return False
    finally:
        await client.aclose()


SERVICES: dict[str, bool] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    SERVICES["postgres"] = run_blocking(_postgres_reachable())
    SERVICES["redis"] = run_blocking(_redis_reachable())
    missing = [name for name, up in SERVICES.items() if not up]
    if missing and IN_CI:
        pytest.exit(
            f"CI needs {' and '.join(missing)} but could not reach "
            f"{'PostgreSQL at ' + POSTGRES_ADMIN_URL if 'postgres' in missing else ''} "
            f"{'Redis at ' + REDIS_URL if 'redis' in missing else ''}".strip(),
            returncode=1,
        )


def require_service(name: str) -> None:
    if not SERVICES.get(name):
        pytest.skip(f"{name} is not reachable here (in CI this fails instead)")


async def _create_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def postgres_url(database: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def fresh_database() -> Iterator[Callable[[str], str]]:
    """Make empty databases for tests that drive migrations themselves; dropped at the end."""
    made: list[str] = []

    def make(backend: str, directory: Path | None = None) -> str:
        if backend == "sqlite":
            assert directory is not None
            return f"sqlite+aiosqlite:///{directory / 'fresh.db'}"
        require_service("postgres")
        name = f"feedback_test_{secrets.token_hex(4)}"
        run_blocking(_create_database(name))
        made.append(name)
        return postgres_url(name)

    yield make  # type: ignore[misc]
    for name in made:
        run_blocking(_drop_database(name))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fresh_database: Callable[..., str],
) -> str:
    """One migrated database per backend for the whole run."""
    directory = tmp_path_factory.mktemp(f"db-{request.param}")
    url = fresh_database(request.param, directory)
    upgrade(Settings(data_dir=directory, database_url=url))
    return url


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    settings = Settings(data_dir=data_dir, **overrides)
    load_master_key(settings, create=True)
    return settings


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings on the backend under test; every table but the seeded ones is emptied after."""
    settings = make_settings(tmp_path, database_url=database_url)
    yield settings
    run_blocking(_empty_tables(settings))


async def _empty_tables(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in SEEDED_TABLES:
                    await connection.execute(delete(table))
    finally:
        await engine.dispose()


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings)
    async with session_factory(engine)() as session:
        yield session
    await engine.dispose()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


async def _flush_redis() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


@pytest.fixture
def redis_url() -> str:
    """The real Redis, emptied first: arq keeps job ids and results there between runs."""
    require_service("redis")
    run_blocking(_flush_redis())
    return REDIS_URL


def settings_environment(settings: Settings) -> dict[str, str]:
    """The FEEDBACK_* variables that reproduce these settings for a CLI or subprocess."""
    env = {
        "FEEDBACK_DATA_DIR": str(settings.data_dir),
        "FEEDBACK_DATABASE_URL": settings.database_url,
        "FEEDBACK_PUBLIC_BASE_URL": settings.public_base_url,
    }
    if settings.key_file is not None:
        env["FEEDBACK_KEY_FILE"] = str(settings.key_file)
    if settings.redis_url:
        env["FEEDBACK_REDIS_URL"] = settings.redis_url
    return env


class Cli:
    """Runs `feedback ...` in-process with click's runner and the test's settings."""

    def __init__(self, settings: Settings) -> None:
        self.env = settings_environment(settings)

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        runner = CliRunner()
        return runner.invoke(
            cli_main,
            list(args),
            input=input,
            env={**self.env, **(env or {})},
            catch_exceptions=False,
        )


@pytest.fixture
def cli(settings: Settings) -> Cli:
    return Cli(settings)
