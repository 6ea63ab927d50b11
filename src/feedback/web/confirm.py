"""A second look before anything that cannot be undone.

Each destructive staff action has two steps on the same address: GET shows a page that
says, in words, what will happen, and POST does it only when the form carries
`confirm=yes` (the page's button). A POST without it (an old bookmark, a form elsewhere)
shows the same page and changes nothing. Plain forms and no JavaScript, so it works under
the strict content security policy and without scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Template

from feedback.auth.schemas import Staff

__all__ = ["Confirmation", "confirmed", "confirmation_page"]

CONFIRM_FIELD = "confirm"


@dataclass(frozen=True)
class Confirmation:
    """What the page says: a question, what will happen, the button and the way back."""

    title: str
    happens: list[str]
    action: str
    button: str
    back: str
    back_words: str = "No, go back"
    undoable: bool = False  # False: the page says it cannot be undone


async def confirmed(request: Request[Any, Any, Any]) -> bool:
    """True only when the confirmation page's own button sent the form."""
    form = await request.form()
    return form.get(CONFIRM_FIELD) == "yes"


def confirmation_page(staff: Staff, confirmation: Confirmation) -> Template:
    return Template("staff/confirm.html", context={"staff": staff, "confirmation": confirmation})
