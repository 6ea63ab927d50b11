"""Liveness and readiness: /health says the process answers, /ready that its stores do."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text

from feedback.queue import ping_queue


class Health(msgspec.Struct, frozen=True):
    status: str


class Readiness(msgspec.Struct, frozen=True):
    status: str
    database: str
    queue: str


@get("/health", sync_to_thread=False)
def health() -> Health:
    return Health(status="ok")


@get("/ready")
async def ready(state: State) -> Response[Any]:
    """503 unless the database answers and, when one is configured, the queue does too."""
    database = await _database_state(state)
    queue = await ping_queue(state.settings)
    healthy = database == "ok" and queue in ("ok", "in-process")
    body = Readiness(status="ok" if healthy else "unavailable", database=database, queue=queue)
    return Response(body, status_code=200 if healthy else 503)


async def _database_state(state: State) -> str:
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not ready", reported not raised
        return "unreachable"
    return "ok"
