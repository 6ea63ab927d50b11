"""Published "you said, we did" for anyone, with no sign-in: the page (and a young-person
view in simpler words), one record, the Atom feed and the public JSON list.

`/api/v1/you-said-we-did` sits on the public router although it has the API prefix: the
public contract (shared/DESIGN.md) lets anyone read published records as JSON. Only
published records are ever read (`actions.public`); no staff name or email is in any shape.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, MediaType, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.feed import atom_feed, last_change
from feedback.actions.models import STATUS_WORDS, STATUSES
from feedback.actions.public import MAX_PAGE, list_published, published_record
from feedback.actions.schemas import PublicFilter, RecordPage
from feedback.errors import InvalidInput, NotFound
from feedback.organisations.service import list_boroughs, list_services
from feedback.settings import Settings
from feedback.web.errors import API_ERRORS

__all__ = ["PublicRecordsApi", "YouSaidWeDidPages"]

PAGE_SIZE = 20
HTML = MediaType.HTML


def public_filter(
    service: str | None,
    borough: str | None,
    theme: str | None,
    status: str | None,
    young_people: bool | None = None,
) -> PublicFilter:
    """Query strings as the filter form sends them (empty means "all")."""
    if service and not service.isdigit():
        raise InvalidInput("must be a service number", field="service", value=service)
    if status and status not in STATUSES:
        raise InvalidInput("use planned, in_progress or done", field="status", value=status)
    return PublicFilter(
        service_id=int(service) if service else None,
        borough=borough or None,
        theme=theme or None,
        status=status or None,
        young_people=young_people,
    )


def _whole(name: str, text: str | None, default: int) -> int:
    if not text:
        return default
    if not text.isdigit():
        raise InvalidInput("must be a whole number", field=name, value=text)
    return int(text)


class YouSaidWeDidPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/you-said-we-did", media_type=HTML)
    async def records(
        self,
        db: AsyncSession,
        service: str | None = None,
        borough: str | None = None,
        theme: str | None = None,
        status: str | None = None,
        page: str | None = None,
    ) -> Template:
        filters = public_filter(service, borough, theme, status)
        number = max(1, _whole("page", page, 1))
        total, records = await list_published(
            db, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
        _all_total, everything = await list_published(db, PublicFilter(), limit=MAX_PAGE)
        themes = sorted(
            {t.id: t for r in everything for t in r.themes}.values(), key=lambda t: t.label
        )
        query = {
            k: v
            for k, v in (
                ("service", service),
                ("borough", borough),
                ("theme", theme),
                ("status", status),
            )
            if v
        }
        return Template(
            "public/you_said_we_did.html",
            context={
                "records": records,
                "total": total,
                "filters": filters,
                "services": await list_services(db),
                "boroughs": await list_boroughs(db),
                "themes": themes,
                "statuses": STATUS_WORDS,
                "page": number,
                "previous_url": _page_url(query, number - 1) if number > 1 else None,
                "next_url": _page_url(query, number + 1) if number * PAGE_SIZE < total else None,
            },
        )

    @get("/you-said-we-did/young-people", media_type=HTML)
    async def young_people(self, db: AsyncSession) -> Template:
        _total, records = await list_published(db, PublicFilter(young_people=True), limit=MAX_PAGE)
        return Template(
            "public/you_said_we_did_young.html",
            context={"records": records, "statuses": STATUS_WORDS, "young_people": True},
        )

    @get("/you-said-we-did/{record_id:int}", media_type=HTML)
    async def record(self, db: AsyncSession, record_id: int) -> Template:
        found = await published_record(db, record_id)
        if found is None:
            raise NotFound("no such record")
        return Template(
            "public/you_said_we_did_record.html",
            context={"record": found, "statuses": STATUS_WORDS},
        )

    @get("/you-said-we-did.atom")
    async def feed(self, db: AsyncSession, settings: Settings) -> Response[bytes]:
        _total, records = await list_published(db, PublicFilter(), limit=MAX_PAGE)
        records.sort(key=last_change, reverse=True)
        return Response(
            atom_feed(records, base_url=settings.public_base_url, title=settings.respondent_title),
            media_type="application/atom+xml; charset=utf-8",
        )


def _page_url(query: dict[str, str], number: int) -> str:
    return "/you-said-we-did?" + urlencode({**query, "page": str(number)})


class PublicRecordsApi(Controller):
    """Public JSON despite the `/api/v1` prefix (see the module docstring)."""

    path = "/api/v1/you-said-we-did"
    tags = ["you said, we did (public)"]
    exception_handlers = API_ERRORS  # JSON callers get problem details, as on the API router

    @get("/")
    async def list_records(
        self,
        db: AsyncSession,
        service: str | None = None,
        borough: str | None = None,
        theme: str | None = None,
        status: str | None = None,
        young_people: bool | None = None,
        limit: str | None = None,
        offset: str | None = None,
    ) -> RecordPage:
        """Published records, newest first; `next` is the URL of the following page, or null."""
        filters = public_filter(service, borough, theme, status, young_people)
        size = min(MAX_PAGE, max(1, _whole("limit", limit, PAGE_SIZE)))
        start = _whole("offset", offset, 0)
        total, records = await list_published(db, filters, limit=size, offset=start)
        query = {
            k: str(v).lower() if isinstance(v, bool) else v
            for k, v in (
                ("service", service),
                ("borough", borough),
                ("theme", theme),
                ("status", status),
                ("young_people", young_people),
            )
            if v not in (None, "")
        }
        following = None
        if start + size < total:
            following = "/api/v1/you-said-we-did?" + urlencode(
                {**query, "limit": str(size), "offset": str(start + size)}
            )
        return RecordPage(total=total, limit=size, offset=start, next=following, records=records)
