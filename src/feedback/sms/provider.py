"""The SMS provider that settings choose, built from them: the local outbox, GOV.UK Notify
or Twilio. The interface they implement is in `interface`.
"""

from __future__ import annotations

from feedback.settings import Settings
from feedback.sms.errors import ProviderNotConfigured
from feedback.sms.interface import SmsProvider
from feedback.sms.notify import NotifyProvider
from feedback.sms.outbox import OutboxProvider
from feedback.sms.twilio import TwilioProvider

__all__ = ["configured_provider", "provider_named"]


def provider_named(settings: Settings, name: str) -> SmsProvider:
    """The adapter for `name`, built from settings; ProviderNotConfigured if it lacks them."""
    if name == "outbox":
        return OutboxProvider(settings)
    if name == "notify":
        return NotifyProvider.from_settings(settings)
    if name == "twilio":
        return TwilioProvider.from_settings(settings)
    raise ProviderNotConfigured(name)


def configured_provider(settings: Settings) -> SmsProvider:
    """The provider FEEDBACK_SMS_PROVIDER chooses (the local outbox by default)."""
    return provider_named(settings, settings.sms_provider)
