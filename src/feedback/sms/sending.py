"""Sending one queued invitation, at most once, within the provider's rate limit.

The number reaches the worker sealed inside the job (AES-GCM under a key derived from the
master key, bound to the message's idempotency key), so Redis only ever holds ciphertext;
the worker opens it, sends, and keeps nothing. The database row holds the idempotency key
and the status, never the number.

Idempotency: a run first *claims* the message (`queued` -> `sending`, one conditional
UPDATE, committed) and only then calls the provider, so a job that runs twice, or twice
at once, sends one message. The window left: a crash after the claim and before the
status is written (before or after the provider accepted) leaves the message `sending`
for good, shown as pending; it is never sent again automatically, because a second text
to a shared phone is worse than a missing one.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Sequence

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import case, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.crypto.master import derive_key, master_key_id
from feedback.settings import Settings
from feedback.sms import state as store
from feedback.sms.conversation import message_digest
from feedback.sms.delivery import normalise_status
from feedback.sms.errors import ProviderFailed, ProviderNotConfigured, SendDeferred
from feedback.sms.models import SmsInvitationMessage, SmsSendPace
from feedback.sms.numbers import number_key
from feedback.sms.provider import provider_named

PURPOSE = "sms-send-job"
EARLY_SECONDS = 0.05  # arq wakes a deferred job a little early or late; this much is fine


class Recipient(msgspec.Struct, frozen=True):
    number: str
    url: str


def seal_recipient(master_key: bytes, idempotency_key: str, recipient: Recipient) -> str:
    """`<key id>.<base64 nonce+ciphertext>`; only a holder of that master key can open it,
    and only for this message."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(derive_key(master_key, PURPOSE)).encrypt(
        nonce, msgspec.json.encode(recipient), idempotency_key.encode()
    )
    return f"{master_key_id(master_key)}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_recipient(
    master_keys: Sequence[bytes], idempotency_key: str, sealed: str
) -> Recipient | None:
    """The recipient, or None when no configured key opens it (rotated away or tampered)."""
    key_id, _, text = sealed.partition(".")
    key = next((k for k in master_keys if master_key_id(k) == key_id), None)
    if key is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(text.encode())
        plain = AESGCM(derive_key(key, PURPOSE)).decrypt(
            raw[:12], raw[12:], idempotency_key.encode()
        )
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return msgspec.json.decode(plain, type=Recipient)


async def reserve_slot(session: AsyncSession, provider: str, per_minute: int) -> float:
    """The time (epoch seconds) this message may go: one atomic UPDATE moves the provider's
    next free slot on by 60/per_minute seconds, so every process shares one pace."""
    interval = 60.0 / per_minute
    for _attempt in range(3):
        now = clock.epoch_seconds()
        moved = await session.execute(
            update(SmsSendPace)
            .where(SmsSendPace.provider == provider)
            .values(
                next_at=case(
                    (SmsSendPace.next_at < now, now + interval),
                    else_=SmsSendPace.next_at + interval,
                )
            )
            .returning(SmsSendPace.next_at)
            .execution_options(synchronize_session=False)
        )
        next_at = moved.scalar_one_or_none()
        if next_at is not None:
            return float(next_at) - interval
        try:
            await session.execute(
                insert(SmsSendPace).values(provider=provider, next_at=now + interval)
            )
            await session.flush()
        except IntegrityError:  # another process made the row first: take a slot from it
            await session.rollback()
            continue
        return now
    raise RuntimeError("could not reserve an SMS send slot")  # pragma: no cover


async def send_invitation_message(
    session: AsyncSession,
    settings: Settings,
    *,
    master_keys: Sequence[bytes],
    message_id: int,
    sealed: str,
) -> str:
    """Send one invitation unless a run already claimed it; returns the message's status.
    Raises SendDeferred while its rate-limit slot lies in the future. A number that replied
    STOP since the batch was queued is skipped: a STOP stops every further message."""
    message = await session.get(SmsInvitationMessage, message_id)
    if message is None or message.status != "queued":
        return message.status if message else "missing"
    if message.send_after is None:
        message.send_after = await reserve_slot(
            session, message.provider, settings.sms_send_per_minute
        )
        await session.commit()
    wait = message.send_after - clock.epoch_seconds()
    if wait > EARLY_SECONDS:
        raise SendDeferred(wait)
    claimed = await session.execute(
        update(SmsInvitationMessage)
        .where(SmsInvitationMessage.id == message_id, SmsInvitationMessage.status == "queued")
        .values(status="sending")
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if getattr(claimed, "rowcount", 0) != 1:
        return "sending"
    status, digest = await _deliver(session, settings, master_keys, message, sealed)
    await session.execute(
        update(SmsInvitationMessage)
        .where(SmsInvitationMessage.id == message_id, SmsInvitationMessage.status == "sending")
        .values(status=status, provider_digest=digest)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return status


async def _deliver(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    message: SmsInvitationMessage,
    sealed: str,
) -> tuple[str, str | None]:
    recipient = open_recipient(master_keys, message.idempotency_key, sealed)
    if recipient is None:
        return "failed", None
    lookups = [number_key(key, recipient.number) for key in master_keys]
    if await store.is_opted_out(session, lookups):
        return "skipped", None
    body = settings.sms_invitation_template.replace("URL", recipient.url)
    try:
        sent = await provider_named(settings, message.provider).send(recipient.number, body)
    except (ProviderFailed, ProviderNotConfigured):
        return "failed", None
    return normalise_status(sent.status), message_digest(sent.message_id)
