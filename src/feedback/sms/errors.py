"""SMS errors, placed in the platform's tree (see feedback.errors).

    Forbidden    ── SignatureInvalid     an inbound webhook's signature or token is wrong (403)
    InvalidInput ── InboundMalformed     an inbound webhook's body cannot be read (400)
                 └─ NumberInvalid        a number is not a UK mobile
    NotFound     ── ProviderNotConfigured a webhook for a provider with no credentials (404)
    FeedbackError ─ ProviderFailed       the provider refused or could not be reached
                  └─ SendDeferred        a send must wait for the provider's rate limit (jobs only)

Messages are fixed phrases: they never echo a number, a message text or a signature.
"""

from __future__ import annotations

from feedback.errors import FeedbackError, Forbidden, InvalidInput, NotFound


class SignatureInvalid(Forbidden):
    def __init__(self) -> None:
        super().__init__("The request signature is missing or wrong.")


class InboundMalformed(InvalidInput):
    def __init__(self, what: str) -> None:
        super().__init__(f"inbound message: {what}")


class NumberInvalid(InvalidInput):
    """Says why, never which number: the message may reach a log or a screen."""


class ProviderNotConfigured(NotFound):
    def __init__(self, provider: str) -> None:
        super().__init__(f"SMS provider {provider!r} is not configured")


class ProviderFailed(FeedbackError):
    def __init__(self, provider: str, status: int | str) -> None:
        super().__init__(f"SMS provider {provider!r} did not accept the message ({status})")


class SendDeferred(FeedbackError):
    """The provider's rate limit has this message wait `seconds`; its job is deferred."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"SMS send deferred {seconds:.2f}s by the provider rate limit")
        self.seconds = seconds
