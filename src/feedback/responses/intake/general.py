"""Storing a response: burn the link, seal the answers, count closed answers, keep a
receipt digest, all in one transaction, by the rules of rules.py. The sealing key is
public: this module can write responses it can never read back."""

from __future__ import annotations

import functools
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from typing import Any, cast

import msgspec
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from feedback import clock
from feedback.crypto.master import derive_key
from feedback.crypto.periods import period_label
from feedback.crypto.sealing import current_sealing_key, response_associated_data, seal
from feedback.db.base import utc_now
from feedback.links.errors import LinkUsed
from feedback.links.schemas import Entry
from feedback.links.service import burn_entry, redeem_digest
from feedback.outcomes.pairing import PairingPlace, count_outcome
from feedback.responses.answers import TEXT_OPTION
from feedback.responses.intake.grouped import GroupIntake, LinkForm
from feedback.responses.intake.rules import counted_borough, in_lock_order
from feedback.responses.models import AnswerCount, Response
from feedback.responses.schemas import Receipt, Submission
from feedback.themes.danger import signals_immediate_danger

RECEIPT_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
RECEIPT_LENGTH = 16  # 25^16 ≈ 2^74: not guessable, still typable in groups of four
COUNTER_KEY = [
    "survey_version_id",
    "question_id",
    "option",
    "service_id",
    "borough",
    "month",
    "channel",
]


@functools.lru_cache(maxsize=32)
def _purpose_key(master_key: bytes, purpose: str) -> bytes:
    """Purpose keys never change for a master key: derive each once, not per submission."""
    return derive_key(master_key, purpose)


def _derived(master_key: bytes, purpose: str, submission: Submission) -> bytes:
    key = _purpose_key(master_key, purpose)
    message = f"{submission.entry_digest}:{submission.form_nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def response_id_for(master_key: bytes, submission: Submission) -> str:
    return str(uuid.UUID(bytes=_derived(master_key, "response-id", submission)[:16], version=4))


