"""The link submission on PostgreSQL: forms go in groups, one read and one write each.

`submit_response` (general.py) hands single-use links here on PostgreSQL, to the app's
GroupIntake (made in its lifespan, kept in its state). Forms that arrive while a group is
in flight wait and go together in the next group, which takes one read
statement (for each form: is it already stored, its link and batch, its period's public
key, the service's borough), seals each form's answers in Python (one key agreement for
the group: crypto/sealing.py's Sealer), then one data-modifying write statement that
burns the links, inserts the sealed responses and bumps the counters. A single statement
is its own transaction: all or nothing, with no BEGIN and COMMIT round trips.

Why groups: every response to a survey at a service in a month bumps the same counter rows,
and a row lock is held until the commit is on disk, so one response at a time per counter
cell is all PostgreSQL can do (one WAL flush each, ~4-5 ms on this kind of machine: ~200
responses/s, whatever the CPU). A group shares one flush: each response is still burned,
stored and counted in one transaction, only a shared one. Grouping the read too means a
busy process spends two round trips per group rather than per form.

The guarantees are the ones the general path (general.py: join codes, SQLite) gives, by the
same rules (rules.py):
- the conditional UPDATE is the guard: of two racing statements exactly one burns a link
  (PostgreSQL re-checks `NOT used` on the row the winner committed), and a response and
  its counters are written only from its burned link; a group never holds one link twice;
- the burn also requires the sealing key to be still live, so a key destroyed after it was
  read is not used to seal anything stored;
- rows are locked in the order of db/lock_order.py (links, then counter rows in key
  order, then the report cells the triggers take at the end of the statement), so
  concurrent writers cannot deadlock; a lock conflict that still happens is retried;
- if a group statement fails, each of its submissions is written again on its own, so one
  bad row never fails the others;
- a form is answered once, with the truth: its receipt only once its row is committed;
  NotStored when the statement that carried it was refused (nothing of it is stored, and
  sending the same form again is safe); a form whose write lost its link to a racing
  statement, or whose write's outcome is unknown (the connection broke), is read again
  (stored meanwhile, by a double-click or by that very write: its receipt; else LinkUsed).

Statements go to the asyncpg connection (no SQLAlchemy compile or result machinery: this
is the service's busiest path), prepared once per connection by asyncpg's cache.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec
from sqlalchemy import literal_column
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from feedback.crypto.errors import NoSealingKey
from feedback.crypto.sealing import Sealer
from feedback.db.base import utc_now
from feedback.db.lock_order import retry_conflicts
from feedback.links.errors import LinkUnavailable, LinkUsed
from feedback.responses.errors import NotStored
from feedback.responses.intake.rules import (
    COUNTER_ORDER,
    batch_is_live,
    counted_borough,
    key_is_live,
    lock_order_sql,
    postgresql_text,
)

__all__ = [
    "GroupIntake",
    "LinkForm",
    "LinkState",
    "LinkWrite",
    "group_intake_for",
    "pooled_driver",
    "read_link_states",
    "write_group",
]

log = logging.getLogger(__name__)

# For each submitted form: is it stored; the link, its batch and whether it may still be
# used; the live public key of the form's period; the borough counted for the service. One
# row per form, in the order given. The rules are rules.py's, rendered to PostgreSQL.
_READ = f"""
SELECT
    EXISTS (SELECT 1 FROM responses WHERE id = submitted.response_id) AS stored,
    entry.id AS link_id,
    entry.used,
    entry.live,
    entry.service_id,
    entry.channel,
    entry.borough,
    sealing.id AS key_period_id,
    sealing.public_key
FROM unnest($1::varchar[], $2::varchar[], $3::varchar[])
    WITH ORDINALITY AS submitted (response_id, digest, period, position)
