"""Respondent pages that belong to no survey: the safety page. Every respondent page extends
templates/public/base.html, which adds "Exit this page" and the help block."""

from __future__ import annotations

from litestar import Controller, MediaType, get
from litestar.response import Template

__all__ = ["SafetyPage"]


class SafetyPage(Controller):
    """How to leave quickly, what leaving cannot hide, and where to get help."""

    path = "/safety"

    @get("/", media_type=MediaType.HTML, include_in_schema=False, sync_to_thread=False)
    def show(self) -> Template:
        return Template("public/safety.html", context={"lang": "en"})
