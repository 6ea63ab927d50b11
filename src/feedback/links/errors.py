"""Errors of anonymous entry. Respondents see one neutral page for all of them."""

from __future__ import annotations

from feedback.errors import Conflict, NotFound


class LinkUnavailable(NotFound):
    """The link or code is unknown, used, full, expired or revoked: deliberately one error,
    so nothing tells a person holding the link which it was."""

    def __init__(self) -> None:
        super().__init__("This link is not available.")


class LinkUsed(Conflict):
    """A single-use link was already used to submit (also when two submissions race)."""

    def __init__(self) -> None:
        super().__init__("This link has already been used.")
