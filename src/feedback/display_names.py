"""Display names in templates: `{{ slug | borough_name }}`, `{{ slugs | borough_names }}`,
`{{ slug | survey_title }}` and `{{ report.narrowed_by | slice_name }}`. The names are
owned by `organisations.names`, `organisations.service` and `surveys.titles`; this only
hands them to Jinja, so no page spells a name its own way. It sits beside the app, which
alone installs it, not in `web`: the web layer is below the domains whose routes use it.

Survey titles and service names live in the database and change (a version is published, a
service renamed), so each console request reads both maps (two small queries) before its
handler runs.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar import Request

from feedback.organisations.names import borough_name, borough_names
from feedback.organisations.service import list_services
from feedback.surveys.titles import survey_titles


async def load_survey_titles(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook for the console router (it runs after the router's guard).
    Pages anyone may open (sign-in, set password) show no names, so they read nothing: the
    sign-in page keeps working, and costs no query, whatever state the database is in."""
    if getattr(request.state, "staff", None) is None:
        return
    async with request.app.state.sessions() as session:
        request.state.survey_titles = await survey_titles(session)
        request.state.service_names = {s.id: s.name for s in await list_services(session)}


def _state(context: Context, name: str) -> dict[Any, str]:
    request = context.get("request")
    found = getattr(request.state, name, None) if request is not None else None
    return found or {}


@pass_context
def survey_title(context: Context, slug: str) -> str:
    """The survey's title; the slug itself where no map was loaded (a public page) or the
    survey has no published version yet."""
    return _state(context, "survey_titles").get(slug, slug)


@pass_context
def slice_name(context: Context, narrowed_by: str) -> str:
    """A report's narrowing as people say it: "service=3" is the service's name,
    "borough=westminster" the borough's, "channel=sms" stays "channel: sms"."""
    axis, _, value = narrowed_by.partition("=")
    if axis == "borough":
        return borough_name(value)
    if axis == "service" and value.isdigit():
        return _state(context, "service_names").get(int(value), f"service {value}")
    return f"{axis}: {value}" if value else narrowed_by


def install(environment: Environment) -> None:
    environment.filters["borough_name"] = borough_name
    environment.filters["borough_names"] = borough_names
    environment.filters["survey_title"] = survey_title
    environment.filters["slice_name"] = slice_name
