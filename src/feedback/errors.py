"""The exception tree of the platform; every domain error is a FeedbackError.

    FeedbackError
     ├── SettingsInvalid        a FEEDBACK_* variable has a bad value
     ├── NotFound               the thing asked for does not exist (or is not yours to see)
     ├── Forbidden              the signed-in person may not do this
     ├── InvalidInput           a value from a person or file is malformed; says what and where
     │    └── auth.errors.AccountExists
     ├── Conflict               the request clashes with the current state
     └── auth.errors.AuthError  sign-in failed (wrong password, code, token)
          └── auth.errors.TooManyAttempts

Routes map these once per audience (web/errors.py); the CLI prints the message and exits 1.
"""

from __future__ import annotations


class FeedbackError(Exception):
    """Base of every error the platform raises on purpose; its message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsInvalid(FeedbackError):
    """A setting has a value the platform cannot use; the message names the variable."""


class NotFound(FeedbackError):
    """The record does not exist, or the caller may not know it exists."""


class Forbidden(FeedbackError):
    """The caller is signed in but their role or scope does not allow this."""


class InvalidInput(FeedbackError):
    """A value is malformed; the message says which value and what is wrong."""


class Conflict(FeedbackError):
    """The request is well-formed but clashes with what is stored."""
