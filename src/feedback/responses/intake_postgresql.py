"""The link submission on PostgreSQL: one read statement, then a group write.

`submit_response` (intake.py) hands single-use links here on PostgreSQL. One statement
reads everything sealing needs (is this form already stored, the link and its batch, the
current period's public key, the service's borough); the answers are sealed in Python; the
write is one data-modifying statement that burns the link, inserts the sealed response and
bumps the counters. A single statement is its own transaction: all or nothing, with no
BEGIN and COMMIT round trips.

Why a group write: every response to a survey at a service in a month bumps the same
counter rows, and a row lock is held until the commit is on disk, so one response at a
time per counter cell is all PostgreSQL can do (one WAL flush each, ~4-5 ms on this kind of
machine: ~200 responses/s, whatever the CPU). Submissions that arrive while a write is in
flight are therefore written together by the next statement, one flush for all of them:
each response is still burned, stored and counted in one transaction, only a shared one.

The guarantees are the ones intake.py's general path gives (join codes, SQLite):
- the conditional UPDATE is the guard: of two racing statements exactly one burns a link
  (PostgreSQL re-checks `NOT used` on the row the winner committed), and a response and
  its counters are written only from its burned link; a group never holds one link twice;
- the burn also requires the sealing key to be still live, so a key destroyed after it was
  read is not used to seal anything stored;
- rows are locked in one global order (responses by counter scope, then counter rows by
  scope, question and option in code-point order, the order the general path sorts them
  in), so concurrent writers cannot deadlock;
- if a group statement fails, each of its submissions is written again on its own, so one
  bad row never fails the others.

Statements go to the asyncpg connection (no SQLAlchemy compile or result machinery: this
is the service's busiest path), prepared once per connection by asyncpg's cache.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

__all__ = [
    "LinkState",
    "LinkWrite",
    "pooled_driver",
    "read_link_state",
    "write_group",
    "write_link_response",
]

# Is the form stored; the link, its batch and whether it may still be used; the current
# period's live public key (the rule of crypto.sealing.current_sealing_key); the borough
# counted for the service (its only borough, else "multiple", as intake._borough_of).
_READ = """
SELECT
    EXISTS (SELECT 1 FROM responses WHERE id = $1::varchar) AS stored,
    entry.id AS link_id,
    entry.used,
    entry.live,
    entry.service_id,
    entry.channel,
    entry.borough,
    sealing.id AS key_period_id,
    sealing.public_key
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT
        links.id,
        links.used,
        link_batches.service_id,
        link_batches.channel,
        link_batches.revoked_at IS NULL
            AND (link_batches.expires_at IS NULL OR link_batches.expires_at > $3::timestamptz)
            AS live,
        (
            SELECT CASE WHEN count(*) = 1 THEN min(boroughs.slug) ELSE 'multiple' END
            FROM service_boroughs
            JOIN boroughs ON boroughs.id = service_boroughs.borough_id
            WHERE service_boroughs.service_id = link_batches.service_id
        ) AS borough
    FROM links
    JOIN link_batches ON link_batches.id = links.batch_id
    WHERE links.token_digest = $2::varchar
) AS entry ON TRUE
LEFT JOIN LATERAL (
    SELECT key_periods.id, key_periods.public_key
    FROM key_periods
    WHERE key_periods.label = $4::varchar AND key_periods.destroyed_at IS NULL
    LIMIT 1
) AS sealing ON TRUE
"""

_WRITE = """
WITH submitted AS (
    SELECT * FROM unnest(
        $1::integer[], $2::varchar[], $3::integer[], $4::integer[], $5::integer[],
        $6::varchar[], $7::varchar[], $8::varchar[], $9::date[], $10::integer[],
        $11::bytea[], $12::varchar[], $13::varchar[]
    ) AS submitted (
        link_id, response_id, survey_version_id, consent_notice_version_id, service_id,
        borough, channel, language, submitted_on, key_period_id, sealed, receipt_digest, month
    )
), burned AS (
    UPDATE links SET used = TRUE
    FROM submitted
    WHERE links.id = submitted.link_id AND NOT links.used
      AND EXISTS (
          SELECT 1 FROM key_periods
          WHERE key_periods.id = submitted.key_period_id AND key_periods.destroyed_at IS NULL
      )
    RETURNING links.id
), stored AS (
    INSERT INTO responses (
        id, survey_version_id, consent_notice_version_id, service_id, borough, channel,
        language, submitted_on, key_period_id, sealed, receipt_digest
    )
    SELECT s.response_id, s.survey_version_id, s.consent_notice_version_id, s.service_id,
        s.borough, s.channel, s.language, s.submitted_on, s.key_period_id, s.sealed,
        s.receipt_digest
    FROM submitted AS s JOIN burned ON burned.id = s.link_id
    ORDER BY s.survey_version_id, s.service_id, s.month, s.channel, s.borough,
        s.response_id COLLATE "C"
    RETURNING responses.id
), counted AS (
    INSERT INTO answer_counts (
        survey_version_id, question_id, option, service_id, borough, month, channel, count
    )
    SELECT s.survey_version_id, c.question_id, c.option, s.service_id, s.borough, s.month,
        s.channel, count(*)
    FROM unnest($14::integer[], $15::varchar[], $16::varchar[])
        AS c (link_id, question_id, option)
    JOIN submitted AS s ON s.link_id = c.link_id
    JOIN burned ON burned.id = s.link_id
    GROUP BY s.survey_version_id, s.service_id, s.month, s.channel, s.borough,
        c.question_id, c.option
    ORDER BY s.survey_version_id, s.service_id, s.month, s.channel, s.borough COLLATE "C",
        c.question_id COLLATE "C", c.option COLLATE "C"
    ON CONFLICT (survey_version_id, question_id, option, service_id, borough, month, channel)
    DO UPDATE SET count = answer_counts.count + excluded.count
)
SELECT id FROM stored
"""


class LinkState:
    """What the read statement found; `link_id` is None when no link has that digest."""

    __slots__ = (
        "borough",
        "channel",
        "key_period_id",
        "link_id",
        "live",
        "public_key",
        "service_id",
        "stored",
        "used",
    )

    def __init__(self, row: Any) -> None:
        self.stored: bool = row["stored"]
        self.link_id: int | None = row["link_id"]
        self.used: bool = bool(row["used"])
        self.live: bool = bool(row["live"])
        self.service_id: int = row["service_id"]
        self.channel: str = row["channel"]
        self.borough: str = row["borough"]
        self.key_period_id: int | None = row["key_period_id"]
        self.public_key: bytes | None = row["public_key"]

    @property
    def usable(self) -> bool:
        return self.link_id is not None and not self.used and self.live


@asynccontextmanager
async def pooled_driver(engine: AsyncEngine) -> AsyncIterator[Any]:
    """An asyncpg connection from the engine's pool, handed back afterwards: cheaper than a
    session's connection (no session transaction, events or result objects)."""
    pooled = await engine.raw_connection()
    try:
        yield pooled.driver_connection
    finally:
        await greenlet_spawn(pooled.close)


