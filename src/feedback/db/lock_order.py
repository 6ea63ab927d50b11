"""The one order in which every write path takes row locks, and the retry for what slips by.

PostgreSQL locks a row when a statement (or a trigger it fires) writes it, and holds the
lock until the commit. Two transactions that lock two rows in opposite orders each wait
for the other: a deadlock, which PostgreSQL breaks by failing one of them. So every write
path (intake grouped and single, SMS, withdrawal, tagging, retag, retention) takes the
rows of these tables in this order, and never goes back up it:

1. the entry: the `links` row burned, or the `join_codes` row counted (an SMS
   conversation's own row, keyed by its number, comes before it);
2. existing `responses` rows: withdrawal locks its response FOR UPDATE before anything
   else; tagging key-shares it through its inserts' foreign keys; `withdrawal_requests`
   rows go with their response. A new response row locks nothing another transaction
   waits on (a duplicate of the same form waits, then fails the unique check);
3. `answer_counts`, in key order: survey_version_id, service_id, borough, month, channel,
   then question_id and option, strings in code-point ("C") order (`COUNTER_ORDER`);
4. `report_cells`, never written directly: the triggers on answer_counts and responses
   take them at the end of each statement. So a transaction writes its answer_counts rows
   before (or in the same statement as) the response insert or delete whose trigger takes
   the cell: intake's group write is one statement; the single path upserts its counters
   before it inserts the response; withdrawal locks and corrects its counters before it
   deletes the response;
5. `response_tagging` and `theme_tags` of one response;
6. `report_tag_cells`, taken by the theme_tags triggers;
7. `danger_flag_counts`, then `emerging_phrase_counts` in key order.

Outcome pairing (outcomes/pairing.py) sits between steps 3 and 4 in an outcome survey's
intake or exit transaction, after its answer_counts and before the response insert:

3a. the `outcome_pairings` row of the code, FOR UPDATE (an exit's waiting intake, or the
    row a withdrawal deletes; an intake inserts its own new row and locks nothing else);
3b. `outcome_pair_counts`, in key order (`PAIR_COUNTER_ORDER`), strings in "C" order, all
    in one statement; then the pairing row's update or delete.

A withdrawal by receipt code takes 3a and 3b when it records the request (the worker
deletes the response later, by the steps above); the expiry sweep deletes only waiting
rows, which no counter holds, in one statement, so it takes 3a alone.

This is written once, here; the modules that take the locks say which step they are at.
A deadlock or serialisation failure that still happens (a path added later, a lock taken
by a foreign-key check) is retried by `retry_conflicts`, never shown to anyone.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = [
    "CONFLICT_TRIES",
    "COUNTER_ORDER",
    "PAIR_COUNTER_ORDER",
    "is_lock_conflict",
    "retry_conflicts",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

COUNTER_ORDER = (
    "survey_version_id",
    "service_id",
    "borough",
    "month",
    "channel",
    "question_id",
    "option",
)
PAIR_COUNTER_ORDER = (
    "survey_version_id",
    "service_id",
    "borough",
    "month",
    "item",
    "intake_answer",
    "exit_answer",
)
# deadlock_detected, serialization_failure: the transaction did nothing, try it again
CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})
CONFLICT_TRIES = 6
_FIRST_DELAY_SECONDS = 0.02


def is_lock_conflict(error: BaseException) -> bool:
    """True when PostgreSQL failed the transaction to break a deadlock or a serialisation
    conflict, whether the error is asyncpg's own or SQLAlchemy's wrapping of it."""
    seen: BaseException | None = error
    for _depth in range(5):  # SQLAlchemy error -> adapted DBAPI error -> asyncpg error
        if seen is None:
            return False
        for attribute in ("sqlstate", "pgcode"):
            if getattr(seen, attribute, None) in CONFLICT_SQLSTATES:
                return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


async def retry_conflicts(attempt: Callable[[], Awaitable[T]], *, what: str) -> T:
    """Run `attempt` (one whole transaction, from its start) again after a lock conflict,
    with a growing jittered pause so the two sides do not collide again in step. Any
    other error, or a conflict on the last try, is raised."""
    for tries in range(1, CONFLICT_TRIES + 1):
        try:
            return await attempt()
        except Exception as error:
            if not is_lock_conflict(error) or tries == CONFLICT_TRIES:
                raise
            log.warning("%s: lock conflict, retry %d", what, tries)
            delay = _FIRST_DELAY_SECONDS * 2**tries
            await asyncio.sleep(random.uniform(delay / 2, delay))  # noqa: S311 - jitter only
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
