"""Respondent pages that belong to no survey: the safety page and the way out. Every respondent
page extends templates/public/base.html, which adds "Exit this page" and the help block."""

from __future__ import annotations

from litestar import Controller, MediaType, get
from litestar.response import Redirect, Template

from feedback.settings import Settings

__all__ = ["SafetyPage", "leave"]

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class SafetyPage(Controller):
    """How to leave quickly, what leaving cannot hide, and where to get help."""

    path = "/safety"

    @get("/", media_type=MediaType.HTML, include_in_schema=False, sync_to_thread=False)
    def show(self) -> Template:
        return Template("public/safety.html", context={"lang": "en"})


@get("/leave", include_in_schema=False, sync_to_thread=False)
def leave(settings: Settings, site: str = "0") -> Redirect:
    """Where "Exit this page" goes: tell the browser to forget this site's cookies, cache and
    storage, then send it on to a neutral site. `site` picks one of the configured exit
    sites (the script picks at random); anything else gets the first. The redirect target
    is only ever a configured site, so this cannot be used to send people elsewhere."""
    sites = settings.exit_sites
    # Leaving must never fail, whatever arrives in `site`.
    index = int(site) if site.isascii() and site.isdigit() else 0
    target = sites[index] if index < len(sites) else sites[0]
    return Redirect(target, status_code=303, headers={"Clear-Site-Data": CLEAR_SITE_DATA})
