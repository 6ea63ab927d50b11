"""Pairing an intake survey with an exit survey by the intake's receipt code, never by who.

The intake's receipt code doubles as the pairing code: she keeps one code, not two, and
withdrawing the intake (which needs that code) can always find and remove the pair. At
intake the closed answers to the paired items are kept sealed under the code; at exit,
in the exit response's own transaction, they are opened with the code she enters, each
paired item is counted as (intake answer, exit answer), and the waiting answers are
replaced by what was counted, sealed under each side's code so that withdrawing either
response takes the pair back out of the counts and deletes the link.

Master keys: every function here that finds a code takes all the configured master keys,
current first, and tries each, so a code issued before a master-key rotation still pairs
(and can still be withdrawn); whatever is written is written under the current key.

Lock order (db/lock_order.py, steps 3a and 3b): the pairing row, then the pair counters
in sorted order, then the row's update or delete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, cast

import msgspec
from sqlalchemy import Table, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from feedback.crypto.master import candidate_digests
from feedback.db.lock_order import PAIR_COUNTER_ORDER
from feedback.links.throttle import check_guess_budget, record_wrong_guess
from feedback.outcomes.codes import (
    Side,
    code_key,
    open_for_code,
    pairing_digest,
    seal_for_code,
)
from feedback.outcomes.errors import PairingCodeUnknown
from feedback.outcomes.expiry import this_month
from feedback.outcomes.models import OutcomePairCount, OutcomePairing
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.outcome_rules import EXIT, INTAKE

__all__ = [
    "PAIRS_ITEM",
    "OutcomeStep",
    "PairedAnswer",
    "PairingPlace",
    "check_pairing_code",
    "count_outcome",
    "keep_for_pairing",
    "outcome_step",
    "pair_exit",
    "pairing_code_error",
    "withdraw_pairing",
]

PAIRS_ITEM = "_pairs"
"""The counter item that counts matched pairs (no item code starts with `_`)."""
MAX_CODE_CHARACTERS = 64

_PAIRINGS = cast(Table, OutcomePairing.__table__)
_COUNTS = cast(Table, OutcomePairCount.__table__)
_COUNT_KEY = list(PAIR_COUNTER_ORDER)

Answers = Mapping[str, str | int | list[str]]


class PairedAnswer(msgspec.Struct, frozen=True, array_like=True, order=True):
    item: str
    intake: str
    exit: str


class PairingPlace(msgspec.Struct, frozen=True, kw_only=True):
    """Where the exit response is counted: its pair counts go in the same cell."""

    survey_version_id: int
    service_id: int
    borough: str
    month: str


class _Counted(msgspec.Struct, kw_only=True):
    place: PairingPlace
    answers: list[PairedAnswer]


class OutcomeStep(msgspec.Struct, frozen=True, kw_only=True):
    """What an outcome survey's submission adds to its transaction: an intake keeps its
    paired answers under its receipt code; an exit given `pairing_code` counts the pair."""

    stage: str
    pairs: dict[str, str]
    pairing_code: str = ""


def outcome_step(published: PublishedSurvey, pairing_code: str = "") -> OutcomeStep | None:
    """The step for a survey version, or None for a survey that is not an outcome survey."""
    stage = published.definition.kind
    if stage not in (INTAKE, EXIT) or not published.pairs:
        return None
    return OutcomeStep(stage=stage, pairs=published.pairs, pairing_code=pairing_code.strip())


async def count_outcome(
    connection: AsyncConnection,
    step: OutcomeStep,
    *,
    receipt_code: str,
    answers: Answers,
    place: PairingPlace,
    master_keys: Sequence[bytes],
) -> None:
    """The one call intake makes, in the response's transaction (responses/intake/general.py)."""
    if step.stage == INTAKE:
        await keep_for_pairing(
            connection,
            code=receipt_code,
            pairs=step.pairs,
            answers=answers,
            master_key=master_keys[0],
        )
    elif step.pairing_code:
        await pair_exit(
            connection,
            code=step.pairing_code,
            exit_code=receipt_code,
            pairs=step.pairs,
            answers=answers,
            place=place,
            master_keys=master_keys,
        )