def receipt_code_for(master_key: bytes, submission: Submission) -> str:
    """Derived from the link's secret and the form, so only its holder can produce it, and
    a resubmitted form gets the same code back."""
    number = int.from_bytes(_derived(master_key, "receipt-code", submission), "big")
    letters = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(RECEIPT_ALPHABET))
        letters.append(RECEIPT_ALPHABET[index])
    code = "".join(letters)
    return "-".join(code[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_digest(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


async def submit_response(
    session: AsyncSession,
    submission: Submission,
    *,
    master_keys: Sequence[bytes],
    period_kind: str,
    intake: GroupIntake | None = None,
) -> Receipt:
    """Store one response exactly once. A double-click or resubmitted form returns the same
    receipt; a link already used by another form raises LinkUsed.

    The hot path of the service. Single-use links on PostgreSQL go in groups of forms, one
    read and one write statement per group, to the app's `intake` (grouped.py, for the
    session's engine); join codes, SQLite and callers with no group intake take SQLAlchemy
    Core statements on the session's own connection, in one transaction, compiled once and
    cached. The response id and receipt code derive from the current master key; a
    pairing code is looked up under every one of `master_keys` (outcomes/pairing.py)."""
    master_key = master_keys[0]
    danger = any(signals_immediate_danger(text) for text in free_texts_of(submission))
    response_id = response_id_for(master_key, submission)
    code = receipt_code_for(master_key, submission)
    if (
        intake is not None
        and submission.entry_kind == "link"
        and not session.in_transaction()  # else the caller's pending work commits with ours
        and submission.outcome is None  # pairing takes the general path's one transaction
    ):
        repeated = await _submit_link_grouped(
            intake, submission, response_id, code, period_kind=period_kind
        )
        return Receipt(code=code, response_id=response_id, repeated=repeated, danger=danger)
    if await _stored(session, response_id):
        return Receipt(code=code, response_id=response_id, repeated=True, danger=danger)
    entry = await redeem_digest(session, submission.entry_kind, submission.entry_digest)
    key = await current_sealing_key(session, period_kind=period_kind)
    connection = await session.connection()
    borough = await _borough_of(connection, entry.service_id)
    today = clock.today_london()
    sealed = _seal_answers(key.public_key, submission, response_id)
    try:
        # The lock order of db/lock_order.py: the entry, then the counter rows, and only
        # then the response insert, whose trigger takes the report cell.
        await burn_entry(connection, entry)
        await _count(connection, submission, entry, borough=borough, month=today.strftime("%Y-%m"))
        if submission.outcome is not None:  # its pairing row, then the pair counters
            await count_outcome(
                connection,
                submission.outcome,
                receipt_code=code,
                answers=submission.answers,
                place=PairingPlace(
                    survey_version_id=submission.survey_version_id,
                    service_id=entry.service_id,
                    borough=borough,
                    month=today.strftime("%Y-%m"),
                ),
                master_keys=master_keys,
            )
        await connection.execute(
            _INSERT_RESPONSE,
            {
                "id": response_id,
                "survey_version_id": submission.survey_version_id,
                "consent_notice_version_id": submission.consent_notice_version_id,
                "service_id": entry.service_id,
                "borough": borough,
                "channel": entry.channel,
                "language": submission.language,
                "submitted_on": today,
                "key_period_id": key.period_id,
                "sealed": sealed,
                "receipt_digest": receipt_digest(code),
            },
        )
        await session.commit()
    except (LinkUsed, IntegrityError):
        await session.rollback()
        if await _stored(session, response_id):
            return Receipt(code=code, response_id=response_id, repeated=True, danger=danger)
        raise LinkUsed() from None
    return Receipt(code=code, response_id=response_id, danger=danger)


async def _submit_link_grouped(
    intake: GroupIntake,
    submission: Submission,
    response_id: str,
    code: str,
    *,
    period_kind: str,
) -> bool:
    """The same outcome as the general path, in a group of forms (grouped.py);
    True when the form was stored before (a resubmission). The sealing key is read afresh
    for every group. The caller's session has no transaction open (nothing of the caller's
    to commit with ours)."""
    today = clock.today_london()
    return await intake.submit(
        LinkForm(
            digest=submission.entry_digest,
            response_id=response_id,
            period=period_label(utc_now(), period_kind),
            survey_version_id=submission.survey_version_id,
            consent_notice_version_id=submission.consent_notice_version_id,
            language=submission.language,
            submitted_on=today,
            month=f"{today.year:04d}-{today.month:02d}",
            plaintext=_answers_plaintext(submission),
            associated_data=response_associated_data(response_id, submission.survey_version_id),
            receipt_digest=receipt_digest(code),
            counted=in_lock_order(submission.counted),
        ),
    )


def _answers_plaintext(submission: Submission) -> bytes:
    return msgspec.json.encode({"answers": submission.answers, "language": submission.language})


def _seal_answers(public_key: bytes, submission: Submission, response_id: str) -> bytes:
    return seal(
        public_key,
        _answers_plaintext(submission),
        response_associated_data(response_id, submission.survey_version_id),
    )


_RESPONSES = cast(Table, Response.__table__)
_COUNTS = cast(Table, AnswerCount.__table__)
_INSERT_RESPONSE = insert(_RESPONSES)
_STORED = select(_RESPONSES.c.id).where(_RESPONSES.c.id == bindparam("response_id"))
_BOROUGH = select(counted_borough(bindparam("service_id")))


def _upsert(dialect_name: str, rows: list[dict[str, Any]]) -> Any:
    """Add one to each counter row, creating it at one: one statement for all the rows, so
    the report-cell triggers run once the rows are locked (db/lock_order.py, steps 3-4);
    SQLAlchemy caches its compiled form per number of rows."""
    statement = (postgresql if dialect_name == "postgresql" else sqlite).insert(_COUNTS)
    statement = statement.values(rows)
    return statement.on_conflict_do_update(
        index_elements=COUNTER_KEY, set_={"count": _COUNTS.c.count + statement.excluded.count}
    )


async def _stored(session: AsyncSession, response_id: str) -> bool:
    connection = await session.connection()
    found = await connection.scalar(_STORED, {"response_id": response_id})
    return found is not None


def free_texts_of(submission: Submission) -> list[str]:
    """Free-text answers are the string answers that are not option codes."""
    coded = {question for question, option in submission.counted if option != TEXT_OPTION}
    return [
        value
        for question, value in submission.answers.items()
        if isinstance(value, str) and question not in coded
    ]


async def _borough_of(connection: AsyncConnection, service_id: int) -> str:
    borough = await connection.scalar(_BOROUGH, {"service_id": service_id})
    assert borough is not None  # the rule gives "multiple" for a service with none
    return str(borough)


async def _count(
    connection: AsyncConnection, submission: Submission, entry: Entry, *, borough: str, month: str
) -> None:
    """One upsert statement for the response's counter rows, in lock order (rules.py):
    concurrent submissions lock counter rows in the same order and cannot deadlock."""
    if not submission.counted:
        return
    rows: list[dict[str, Any]] = [
        {
            "survey_version_id": submission.survey_version_id,
            "question_id": question,
            "option": option,
            "service_id": entry.service_id,
            "borough": borough,
            "month": month,
            "channel": entry.channel,
            "count": 1,
        }
        for question, option in in_lock_order(submission.counted)
    ]
    await connection.execute(_upsert(connection.dialect.name, rows))
