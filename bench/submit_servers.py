"""The two apps bench/submit.py serves, each in its own uvicorn process, both run by
`feedback serve`'s own serving function (one worker, access log off, startup objects
frozen out of the cyclic collector): the real app and the floor."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

import asyncpg
import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from litestar import Litestar, MediaType, Request, get, post

FLOOR_TABLE = "bench_floor"
ANSWERS = {
    "q_felt_believed": "5",
    "q_had_to_repeat_story": "yes",
    "q_times_told_story": "3",
    "q_what_helped_most": "My advocate phoned me every week and listened",
    "q_age_band": "prefer_not_to_say",
}


class FloorSubmission(msgspec.Struct):
    answers: dict[str, str]
    language: str = "en"


def floor_app(database_url: str) -> Litestar:
    """Decode, seal with AES-GCM (a fixed key: what intake could do if it were allowed a
    symmetric key), one INSERT through a pool as large as the real app's. Nothing else."""
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    pools: list[asyncpg.Pool] = []

    @asynccontextmanager
    async def pool(app: Litestar) -> AsyncGenerator[None, None]:
        pools.append(await asyncpg.create_pool(database_url, min_size=10, max_size=30))
        yield
        await pools[0].close()

    @get("/ping", media_type=MediaType.TEXT, sync_to_thread=False)
    def ping() -> str:
        return "ok"

    @post("/floor", media_type=MediaType.TEXT, status_code=200)
    async def submit(request: Request) -> str:  # type: ignore[type-arg]
        submission = msgspec.json.decode(await request.body(), type=FloorSubmission)
        response_id = uuid.uuid4()
        sealed = aead.encrypt(os.urandom(12), msgspec.json.encode(submission), response_id.bytes)
        await pools[0].execute(
            f"INSERT INTO {FLOOR_TABLE} (id, sealed) VALUES ($1, $2)", response_id, sealed
        )
        return "ok"

    return Litestar([ping, submit], lifespan=[pool], logging_config=None, debug=False)


def serve(kind: str, port: int) -> None:
    from submit_profile import install_profiler

    from feedback.app import create_app
    from feedback.logs import configure_logging
    from feedback.serving import serve_app
    from feedback.settings import Settings

    settings = Settings.from_env()
    install_profiler()
    if kind == "real":
        configure_logging(settings)
        app = create_app(settings)
    else:
        app = floor_app(settings.database_url.replace("postgresql+asyncpg://", "postgresql://"))
    serve_app(app, host="127.0.0.1", port=port)  # both exactly as `feedback serve` runs