def _closed(value: str | int | list[str]) -> str | None:
    """Paired items are single answers; a list (multiple choice) is never paired."""
    return None if isinstance(value, list) else str(value)


async def keep_for_pairing(
    connection: AsyncConnection,
    *,
    code: str,
    pairs: Mapping[str, str],
    answers: Answers,
    master_key: bytes,
) -> None:
    """In the intake's transaction: keep its answers to the paired items (pair item →
    question id in `pairs`) sealed under its code. A resubmitted form changes nothing."""
    kept = {
        item: value
        for item, question_id in sorted(pairs.items())
        if question_id in answers and (value := _closed(answers[question_id])) is not None
    }
    digest = pairing_digest(master_key, code, "intake")
    sealed = seal_for_code(code_key(master_key, code), msgspec.json.encode(kept), digest)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    await connection.execute(
        dialect.insert(_PAIRINGS)
        .values(
            intake_digest=digest, paired=False, sealed_for_intake=sealed, kept_month=this_month()
        )
        .on_conflict_do_nothing(index_elements=["intake_digest"])
    )


async def check_pairing_code(
    session: AsyncSession,
    code: str,
    *,
    master_keys: Sequence[bytes],
    client: str,
    attempts_per_hour: int,
) -> None:
    """PairingCodeUnknown unless an intake was kept under this code; a wrong code uses up
    the client's guessing budget shared with join and receipt codes, so codes cannot be
    found by trying. A code already paired is known (a form sent again after its page was
    lost must not be refused), but pairs nothing a second time (`pair_exit`)."""
    key = await check_guess_budget(
        session, master_key=master_keys[0], client=client, attempts_per_hour=attempts_per_hour
    )
    found = None
    if len(code) <= MAX_CODE_CHARACTERS:
        digests = candidate_digests(master_keys, code, partial(pairing_digest, side="intake"))
        found = await session.scalar(
            select(_PAIRINGS.c.intake_digest).where(_PAIRINGS.c.intake_digest.in_(digests))
        )
    if found is None:
        await record_wrong_guess(session, key)
        raise PairingCodeUnknown()


async def pairing_code_error(
    session: AsyncSession,
    step: OutcomeStep | None,
    *,
    master_keys: Sequence[bytes],
    client: str,
    attempts_per_hour: int,
) -> str:
    """What to tell her about the code she typed at the top of an exit survey: nothing when
    it matches (or she typed none), else the neutral message, so she can correct it
    before her answers are sent."""
    if step is None or step.stage != EXIT or not step.pairing_code:
        return ""
    try:
        await check_pairing_code(
            session,
            step.pairing_code,
            master_keys=master_keys,
            client=client,
            attempts_per_hour=attempts_per_hour,
        )
    except PairingCodeUnknown as error:
        return error.message
    return ""


async def pair_exit(
    connection: AsyncConnection,
    *,
    code: str,
    exit_code: str,
    pairs: Mapping[str, str],
    answers: Answers,
    place: PairingPlace,
    master_keys: Sequence[bytes],
) -> bool:
    """In the exit's transaction: count each paired item both sides answered as (intake
    answer, exit answer), and the pair itself; False (nothing counted) when no intake waits
    for `code`, so an unpaired exit still counts for its exit-only items."""
    found = await _waiting(connection, code, master_keys)
    if found is None:
        return False
    digest, master, kept = found
    matched = sorted(
        PairedAnswer(item, kept[item], value)
        for item, question_id in pairs.items()
        if item in kept
        and question_id in answers
        and (value := _closed(answers[question_id])) is not None
    )
    counted = _Counted(place=place, answers=[PairedAnswer(PAIRS_ITEM, "", ""), *matched])
    await _add_counts(connection, counted, +1)
    exit_digest = pairing_digest(master_keys[0], exit_code, "exit")
    plain = msgspec.json.encode(counted)
    await connection.execute(
        update(_PAIRINGS)
        .where(_PAIRINGS.c.intake_digest == digest)
        .values(
            paired=True,
            kept_month=None,  # a pair carries no time; only waiting rows expire
            exit_digest=exit_digest,
            sealed_for_intake=seal_for_code(code_key(master, code), plain, digest),
            sealed_for_exit=seal_for_code(code_key(master_keys[0], exit_code), plain, exit_digest),
        )
    )
    return True


