"""Errors of intake, receipts and withdrawal. Respondents see one neutral message for all the
receipt errors, and NotStored as a request to send the form again."""

from __future__ import annotations

from feedback.errors import FeedbackError, NotFound


class ReceiptUnknown(NotFound):
    """No response answers to this receipt code: never stored, already withdrawn, or waiting
    to be withdrawn. Deliberately one error, so nobody holding a code learns which."""

    def __init__(self) -> None:
        super().__init__("This receipt code does not match a response.")


class NotStored(FeedbackError):
    """The form's answers were not stored (the database refused or could not be reached):
    nothing of them is kept, and sending the same form again is safe (it is stored once)."""

    def __init__(self) -> None:
        super().__init__("Your answers were not stored. Please send them again.")
