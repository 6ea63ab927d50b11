"""Background sending: one message per invitation however often its job runs, the number
sealed in the job, deferral under the provider's rate limit, and a late STOP honoured."""

from __future__ import annotations

import asyncio
import base64
import secrets
from pathlib import Path

import msgspec
import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import load_master_keys
from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.sms.invitations import QueuedBatch, queue_invitations
from feedback.sms.models import SmsInvitationMessage
from feedback.sms.outbox import read_outbox
from feedback.sms.sending import Recipient, open_recipient, reserve_slot, seal_recipient
from feedback.surveys.service import publish_surveys
from tests.factories import create_service
from tests.sms.conftest import PHONE, PHONE_E164, SendJobs

ROOT = Path(__file__).resolve().parents[2]
SECOND = "07412 345678"
THIRD = "07912 345678"


async def queue_batch(db: AsyncSession, settings: Settings, numbers: list[str]) -> QueuedBatch:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Own Service")
    return await queue_invitations(
        db,
        settings,
        master_keys=load_master_keys(settings).keys,
        survey_slug="service-satisfaction",
        service_name="Own Service",
        rows=list(enumerate(numbers, start=1)),
        actor=None,
    )


async def enqueue(jobs: SendJobs, queued: QueuedBatch, suffix: str = "") -> None:
    for job in queued.jobs:
        await jobs.queue.enqueue(
            "send_invitation", job.message_id, job.sealed, job_id=job.job_id + suffix
        )


async def statuses(db: AsyncSession) -> list[str]:
    await db.rollback()
    return list(await db.scalars(select(SmsInvitationMessage.status)))


async def test_a_send_job_that_runs_twice_sends_one_message(
    db: AsyncSession, settings: Settings, send_jobs: SendJobs
) -> None:
    queued = await queue_batch(db, settings, [PHONE])
    await enqueue(send_jobs, queued)
    await send_jobs.run()
    # arq delivers at least once: the same job again, under another job id, finds it sent.
    await enqueue(send_jobs, queued, suffix=":again")
    await send_jobs.run()

    assert len(read_outbox(settings)) == 1
    assert await statuses(db) == ["delivered"]


async def test_two_runs_of_one_job_at_once_send_one_message(
    db: AsyncSession, settings: Settings, send_jobs: SendJobs
) -> None:
    queued = await queue_batch(db, settings, [PHONE])
    await enqueue(send_jobs, queued, suffix=":a")
    await enqueue(send_jobs, queued, suffix=":b")
    await send_jobs.run()

    assert len(read_outbox(settings)) == 1


async def test_the_job_in_redis_holds_no_readable_number_or_link(
    db: AsyncSession, settings: Settings, redis_url: str
) -> None:
    from feedback.queue import ArqQueue

    queued = await queue_batch(db, settings, [PHONE])
    queue = ArqQueue(msgspec.structs.replace(settings, redis_url=redis_url))
    await enqueue(SendJobs("arq", settings, queue), queued)
    await queue.close()

    client = Redis.from_url(redis_url)
    try:
        stored = b"".join([await client.dump(key) or b"" for key in await client.keys("*")])
    finally:
        await client.aclose()
    assert stored, "the job was not in Redis"
    for secret in (b"7700123456", b"/s/", PHONE.encode()):
        assert secret not in stored


async def test_over_the_rate_limit_jobs_are_deferred_and_all_sent(
    db: AsyncSession, settings: Settings, send_jobs: SendJobs
) -> None:
    paced = msgspec.structs.replace(send_jobs.settings, sms_send_per_minute=240)  # one per 0.25 s
    send_jobs.settings = paced
    if send_jobs.mode == "in-process":
        send_jobs.queue.ctx["settings"] = paced  # type: ignore[attr-defined]
    queued = await queue_batch(db, settings, [PHONE, SECOND, THIRD])
    await enqueue(send_jobs, queued)
    await send_jobs.run()

    assert len(read_outbox(settings)) == 3
    assert await statuses(db) == ["delivered"] * 3
    slots = sorted(await db.scalars(select(SmsInvitationMessage.send_after)))
    gaps = [later - earlier for earlier, later in zip(slots, slots[1:], strict=False)]
    # The rate is a floor: a job picked up late (a loaded machine) takes the next free slot
    # after its own start, so gaps can be longer but never shorter than 60/240 s.
    assert len(gaps) == 2 and all(gap >= 0.25 - 0.01 for gap in gaps), gaps


async def test_send_slots_are_spaced_by_the_rate(db: AsyncSession) -> None:
    first = await reserve_slot(db, "notify", 60)
    second = await reserve_slot(db, "notify", 60)
    other = await reserve_slot(db, "twilio", 60)
    await db.commit()

    assert second - first == pytest.approx(1.0, abs=0.01)
    assert other - first < 0.5  # each provider has its own pace


async def test_a_stop_after_queueing_stops_the_invitation(
    db: AsyncSession, settings: Settings, send_jobs: SendJobs
) -> None:
    queued = await queue_batch(db, settings, [PHONE, SECOND])
    master_key = load_master_keys(settings).current
    await handle_text(db, settings, master_key=master_key, sender=PHONE_E164, text="STOP")
    stopped_reply = len(read_outbox(settings))
    await enqueue(send_jobs, queued)
    await send_jobs.run()

    assert sorted(await statuses(db)) == ["delivered", "skipped"]
    assert len(read_outbox(settings)) == stopped_reply + 1
    assert all(not m.to.endswith("3456") or "7412" in m.to for m in read_outbox(settings))


def test_a_sealed_recipient_opens_only_for_its_message_and_after_rotation() -> None:
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    sealed = seal_recipient(old, "key-1", Recipient(number=PHONE_E164, url="https://x/s/t"))

    assert open_recipient([new, old], "key-1", sealed) == Recipient(PHONE_E164, "https://x/s/t")
    assert open_recipient([new, old], "key-2", sealed) is None
    assert open_recipient([new], "key-1", sealed) is None
    tampered = sealed[:-4] + base64.urlsafe_b64encode(b"xyz").decode()
    assert open_recipient([old], "key-1", tampered) is None


async def test_many_concurrent_runs_still_send_once(db: AsyncSession, settings: Settings) -> None:
    from feedback.db.engine import create_engine, session_factory
    from feedback.sms.sending import send_invitation_message

    queued = await queue_batch(db, settings, [PHONE])
    job = queued.jobs[0]
    engine = create_engine(settings)
    keys = load_master_keys(settings).keys

    async def run_once() -> str:
        async with session_factory(engine)() as session:
            return await send_invitation_message(
                session, settings, master_keys=keys, message_id=job.message_id, sealed=job.sealed
            )

    try:
        results = await asyncio.gather(*[run_once() for _ in range(4)], return_exceptions=True)
    finally:
        await engine.dispose()
    assert len(read_outbox(settings)) == 1, results