async def withdraw_pairing(
    connection: AsyncConnection, code: str, *, master_keys: Sequence[bytes]
) -> bool:
    """The holder of an intake's or an exit's receipt code withdraws: its pair leaves the
    counts and the link is deleted. True when there was one."""
    sides: tuple[tuple[Side, Any], ...] = (
        ("intake", _PAIRINGS.c.intake_digest),
        ("exit", _PAIRINGS.c.exit_digest),
    )
    for master in master_keys:
        for side, column in sides:
            digest = pairing_digest(master, code, side)
            row = (
                await connection.execute(
                    _select_pairing().where(column == digest).with_for_update()
                )
            ).one_or_none()
            if row is None:
                continue
            sealed = row.sealed_for_intake if side == "intake" else row.sealed_for_exit
            if row.paired:
                plain = open_for_code(code_key(master, code), sealed, digest)
                if plain is not None:
                    await _add_counts(connection, msgspec.json.decode(plain, type=_Counted), -1)
            await connection.execute(
                delete(_PAIRINGS).where(_PAIRINGS.c.intake_digest == row.intake_digest)
            )
            return True
    return False


def _select_pairing() -> Any:
    return select(
        _PAIRINGS.c.intake_digest,
        _PAIRINGS.c.paired,
        _PAIRINGS.c.sealed_for_intake,
        _PAIRINGS.c.sealed_for_exit,
    )


async def _waiting(
    connection: AsyncConnection, code: str, master_keys: Sequence[bytes]
) -> tuple[str, bytes, dict[str, str]] | None:
    """(digest, master key it was kept under, kept answers) of the intake waiting for
    `code`, locked; None when there is none (never stored, withdrawn or already paired)."""
    for master in master_keys:
        digest = pairing_digest(master, code, "intake")
        row = (
            await connection.execute(
                _select_pairing()
                .where(_PAIRINGS.c.intake_digest == digest, _PAIRINGS.c.paired.is_(False))
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            continue
        plain = open_for_code(code_key(master, code), row.sealed_for_intake, digest)
        if plain is not None:
            return digest, master, msgspec.json.decode(plain, type=dict[str, str])
    return None


async def _add_counts(connection: AsyncConnection, counted: _Counted, step: int) -> None:
    """Add (or take back) one pair: one statement, rows in sorted order so concurrent exits
    lock counter rows in the same order and cannot deadlock."""
    place = msgspec.structs.asdict(counted.place)
    rows: list[dict[str, Any]] = [
        {**place, "item": a.item, "intake_answer": a.intake, "exit_answer": a.exit}
        for a in sorted(set(counted.answers))
    ]
    if step > 0:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(_COUNTS).values([{**row, "count": step} for row in rows])
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=_COUNT_KEY,
                set_={"count": _COUNTS.c.count + statement.excluded.count},
            )
        )
        return
    matches = or_(*(_key_matches(row) for row in rows))
    await connection.execute(update(_COUNTS).where(matches).values(count=_COUNTS.c.count + step))
    await connection.execute(delete(_COUNTS).where(matches, _COUNTS.c.count <= 0))


def _key_matches(row: Mapping[str, Any]) -> Any:
    return and_(*(_COUNTS.c[name] == row[name] for name in _COUNT_KEY))
