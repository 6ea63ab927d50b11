"""Engine and session factory for the configured database; SQLite gets WAL and foreign keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from feedback.settings import Settings


def create_engine(settings: Settings) -> AsyncEngine:
    """One engine per process; SQLite files get their folder created first."""
    if settings.is_sqlite:
        return _sqlite_engine(settings)
    # Up to 30 connections, all kept once opened: overflow connections are closed as soon
    # as they are returned, so under steady load they were reopened (TLS and all) constantly.
    return create_async_engine(settings.database_url, pool_size=30, max_overflow=0)


def _sqlite_engine(settings: Settings) -> AsyncEngine:
    path = settings.database_url.split("///", 1)[-1]
    if path and path != ":memory:":
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(settings.database_url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def request_session(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session for one request. A session holds a connection only inside a transaction,
    so one that ends with none open has nothing to release: it is closed (rolling back
    what is open) only when a transaction is open, which spares most requests a greenlet
    switch. Services commit their own units of work."""
    session = sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            await session.close()
