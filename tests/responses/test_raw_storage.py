"""What a leaked database would show. After a respondent sends distinctive words through
the real web journey (and the background tagging has run), the raw SQLite file with its
WAL, and every PostgreSQL table copied out as COPY writes it, hold none of those words,
none of the answers in readable form, no address, no user agent and no link token."""

from __future__ import annotations

import asyncio
import binascii
import json
from pathlib import Path

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.db.registry import Base
from feedback.links.tokens import token_digest
from feedback.responses.intake import receipt_digest
from feedback.settings import Settings
from tests.support.responses import answer_survey

Client = AsyncTestClient[Litestar]
HELPED = "Zebracorn Hollowmead counselling on Thursdays"
CHANGE = "Marigold-Vesper waiting room 7741"
POLISH = "Źdźbło pszenicy w Wąchocku"
USER_AGENT = "QuokkaBrowser/7.3 (distinctive; test)"
ANSWERS = {
    "q_felt_believed": "2",
    "q_had_to_repeat_story": "yes",
    "q_times_told_story": "37",
    "q_what_helped_most": HELPED,
    "q_what_should_change": f"{CHANGE} {POLISH}",
    "q_age_band": "prefer_not_to_say",
}
# The answers as the sealed plaintext would spell them, were it ever stored readable.
ANSWER_FRAGMENTS = ['"times_told_story":37', '"felt_believed":2']


def spellings(secret: str) -> list[bytes]:
    """The ways a text could sit in raw storage: UTF-8, UTF-16 (SQLite can store text so),
    hex (how COPY writes bytea), and JSON with \\u escapes."""
    raw = secret.encode()
    forms = {
        raw,
        secret.encode("utf-16-le"),
        binascii.hexlify(raw),
        json.dumps(secret).strip('"').encode(),
    }
    return sorted(forms)


async def _sqlite_bytes(settings: Settings) -> bytes:
    """The database file and everything beside it SQLite writes: WAL, shared memory, journal."""
    path = Path(settings.database_url.split(":///", 1)[1])
    files = [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
    return b"".join(file.read_bytes() for file in files if file.exists())


async def _postgres_bytes(settings: Settings) -> dict[str, bytes]:
    """Every table of the database, as `COPY table TO STDOUT` writes it."""
    dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        copied: dict[str, bytes] = {}
        for row in tables:
            chunks: list[bytes] = []

            async def collect(chunk: bytes, into: list[bytes] = chunks) -> None:
                into.append(chunk)

            await connection.copy_from_table(row["tablename"], output=collect)
            copied[row["tablename"]] = b"".join(chunks)
        return copied
    finally:
        await connection.close()


async def _submit_and_tag(client: Client, app: Litestar, token: str) -> str:
    client.headers["user-agent"] = USER_AGENT
    receipt = await answer_survey(client, token, ANSWERS)
    # Theme tagging writes too: include what it writes. The app runs on the test client's
    # own loop and thread, so its in-process queue is drained there.
    await asyncio.to_thread(client.blocking_portal.call, app.state.queue.drain)
    return receipt


def _secrets(token: str) -> list[str]:
    return [HELPED, CHANGE, POLISH, "Zebracorn", "Hollowmead", "Marigold", USER_AGENT, token]


async def test_raw_database_holds_no_answer_or_identity(
    client: Client, app: Litestar, settings: Settings, link_token: str, backend: str
) -> None:
    receipt = await _submit_and_tag(client, app, link_token)
    if backend == "sqlite":
        raw = await _sqlite_bytes(settings)
    else:
        raw = b"\n".join((await _postgres_bytes(settings)).values())
    assert receipt_digest(receipt).encode() in raw  # the read does reach the new response
    found = [
        secret
        for secret in [*_secrets(link_token), "testclient", *ANSWER_FRAGMENTS]
        for spelling in spellings(secret)
        if spelling in raw
    ]
    assert found == []


async def test_only_the_links_table_knows_the_token_digest(
    client: Client, app: Litestar, db: AsyncSession, link_token: str
) -> None:
    """The response row holds no token, digest or anything else tying it to its link."""
    await _submit_and_tag(client, app, link_token)
    digest = token_digest(link_token)
    holding = []
    for table in Base.metadata.sorted_tables:
        rows = (await db.execute(select(table))).all()
        if any(digest in str(value) for row in rows for value in row):
            holding.append(table.name)
    assert holding == ["links"]
    columns = (await db.execute(text("SELECT * FROM responses"))).mappings().one()
    assert set(columns) == {
        "id",
        "survey_version_id",
        "consent_notice_version_id",
        "service_id",
        "borough",
        "channel",
        "language",
        "submitted_on",
        "key_period_id",
        "sealed",
        "receipt_digest",
    }