LEFT JOIN LATERAL (
    SELECT
        links.id,
        links.used,
        link_batches.service_id,
        link_batches.channel,
        {postgresql_text(batch_is_live(literal_column("$4::timestamptz")))} AS live,
        {postgresql_text(counted_borough(literal_column("link_batches.service_id")))}
            AS borough
    FROM links
    JOIN link_batches ON link_batches.id = links.batch_id
    WHERE links.token_digest = submitted.digest
) AS entry ON TRUE
LEFT JOIN LATERAL (
    SELECT key_periods.id, key_periods.public_key
    FROM key_periods
    WHERE key_periods.label = submitted.period AND {postgresql_text(key_is_live())}
    LIMIT 1
) AS sealing ON TRUE
ORDER BY submitted.position
"""  # noqa: S608 - the f-string holds rules.py's constant SQL, never a value sent in

_CELL = {key: f"s.{key}" for key in COUNTER_ORDER if key not in ("question_id", "option")}
# The write's statement burns links, then (by the lock order of rules.lock_order_sql) the
# counter rows, and inserts the responses whose triggers take the report cells.
_WRITE = f"""
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
          WHERE key_periods.id = submitted.key_period_id AND {postgresql_text(key_is_live())}
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
    ORDER BY {lock_order_sql(_CELL)}, s.response_id COLLATE "C"
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
    GROUP BY s.survey_version_id, s.service_id, s.borough, s.month, s.channel,
        c.question_id, c.option
    ORDER BY {lock_order_sql(_CELL | {"question_id": "c.question_id", "option": "c.option"})}
    ON CONFLICT (survey_version_id, question_id, option, service_id, borough, month, channel)
    DO UPDATE SET count = answer_counts.count + excluded.count
)
SELECT id FROM stored
"""  # noqa: S608 - the f-string holds rules.py's constant SQL, never a value sent in


class LinkState:
    """What the read statement found for one form; `link_id` is None when no link has that
    digest."""

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


class LinkForm(msgspec.Struct, frozen=True, kw_only=True):
    """One link's finished form, not sealed yet: the group seals it once the read has found
    its period's public key. `period` is the label of the period it was submitted in."""

    digest: str
    response_id: str
    period: str
    survey_version_id: int
    consent_notice_version_id: int | None
    language: str
    submitted_on: date
    month: str
    plaintext: bytes
    associated_data: bytes
    receipt_digest: str
    counted: list[tuple[str, str]]


@asynccontextmanager
async def pooled_driver(engine: AsyncEngine) -> AsyncIterator[Any]:
    """An asyncpg connection from the engine's pool, handed back afterwards: cheaper than a
    session's connection (no session transaction, events or result objects). One that
    broke (or was left mid-statement) is thrown away, not handed to the next group."""
    pooled = await engine.raw_connection()
    try:
        yield pooled.driver_connection
    except BaseException as error:
        if not _refused(error):
            await greenlet_spawn(pooled.invalidate)
        raise
    finally:
        await greenlet_spawn(pooled.close)


def _refused(error: BaseException) -> bool:
    """The server ran the statement and refused it, so nothing of it was stored; a broken
    connection (class 08) leaves the outcome unknown."""
    return isinstance(error, asyncpg.PostgresError) and not isinstance(
        error, asyncpg.PostgresConnectionError
    )


async def read_link_states(driver: Any, forms: list[LinkForm], *, now: datetime) -> list[LinkState]:
    """One state per form, in order, read by one statement."""
    rows = await driver.fetch(
        _READ,
        [form.response_id for form in forms],
        [form.digest for form in forms],
        [form.period for form in forms],
        now,
    )
    return [LinkState(row) for row in rows]


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


def group_intake_for(engine: AsyncEngine) -> GroupIntake | None:
    """The app's group intake for its engine: on PostgreSQL only (SQLite takes the general
    path, one form at a time)."""
    return GroupIntake(engine) if engine.dialect.name == "postgresql" else None


MAX_GROUP = 200
MAX_READS = 4  # a form read again this often without an outcome is answered NotStored


class _Pending:
    """A form waiting for its group, and the caller waiting for its outcome."""

    __slots__ = ("attempt", "done", "form")

    def __init__(self, form: LinkForm) -> None:
        self.form = form
        self.done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.attempt = 0  # reads after a write that did not store it (lost race, unknown)

    def fail(self, error: BaseException) -> None:
        if not self.done.done():
            self.done.set_exception(error)

    def succeed(self, repeated: bool) -> None:
        if not self.done.done():
            self.done.set_result(repeated)