async def read_link_state(
    driver: Any, *, response_id: str, digest: str, now: datetime, period: str
) -> LinkState:
    return LinkState(await driver.fetchrow(_READ, response_id, digest, now, period))


class LinkWrite(msgspec.Struct, frozen=True, kw_only=True):
    """One sealed response ready to be written, with the link it burns."""

    link_id: int
    response_id: str
    survey_version_id: int
    consent_notice_version_id: int | None
    service_id: int
    borough: str
    channel: str
    language: str
    submitted_on: date
    key_period_id: int
    sealed: bytes
    receipt_digest: str
    month: str
    counted: list[tuple[str, str]]


async def write_group(driver: Any, writes: list[LinkWrite]) -> set[str]:
    """Burn, store and count every write in one statement (their link ids must differ);
    the ids of the responses stored. A write left out lost its link to another form
    meanwhile, or its sealing key was destroyed meanwhile."""
    columns = [
        [getattr(write, field) for write in writes]
        for field in (
            "link_id",
            "response_id",
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
            "month",
        )
    ]
    counters = [(w.link_id, q, o) for w in writes for q, o in w.counted]
    rows = await driver.fetch(
        _WRITE,
        *columns,
        [link_id for link_id, _q, _o in counters],
        [question for _l, question, _o in counters],
        [option for _l, _q, option in counters],
    )
    return {row["id"] for row in rows}


async def write_link_response(engine: AsyncEngine, write: LinkWrite) -> bool:
    """Write one response with whatever else is waiting on this engine; False when it was
    not stored (see write_group)."""
    writer = _writers.get(engine.sync_engine)
    if writer is None:
        writer = _writers[engine.sync_engine] = _GroupWriter(engine)
    return await writer.write(write)


MAX_GROUP = 200


class _GroupWriter:
    """One write statement in flight per engine (process); what arrives meanwhile waits and
    goes in the next. Nothing is kept once written: it holds only waiting submissions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._waiting: list[tuple[LinkWrite, asyncio.Future[bool]]] = []
        self._running: asyncio.Task[None] | None = None

    async def write(self, write: LinkWrite) -> bool:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((write, done))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await done

    def _next_group(self) -> list[tuple[LinkWrite, asyncio.Future[bool]]]:
        group: list[tuple[LinkWrite, asyncio.Future[bool]]] = []
        later: list[tuple[LinkWrite, asyncio.Future[bool]]] = []
        links: set[int] = set()
        for item in self._waiting:
            if item[0].link_id in links or len(group) >= MAX_GROUP:
                later.append(item)  # the same link twice (a double-click) waits its turn
            else:
                links.add(item[0].link_id)
                group.append(item)
        self._waiting = later
        return group

    async def _drain(self) -> None:
        while self._waiting:
            group = self._next_group()
            try:
                await self._write(group)
            except BaseException as error:  # noqa: BLE001 - every waiter hears of it
                for _write, done in group:
                    if not done.done():
                        done.set_exception(error)
                if not isinstance(error, Exception):
                    raise

    async def _write(self, group: list[tuple[LinkWrite, asyncio.Future[bool]]]) -> None:
        async with pooled_driver(self._engine) as driver:
            try:
                stored = await write_group(driver, [write for write, _done in group])
            except asyncpg.PostgresError:
                for item in group:  # one bad row must not fail the rest: each on its own
                    await self._write_alone(driver, *item)
                return
        for write, done in group:
            if not done.done():
                done.set_result(write.response_id in stored)

    @staticmethod
    async def _write_alone(driver: Any, write: LinkWrite, done: asyncio.Future[bool]) -> None:
        try:
            done.set_result(write.response_id in await write_group(driver, [write]))
        except asyncpg.UniqueViolationError:  # this form was stored meanwhile: the caller looks
            done.set_result(False)
        except asyncpg.PostgresError as error:
            done.set_exception(error)


_writers: weakref.WeakKeyDictionary[Engine, _GroupWriter] = weakref.WeakKeyDictionary()
