"""Errors of outcome pairing. One neutral message for every unknown code, so nobody holding
a code learns whether it never existed or was withdrawn."""

from __future__ import annotations

from feedback.errors import NotFound


class PairingCodeUnknown(NotFound):
    """No intake survey was kept for pairing under this code (never, or withdrawn)."""

    def __init__(self) -> None:
        super().__init__("This code does not match a survey from when your support started.")