class GroupIntake:
    """One group in flight per engine: one read statement, sealing in Python, one write
    statement. Forms that arrive meanwhile wait and go in the next group. Nothing is kept
    once written: it holds only waiting forms. The app makes one in its lifespan, for its
    engine, and closes it before the engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._waiting: list[_Pending] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, form: LinkForm) -> bool:
        """Store one form with whatever else is waiting. True when the form was stored
        before (a resubmission), False when this call stored it. Raises LinkUnavailable
        (no such link, used, expired, revoked), LinkUsed (the link went to another form
        meanwhile) or NoSealingKey."""
        pending = _Pending(form)
        self._waiting.append(pending)
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await pending.done

    async def close(self) -> None:
        """Let the group in flight (and any waiting) finish, so no caller is left waiting
        on an engine that is about to be disposed."""
        running = self._running
        if running is None or running.done():
            return
        if running.get_loop() is not asyncio.get_running_loop():
            return  # another event loop's group: that loop's caller waits for it
        await asyncio.gather(running, return_exceptions=True)

    def _next_group(self) -> list[_Pending]:
        group: list[_Pending] = []
        later: list[_Pending] = []
        digests: set[str] = set()
        for pending in self._waiting:
            if pending.form.digest in digests or len(group) >= MAX_GROUP:
                later.append(pending)  # the same link twice (a double-click) waits its turn
            else:
                digests.add(pending.form.digest)
                group.append(pending)
        self._waiting = later
        return group

    async def _drain(self) -> None:
        while self._waiting:
            group = self._next_group()
            try:
                await self._run(group)
            except BaseException as error:  # noqa: BLE001 - every waiter hears of it
                if not isinstance(error, Exception):
                    for pending in group:
                        pending.fail(error)
                    raise
                # The read failed (or the database went away before any write): nothing of
                # this group is known to be stored; the same form may be sent again.
                log.warning("link intake: group not stored (%s)", type(error).__name__)
                for pending in group:
                    pending.fail(NotStored())

    async def _run(self, group: list[_Pending]) -> None:
        sealed: list[tuple[_Pending, LinkWrite]] = []
        try:
            async with pooled_driver(self._engine) as driver:
                states = await read_link_states(driver, [p.form for p in group], now=utc_now())
                sealers: dict[bytes, Sealer] = {}  # one key agreement per period key and group
                sealed = [
                    (pending, write)
                    for pending, state in zip(group, states, strict=True)
                    if (write := _sealed_or_settled(pending, state, sealers)) is not None
                ]
                if not sealed:
                    return
                stored = await _write_all(driver, sealed)
        except Exception as error:
            if not sealed:
                raise  # the read failed: nothing was written
            # The write's outcome is unknown (the connection broke): the next read tells.
            log.warning("link intake: write outcome unknown (%s)", type(error).__name__)
            self._read_again([pending for pending, _write in sealed])
            return
        for pending, write in sealed:
            if write.response_id in stored:
                pending.succeed(False)
            else:  # lost to a racing statement (or refused, and told already)
                self._read_again([pending])

    def _read_again(self, pendings: list[_Pending]) -> None:
        """Back in the queue for the next group's read, which finds each stored or not;
        a form not yet answered after MAX_READS reads is answered NotStored."""
        for pending in pendings:
            if pending.done.done():
                continue
            pending.attempt += 1
            if pending.attempt >= MAX_READS:
                pending.fail(NotStored())
            else:
                self._waiting.append(pending)


def _sealed_or_settled(
    pending: _Pending, state: LinkState, sealers: dict[bytes, Sealer]
) -> LinkWrite | None:
    """The sealed write for a form that may be stored; otherwise its outcome, settled now."""
    form = pending.form
    if state.stored:
        pending.succeed(True)
        return None
    if not state.usable:
        pending.fail(LinkUsed() if pending.attempt else LinkUnavailable())
        return None
    if state.key_period_id is None or state.public_key is None:
        missing = f"no sealing key for period {form.period}: run `feedback keys rotate`"
        pending.fail(NoSealingKey(missing))
        return None
    assert state.link_id is not None
    sealer = sealers.get(state.public_key) or sealers.setdefault(
        state.public_key, Sealer(state.public_key)
    )
    return LinkWrite(
        link_id=state.link_id,
        response_id=form.response_id,
        survey_version_id=form.survey_version_id,
        consent_notice_version_id=form.consent_notice_version_id,
        service_id=state.service_id,
        borough=state.borough,
        channel=state.channel,
        language=form.language,
        submitted_on=form.submitted_on,
        key_period_id=state.key_period_id,
        sealed=sealer.seal(form.plaintext, form.associated_data),
        receipt_digest=form.receipt_digest,
        month=form.month,
        counted=form.counted,
    )


async def _write_all(driver: Any, sealed: list[tuple[_Pending, LinkWrite]]) -> set[str]:
    """The ids stored by one group statement; if it is refused, each write on its own, so
    one bad row never fails the others (a refused one is answered NotStored: its statement
    stored nothing). A lock conflict is retried; a broken connection is raised."""
    try:
        return await _write_retrying(driver, [write for _pending, write in sealed])
    except asyncpg.PostgresError as error:
        if not _refused(error):
            raise
    stored: set[str] = set()
    for pending, write in sealed:
        try:
            stored |= await _write_retrying(driver, [write])
        except asyncpg.UniqueViolationError:  # stored meanwhile: the next read says so
            pass
        except asyncpg.PostgresError as error:
            if not _refused(error):
                raise
            log.warning("link intake: a form was refused (%s)", type(error).__name__)
            pending.fail(NotStored())
    return stored


async def _write_retrying(driver: Any, writes: list[LinkWrite]) -> set[str]:
    return await retry_conflicts(lambda: write_group(driver, writes), what="link intake")
