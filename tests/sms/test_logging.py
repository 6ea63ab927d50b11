"""Texting in, webhooks and invitations leave no number and no message text in the log."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.settings import Settings
from feedback.sms.conversation import handle_text
from feedback.sms.interface import Inbound
from feedback.sms.service import receive_text
from tests.factories import create_staff, create_token
from tests.sms.conftest import (
    PHONE,
    PHONE_E164,
    with_providers,
)
from tests.sms.fake_providers import FakeProvider
from tests.sms.test_webhooks import notify_body, post_notify, post_twilio, twilio_form
from tests.test_logging import CapturedLines, log_lines  # noqa: F401 - the fixture

FREE_TEXT = "Zebrafinch support worker listened"
SECOND = "07412 345678"


def forbidden(code: str) -> list[str]:
    digits = PHONE.replace(" ", "")
    return [
        PHONE,
        digits,
        PHONE_E164,
        digits[-6:],
        "447700123456",
        "7412345678",
        FREE_TEXT,
        "Zebrafinch",
        code,
    ]


@pytest.mark.parametrize("log_lines", ["INFO", "DEBUG"], indirect=True)
async def test_sms_paths_log_no_number_and_no_text(
    settings: Settings,
    db: AsyncSession,
    master_key: bytes,
    sms_code: str,
    log_lines: CapturedLines,  # noqa: F811
    fakes: tuple[FakeProvider, FakeProvider],
) -> None:
    sms_settings = with_providers(settings, fakes[0].url, fakes[1].url)
    inbound = Inbound(sender=PHONE_E164, text=f"FEEDBACK {sms_code}", message_id="m1")
    await receive_text(db, settings, master_key=master_key, provider="outbox", inbound=inbound)
    for _ in range(10):
        await handle_text(db, settings, master_key=master_key, sender=PHONE_E164, text="SKIP")
    await handle_text(db, settings, master_key=master_key, sender=PHONE_E164, text=FREE_TEXT)
    await create_staff(db, role="lead", email="lead@example.org")
    token = await create_token(db, "lead@example.org")
    async with AsyncTestClient(
        app=create_app(sms_settings), base_url="http://127.0.0.1:8000"
    ) as client:
        await post_notify(client, notify_body(FREE_TEXT))
        await post_notify(client, notify_body(FREE_TEXT), token="wrong-token-123")
        await post_twilio(client, twilio_form(FREE_TEXT))
        await post_twilio(client, twilio_form(FREE_TEXT), token="wrong-token-123")
        await client.post(
            "/api/v1/sms/invitations",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "survey": "service-satisfaction",
                "service": "Advocacy Service",
                "numbers": [PHONE, SECOND, "0123"],
            },
        )

    assert any("sms" in line for line in log_lines.lines), "nothing from the SMS paths was logged"
    for line in log_lines.lines:
        for secret in forbidden(sms_code):
            assert secret not in line, f"{secret!r} reached the log: {line}"
