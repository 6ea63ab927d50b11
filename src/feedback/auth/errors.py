"""Sign-in and account errors."""

from __future__ import annotations

from feedback.errors import Conflict, FeedbackError


class AuthError(FeedbackError):
    """A sign-in check failed; the message never says which part was wrong."""


class TooManyAttempts(AuthError):
    """Too many failed checks for this account in the last hour; try again later."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("Too many sign-in attempts. Please wait and try again.")
        self.retry_after_seconds = retry_after_seconds


class AccountExists(Conflict):
    """An account with this email already exists."""
