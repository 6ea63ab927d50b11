"""The SMS settings: provider choice, credentials (never echoed) and the invitation template."""

from __future__ import annotations

import pytest

from feedback.errors import SettingsInvalid
from feedback.settings import Settings
from tests.sms.conftest import NOTIFY_API_KEY


def test_the_local_outbox_is_the_default() -> None:
    settings = Settings.from_env({})

    assert settings.sms_provider == "outbox" and settings.sms_conversation_hours == 24
    assert settings.sms_invitation_template == "Your feedback link: URL  Reply STOP to opt out"


def test_provider_credentials_are_read() -> None:
    settings = Settings.from_env(
        {
            "FEEDBACK_SMS_PROVIDER": "Notify",
            "FEEDBACK_SMS_NOTIFY_API_KEY": NOTIFY_API_KEY,
            "FEEDBACK_SMS_TWILIO_BASE_URL": "http://127.0.0.1:9999/",
        }
    )

    assert settings.sms_provider == "notify" and settings.sms_notify_api_key == NOTIFY_API_KEY
    assert settings.sms_twilio_base_url == "http://127.0.0.1:9999"


def test_an_unknown_provider_names_the_variable() -> None:
    with pytest.raises(SettingsInvalid, match="FEEDBACK_SMS_PROVIDER: must be one of"):
        Settings.from_env({"FEEDBACK_SMS_PROVIDER": "pigeon"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FEEDBACK_SMS_NOTIFY_API_KEY", "short-secret-value"),
        ("FEEDBACK_SMS_TWILIO_AUTH_TOKEN", "tiny"),
        ("FEEDBACK_SMS_NOTIFY_INBOUND_TOKEN", "tiny"),
    ],
)
def test_a_bad_secret_is_never_echoed(name: str, value: str) -> None:
    with pytest.raises(SettingsInvalid) as raised:
        Settings.from_env({name: value})

    assert raised.value.message.startswith(name) and value not in raised.value.message


def test_the_invitation_template_must_carry_the_link() -> None:
    with pytest.raises(SettingsInvalid, match="FEEDBACK_SMS_INVITATION_TEMPLATE: must contain"):
        Settings.from_env({"FEEDBACK_SMS_INVITATION_TEMPLATE": "Hello there"})


def test_the_conversation_expiry_is_bounded() -> None:
    with pytest.raises(SettingsInvalid, match="FEEDBACK_SMS_CONVERSATION_HOURS"):
        Settings.from_env({"FEEDBACK_SMS_CONVERSATION_HOURS": "0"})
