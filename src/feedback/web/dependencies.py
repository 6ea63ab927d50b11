"""Per-request dependencies: a database session, the settings, the signed-in staff member.
(The disclosure rules reports are read under are provided by `app.py`: web imports no
domain package.)"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.auth.sign_in import SessionView
from feedback.db.engine import request_session
from feedback.queue import JobQueue
from feedback.settings import Settings


async def provide_db(state: State) -> AsyncGenerator[AsyncSession, None]:
    """One session per request; service functions commit their own units of work."""
    async with request_session(state.sessions) as session:
        yield session


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_master_key(state: State) -> bytes:
    key: bytes = state.master_key
    return key


def provide_master_keys(state: State) -> tuple[bytes, ...]:
    """Every configured master key, current first (for opening what older keys sealed)."""
    keys: tuple[bytes, ...] = state.master_keys
    return keys


def provide_queue(state: State) -> JobQueue:
    """Where handlers hand work to the background, after their own commit."""
    queue: JobQueue = state.queue
    return queue


def provide_staff(request: Request[Any, Any, Any]) -> Staff:
    """The staff member the router's guard authenticated."""
    staff: Staff = request.state.staff
    return staff


def provide_session_view(request: Request[Any, Any, Any]) -> SessionView:
    view: SessionView = request.state.session_view
    return view
