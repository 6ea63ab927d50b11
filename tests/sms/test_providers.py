"""The three providers: sending against local servers that speak Notify's and Twilio's wire
formats, reading inbound requests signed exactly as the providers sign them, and the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from twilio.request_validator import RequestValidator

from feedback.settings import Settings
from feedback.sms.errors import (
    InboundMalformed,
    ProviderFailed,
    ProviderNotConfigured,
    SignatureInvalid,
)
from feedback.sms.interface import InboundRequest
from feedback.sms.notify import NotifyProvider
from feedback.sms.outbox import OutboxProvider, read_outbox
from feedback.sms.provider import configured_provider, provider_named
from feedback.sms.twilio import TwilioProvider
from tests.conftest import make_settings
from tests.sms.conftest import (
    NOTIFY_INBOUND_TOKEN,
    NOTIFY_SECRET,
    NOTIFY_SERVICE_ID,
    NOTIFY_TEMPLATE_ID,
    PHONE_E164,
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
    with_providers,
)
from tests.sms.fake_providers import FakeProvider, notify_server, twilio_server

TWILIO_URL = "http://127.0.0.1:8000/sms/inbound/twilio"


@pytest.fixture
def notify() -> Iterator[FakeProvider]:
    with notify_server(NOTIFY_SERVICE_ID, NOTIFY_SECRET) as fake:
        yield fake


@pytest.fixture
def twilio() -> Iterator[FakeProvider]:
    with twilio_server(TWILIO_SID, TWILIO_TOKEN) as fake:
        yield fake


@pytest.fixture
def local(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def twilio_request(fields: dict[str, str], token: str = TWILIO_TOKEN) -> InboundRequest:
    """A request as Twilio sends it: form-encoded, signed over the URL and sorted fields."""
    from urllib.parse import urlencode

    signature = RequestValidator(token).compute_signature(TWILIO_URL, fields)
    return InboundRequest(
        url=TWILIO_URL,
        headers={"x-twilio-signature": signature},
        body=urlencode(fields).encode(),
    )


async def test_notify_sends_through_the_official_client_with_a_signed_jwt(
    local: Settings, notify: FakeProvider, twilio: FakeProvider
) -> None:
    provider = provider_named(with_providers(local, notify.url, twilio.url), "notify")

    sent = await provider.send(PHONE_E164, "Your feedback link: https://x/s/abc")

    assert uuid.UUID(sent.message_id) and sent.status == "created"
    assert notify.messages == [
        {
            "phone_number": PHONE_E164,
            "template_id": NOTIFY_TEMPLATE_ID,
            "personalisation": {"body": "Your feedback link: https://x/s/abc"},
        }
    ]


async def test_notify_refusal_is_a_provider_failure_naming_only_the_status(
    local: Settings, notify: FakeProvider, twilio: FakeProvider
) -> None:
    provider = provider_named(with_providers(local, notify.url, twilio.url), "notify")
    notify.refuse_next = True

    with pytest.raises(ProviderFailed) as raised:
        await provider.send(PHONE_E164, "hello")

    assert "400" in raised.value.message and PHONE_E164 not in raised.value.message


async def test_twilio_sends_through_the_rest_api_with_basic_auth(
    local: Settings, notify: FakeProvider, twilio: FakeProvider
) -> None:
    provider = provider_named(with_providers(local, notify.url, twilio.url), "twilio")

    sent = await provider.send(PHONE_E164, "Question 1")

    assert sent.message_id.startswith("SM") and sent.status == "queued"
    assert twilio.messages == [
        {
            "To": PHONE_E164,
            "From": TWILIO_FROM,
            "Body": "Question 1",
            "StatusCallback": "http://127.0.0.1:8000/sms/status/twilio",
        }
    ]


async def test_twilio_with_a_wrong_token_fails_without_echoing(
    local: Settings, notify: FakeProvider, twilio: FakeProvider
) -> None:
    settings = msgspec.structs.replace(
        with_providers(local, notify.url, twilio.url), sms_twilio_auth_token="not-the-token"
    )

    with pytest.raises(ProviderFailed, match="401"):
        await provider_named(settings, "twilio").send(PHONE_E164, "hello")


def test_twilio_validator_accepts_twilios_published_example() -> None:
    """The example request from Twilio's webhook security documentation."""
    provider = TwilioProvider(account_sid=TWILIO_SID, auth_token="12345", sender=None, base_url="")
    fields = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    from urllib.parse import urlencode

    with pytest.raises(InboundMalformed):  # signed correctly, but a call, not a message
        provider.parse_inbound(
            InboundRequest(
                url="https://mycompany.com/myapp.php?foo=1&bar=2",
                headers={"x-twilio-signature": "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
                body=urlencode(fields).encode(),
            )
        )


def test_twilio_inbound_signed_as_twilio_signs_is_read() -> None:
    provider = TwilioProvider(
        account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN, sender=None, base_url=""
    )

    inbound = provider.parse_inbound(
        twilio_request({"From": PHONE_E164, "Body": "FEEDBACK K7Q2", "MessageSid": "SM1"})
    )

    assert (inbound.sender, inbound.text, inbound.message_id) == (
        PHONE_E164,
        "FEEDBACK K7Q2",
        "SM1",
    )


@pytest.mark.parametrize("signature", ["", "0/KCTR6DLpKmkAf8muzZqo1nDgQ="])
def test_twilio_inbound_with_a_bad_or_missing_signature_is_refused(signature: str) -> None:
    provider = TwilioProvider(
        account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN, sender=None, base_url=""
    )
    request = twilio_request({"From": PHONE_E164, "Body": "hi", "MessageSid": "SM1"})

    with pytest.raises(SignatureInvalid):
        provider.parse_inbound(
            msgspec.structs.replace(request, headers={"x-twilio-signature": signature})
        )


def test_twilio_inbound_signed_with_another_token_is_refused() -> None:
    provider = TwilioProvider(
        account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN, sender=None, base_url=""
    )

    with pytest.raises(SignatureInvalid):
        provider.parse_inbound(
            twilio_request(
                {"From": PHONE_E164, "Body": "hi", "MessageSid": "SM1"}, token="other-token"
            )
        )


def notify_provider() -> NotifyProvider:
    return NotifyProvider(
        api_key=None, template_id=None, base_url="", inbound_token=NOTIFY_INBOUND_TOKEN
    )


def test_notify_inbound_with_the_callback_token_is_read() -> None:
    body = msgspec.json.encode(
        {
            "id": "df10a23e-2c6d-4ea5-87fb-82e520cbf93a",
            "source_number": "447700123456",
            "destination_number": "07700987654",
            "message": "FEEDBACK K7Q2",
            "date_received": "2026-11-25T12:15:30.000000Z",
        }
    )
    inbound = notify_provider().parse_inbound(
        InboundRequest(
            url="", headers={"authorization": f"Bearer {NOTIFY_INBOUND_TOKEN}"}, body=body
        )
    )

    assert inbound.sender == PHONE_E164 and inbound.text == "FEEDBACK K7Q2"


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", f"Bearer {NOTIFY_INBOUND_TOKEN}x"])
def test_notify_inbound_with_a_wrong_token_is_refused(header: str) -> None:
    with pytest.raises(SignatureInvalid):
        notify_provider().parse_inbound(
            InboundRequest(url="", headers={"authorization": header}, body=b"{}")
        )


def test_notify_inbound_with_a_malformed_body_is_refused() -> None:
    with pytest.raises(InboundMalformed):
        notify_provider().parse_inbound(
            InboundRequest(
                url="",
                headers={"authorization": f"Bearer {NOTIFY_INBOUND_TOKEN}"},
                body=b"{not json",
            )
        )


async def test_the_outbox_is_the_default_and_stores_no_number(local: Settings) -> None:
    provider = configured_provider(local)

    sent = await provider.send(PHONE_E164, "Your feedback link: URL")

    assert isinstance(provider, OutboxProvider) and sent.status == "delivered"
    [message] = read_outbox(local)
    assert message.to.endswith("…3456") and message.text == "Your feedback link: URL"
    stored = (local.data_dir / "sms-outbox.jsonl").read_text()
    assert "7700123456" not in stored and "07700" not in stored


def test_a_provider_without_credentials_is_not_configured(local: Settings) -> None:
    for name in ("notify", "twilio", "carrier-pigeon"):
        with pytest.raises(ProviderNotConfigured):
            provider_named(local, name)
