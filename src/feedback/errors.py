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
An error about one value names it as `field` (`InvalidInput("enter a title", field="title")`),
and may quote what was sent as `value`: the message then reads "title: enter a title" (or
"period '2026-13': use ...") for the CLI and API, and a staff form marks its own field for
that name (web/form_labels.py) without reading the message.
"""

from __future__ import annotations


class FeedbackError(Exception):
    """Base of every error the platform raises on purpose; its message is safe to show."""

    def __init__(self, message: str, *, field: str | None = None, value: str | None = None) -> None:
        self.field, self.value = field, value
        self.problem = message  # the message without the field's name, for a form to label
        self.message = f"{self.subject}: {message}" if field else message
        super().__init__(self.message)

    @property
    def subject(self) -> str:
        """The field's name, with the value sent when the message quotes it."""
        return f"{self.field}{self.quoted_value}"

    @property
    def quoted_value(self) -> str:
        return f" {self.value!r}" if self.value is not None else ""


class SettingsInvalid(FeedbackError):
    """A setting has a value the platform cannot use; the message names the variable."""


class NotFound(FeedbackError):
    """The record does not exist, or the caller may not know it exists."""


class Forbidden(FeedbackError):
    """The caller is signed in but their role or scope does not allow this."""


class InvalidInput(FeedbackError):
    """A value is malformed; `field` says which value and the message what is wrong."""


class Conflict(FeedbackError):
    """The request is well-formed but clashes with what is stored."""
