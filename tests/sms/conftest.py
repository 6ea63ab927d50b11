"""A published survey with a join code for texting in, and settings for each provider."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import load_master_key, load_master_keys
from feedback.crypto.service import rotate_keys
from feedback.db.engine import create_engine
from feedback.links import service as links
from feedback.queue import ArqQueue, InProcessQueue, JobQueue, job_context
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from feedback.worker import FUNCTIONS, build_worker
from tests.factories import create_service
from tests.sms.fake_providers import FakeProvider, notify_server, twilio_server

ROOT = Path(__file__).resolve().parents[2]
PHONE = "07700 123456"
PHONE_E164 = "+447700123456"
NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
NOTIFY_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
NOTIFY_API_KEY = f"test_key-{NOTIFY_SERVICE_ID}-{NOTIFY_SECRET}"
NOTIFY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
NOTIFY_INBOUND_TOKEN = "inbound-callback-token-0123456789"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-auth-token-for-tests"
TWILIO_FROM = "+447700900000"


@pytest.fixture
def master_key(settings: Settings) -> bytes:
    return load_master_key(settings)


@pytest.fixture
async def sms_code(db: AsyncSession, settings: Settings) -> str:
    """A live join code of the satisfaction survey, handed out for texting in."""
    return await make_sms_code(db, settings)


async def make_sms_code(db: AsyncSession, settings: Settings) -> str:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Advocacy Service")
    await rotate_keys(db, settings=settings)
    batch = await links.create_code(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        cap=50,
        channel="sms",
        base_url=settings.public_base_url,
        master_key=load_master_key(settings),
    )
    return batch.codes[0].code


def with_providers(
    settings: Settings, notify_url: str, twilio_url: str, **more: object
) -> Settings:
    """The test's settings with Notify and Twilio pointed at the local fake servers."""
    return msgspec.structs.replace(
        settings,
        sms_notify_api_key=NOTIFY_API_KEY,
        sms_notify_template_id=NOTIFY_TEMPLATE_ID,
        sms_notify_base_url=notify_url,
        sms_notify_inbound_token=NOTIFY_INBOUND_TOKEN,
        sms_twilio_account_sid=TWILIO_SID,
        sms_twilio_auth_token=TWILIO_TOKEN,
        sms_twilio_from=TWILIO_FROM,
        sms_twilio_base_url=twilio_url,
        **more,
    )


@pytest.fixture
def fakes() -> Iterator[tuple[FakeProvider, FakeProvider]]:
    """Local Notify and Twilio servers, in that order."""
    with (
        notify_server(NOTIFY_SERVICE_ID, NOTIFY_SECRET) as notify,
        twilio_server(TWILIO_SID, TWILIO_TOKEN) as twilio,
    ):
        yield notify, twilio


class SendJobs:
    """Runs queued send jobs to the end, as the app would: the in-process queue's drain, or a
    burst arq worker on the real Redis."""

    def __init__(self, mode: str, settings: Settings, queue: JobQueue) -> None:
        self.mode, self.settings, self.queue = mode, settings, queue

    async def run(self) -> None:
        if isinstance(self.queue, InProcessQueue):
            await self.queue.drain()
            return
        worker = build_worker(self.settings, burst=True, poll_delay=0, cron_jobs=[])
        try:
            await worker.main()
        finally:
            await worker.close()


@pytest.fixture(params=["in-process", "arq"])
async def send_jobs(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[SendJobs]:
    if request.param == "arq":
        redis_url: str = request.getfixturevalue("redis_url")
        arq_settings = msgspec.structs.replace(settings, redis_url=redis_url)
        queue: JobQueue = ArqQueue(arq_settings)
        yield SendJobs("arq", arq_settings, queue)
        await queue.close()
        return
    engine = create_engine(settings)
    in_process = InProcessQueue(
        job_context(settings, engine, load_master_keys(settings)), FUNCTIONS, retry_delays=(0.01,)
    )
    yield SendJobs("in-process", settings, in_process)
    await in_process.close()
    await engine.dispose()
