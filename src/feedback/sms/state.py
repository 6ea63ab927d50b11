"""Conversation state and opt-outs, stored under keyed hashes of numbers.

The state (where the respondent is and the answers so far) is sealed with AES-GCM under a
key derived from the phone number itself, so the row is unreadable without the phone; it
lives at most `sms_conversation_hours` and is deleted when the survey ends or is stopped.

Opt-outs across master-key rotation: a STOP is stored under the current master key's
hash, and every check looks under every configured key's hash, so an opt-out made before
a rotation still holds while the older key stays configured. A number cannot be re-hashed
without the number, so removing an old master key forgets the opt-outs stored only under
it: keep retired master keys configured (they are only read) for as long as opt-outs matter.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.clock import LONDON
from feedback.db.base import utc_now
from feedback.sms.models import SmsConversation, SmsInboundSeen, SmsOptOut
from feedback.sms.numbers import number_key, state_key

SEEN_DAYS = 2  # providers redeliver within minutes; two days covers any retry schedule


class ConversationState(msgspec.Struct, kw_only=True):
    """Where a text conversation is: the code's digest, the survey version, the question
    ids asked so far (the last is the one waiting), and the raw replies as form values."""

    entry_digest: str
    survey_version_id: int
    language: str
    form_nonce: str
    asked: list[str] = []
    form: dict[str, list[str]] = {}
    retries: int = 0
    texts: int = 0
    # An end-of-support survey first waits for her code from the start of support; once
    # checked it is kept here, inside the sealed state, until the answers are stored.
    awaiting_code: bool = False
    pairing_code: str = ""


class NumberKeys(msgspec.Struct, frozen=True):
    """`lookup` (under the current master key) names new rows; `every_lookup` adds the
    hashes under older configured master keys, so an opt-out survives a key rotation."""

    lookup: str
    sealing: bytes
    every_lookup: tuple[str, ...] = ()


def keys_for(master_key: bytes, e164: str, older: Sequence[bytes] = ()) -> NumberKeys:
    lookup = number_key(master_key, e164)
    others = tuple(number_key(key, e164) for key in older if key != master_key)
    return NumberKeys(
        lookup=lookup, sealing=state_key(master_key, e164), every_lookup=(lookup, *others)
    )


def _seal(keys: NumberKeys, state: ConversationState) -> bytes:
    nonce = secrets.token_bytes(12)
    plain = msgspec.json.encode(state)
    return nonce + AESGCM(keys.sealing).encrypt(nonce, plain, keys.lookup.encode())


async def load_conversation(session: AsyncSession, keys: NumberKeys) -> ConversationState | None:
    """The live conversation for this number; an expired or unreadable one is deleted."""
    row = await session.get(SmsConversation, keys.lookup)
    if row is None:
        return None
    if row.expires_at <= utc_now():
        await end_conversation(session, keys)
        return None
    try:
        plain = AESGCM(keys.sealing).decrypt(row.sealed[:12], row.sealed[12:], keys.lookup.encode())
    except InvalidTag:  # sealed under a master key since rotated away: start again
        await end_conversation(session, keys)
        return None
    return msgspec.json.decode(plain, type=ConversationState)


async def save_conversation(
    session: AsyncSession, keys: NumberKeys, state: ConversationState, *, hours: int
) -> None:
    """Seal and store the state; each reply gives the respondent another `hours`."""
    expires = utc_now() + timedelta(hours=hours)
    row = await session.get(SmsConversation, keys.lookup)
    if row is None:
        session.add(
            SmsConversation(number_key=keys.lookup, sealed=_seal(keys, state), expires_at=expires)
        )
    else:
        row.sealed = _seal(keys, state)
        row.expires_at = expires
    await session.flush()


async def end_conversation(session: AsyncSession, keys: NumberKeys) -> None:
    await session.execute(delete(SmsConversation).where(SmsConversation.number_key == keys.lookup))


async def is_opted_out(session: AsyncSession, lookups: Sequence[str]) -> bool:
    """True when the number replied STOP under any configured master key's hash."""
    return bool(await opted_out_among(session, list(lookups)))


async def opted_out_among(session: AsyncSession, lookups: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(lookups), 500):
        chunk = lookups[start : start + 500]
        found.update(
            await session.scalars(
                select(SmsOptOut.number_key).where(SmsOptOut.number_key.in_(chunk))
            )
        )
    return found


async def opt_out(session: AsyncSession, lookup: str) -> None:
    """Stored under the current master key's hash, which outlives the older keys."""
    if await session.get(SmsOptOut, lookup) is None:
        session.add(SmsOptOut(number_key=lookup, opted_out_on=clock.today_london()))
        await session.flush()


async def opt_back_in(session: AsyncSession, lookups: Sequence[str]) -> None:
    await session.execute(delete(SmsOptOut).where(SmsOptOut.number_key.in_(list(lookups))))


async def first_delivery(session: AsyncSession, provider: str, message_digest: str) -> bool:
    """Record a provider message id; False when it was already handled (a redelivery)."""
    if await session.get(SmsInboundSeen, (provider, message_digest)) is not None:
        return False
    session.add(
        SmsInboundSeen(
            provider=provider, message_digest=message_digest, seen_on=clock.today_london()
        )
    )
    try:
        await session.commit()
    except IntegrityError:  # the same message racing itself in two processes
        await session.rollback()
        return False
    return True


async def delete_expired(session: AsyncSession) -> int:
    """Drop conversations past their expiry and old redelivery records; returns how many
    conversations went."""
    now = utc_now()
    gone = await session.execute(delete(SmsConversation).where(SmsConversation.expires_at <= now))
    cutoff = (now.astimezone(LONDON) - timedelta(days=SEEN_DAYS)).date()
    await session.execute(delete(SmsInboundSeen).where(SmsInboundSeen.seen_on < cutoff))
    await session.commit()
    return int(getattr(gone, "rowcount", 0) or 0)
