"""Errors of receipts and withdrawal. Respondents see one neutral message for all of them."""

from __future__ import annotations

from feedback.errors import NotFound


class ReceiptUnknown(NotFound):
    """No response answers to this receipt code: never stored, already withdrawn, or waiting
    to be withdrawn. Deliberately one error, so nobody holding a code learns which."""

    def __init__(self) -> None:
        super().__init__("This receipt code does not match a response.")
