"""Console pages: the lead's consultation rounds (open, progress, close, closing summary,
next round, comparison) and schools with their class sessions (lead and coordinators).
A coordinator's pages show a session's join code once and then only whether its completed
count is under the reporting threshold or not."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import SCHOOL_STAFF, Role
from feedback.auth.schemas import Staff
from feedback.clock import LONDON
from feedback.consultations import class_sessions, progress, rounds, schools, summary
from feedback.consultations.models import AGE_BANDS
from feedback.consultations.schemas import RoundOut
from feedback.errors import Conflict, FeedbackError, InvalidInput, NotFound
from feedback.links.models import CHANNELS
from feedback.organisations.service import list_boroughs, list_services
from feedback.settings import Settings
from feedback.surveys.service import list_surveys
from feedback.web.confirm import Confirmation, confirmation_page, confirmed
from feedback.web.form_labels import FormLabels
from feedback.web.guards import requires_role

HTML = MediaType.HTML
Form = dict[str, list[str]]


async def _form(request: Request[Any, Any, Any]) -> Form:
    data = await request.form()
    return {key: [str(v) for v in data.getall(key)] for key in data}


def _one(form: Form, key: str) -> str:
    return (form.get(key) or [""])[0].strip()


def _day(form: Form, key: str) -> date:
    text = _one(form, key)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("enter a date as YYYY-MM-DD, like 2026-12-31", field=key) from None


def london(moment: datetime | None) -> str:
    """A time as people in the partnership read it: London time, in words."""
    if moment is None:
        return ""
    return moment.astimezone(LONDON).strftime("%H:%M on %d %B %Y")


ROUND_FORM = FormLabels(
    "title",
    {
        "title": "Title",
        "purpose": "Purpose",
        "surveys": "Surveys",
        "opens_on": "Opening date",
        "closes_on": "Closing date",
        "services": "Services taking part",
        "schools": "Schools taking part",
        "channels": "Channels",
    },
)
SCHOOL_FORM = FormLabels(
    "name",
    {
        "name": "School name",
        "borough": "Borough",
        "service": "Service that runs consultations there",
        "coordinators": "School coordinators' email addresses",
    },
)
CLASS_FORM = FormLabels(
    "year_group",
    {
        "round": "Round",
        "year_group": "Year group",
        "age_band": "Age band",
        "class_size": "Pupils in the class",
    },
)
SESSION_FORM = FormLabels(
    "letter_sent_on",
    {
        "letter_sent_on": "Date the school's information letter to parents went out",
        "consents_returned": "Parental consents returned",
        "margin": "Extra places above the class size",
    },
)


def _closing(found: RoundOut) -> Confirmation:
    """What closing a round early does, in the words the lead reads before doing it."""
    taking_part = found.services + found.schools
    early = (
        f"instead of at the end of {found.closes_on:%-d %B %Y}"
        if found.status == "open"
        else f"before it opens on {found.opens_on:%-d %B %Y}"
    )
    return Confirmation(
        title=f"Close “{found.title}” now?",
        happens=[
            f"The round stops taking responses now, {early}.",
            "Every link and code issued for it stops working at once"
            + (f", for {', '.join(taking_part)}." if taking_part else "."),
            "Answers already given are kept, and the closing summary is made from them.",
            "A closed round cannot be opened again: to carry on, open the next round from it.",
        ],
        action=f"/staff/consultations/{found.id}/close",
        button="Yes, close the round now",
        back=f"/staff/consultations/{found.id}",
        back_words="No, keep the round open",
    )


async def _close_page(db: AsyncSession, staff: Staff, round_id: int) -> Response[Any]:
    found = await rounds.get_round(db, round_id, actor=staff)
    if found.status == "closed":
        return Redirect(f"/staff/consultations/{round_id}", status_code=303)
    return confirmation_page(staff, _closing(found))


class RoundsPages(Controller):
    path = "/consultations"
    guards = [requires_role(Role.LEAD)]

    @get("/", media_type=HTML)
    async def index(self, db: AsyncSession, staff: Staff) -> Template:
        return Template(
            "staff/consultations.html",
            context={"staff": staff, "rounds": await rounds.list_rounds(db, actor=staff)},
        )

    @get("/new", media_type=HTML)
    async def new(self, db: AsyncSession, staff: Staff, from_round: int | None = None) -> Template:
        form: Form = {"channels": ["web", "sms", "class"]}
        if from_round is not None:
            previous = await rounds.get_round(db, from_round, actor=staff)
            form = {
                "title": [previous.title],
                "purpose": [previous.purpose],
                "surveys": [s.slug for s in previous.surveys],
                "services": previous.services,
                "schools": previous.schools,
                "channels": previous.channels,
                "young_free_text": ["yes"] if previous.young_free_text else [],
                "previous_round_id": [str(previous.id)],
            }
        return await self._new_form(db, staff, form, None)

    @post("/new", media_type=HTML)
    async def create(
        self, db: AsyncSession, staff: Staff, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        form = await _form(request)
        try:
            previous = _one(form, "previous_round_id")
            created = await rounds.create_round(
                db,
                actor=staff,
                title=_one(form, "title"),
                purpose=_one(form, "purpose"),
                survey_slugs=form.get("surveys", []),
                opens_on=_day(form, "opens_on"),
                closes_on=_day(form, "closes_on"),
                service_names=form.get("services", []),
                school_names=form.get("schools", []),
                channels=form.get("channels", []),
                young_free_text=_one(form, "young_free_text") == "yes",
                previous_round_id=int(previous) if previous.isdigit() else None,
            )
        except (InvalidInput, NotFound) as problem:
            await db.rollback()
            return await self._new_form(db, staff, form, problem, status=400)
        return Redirect(f"/staff/consultations/{created.id}", status_code=303)

    @staticmethod
    async def _new_form(
        db: AsyncSession, staff: Staff, form: Form, error: FeedbackError | None, status: int = 200
    ) -> Template:
        return Template(
            "staff/round_new.html",
            status_code=status,
            context={
                "staff": staff,
                "form": form,
                "value": lambda key: (form.get(key) or [""])[0],
                **ROUND_FORM.context(error),
                "surveys": await list_surveys(db),
                "services": await list_services(db),
                "schools": await schools.list_schools(db, actor=staff),
                "channels": CHANNELS,
            },
        )

    @get("/{round_id:int}", media_type=HTML)
    async def detail(
        self, db: AsyncSession, staff: Staff, settings: Settings, round_id: int
    ) -> Template:
        found = await rounds.get_round(db, round_id, actor=staff)
        shown = await progress.round_progress(db, round_id, actor=staff, settings=settings)
        closing = (
            await summary.closing_summary(db, round_id, actor=staff, settings=settings)
            if found.status == "closed"
            else None
        )
        return Template(
            "staff/round.html",
            context={"staff": staff, "round": found, "progress": shown, "closing": closing},
        )

    @get("/{round_id:int}/close", media_type=HTML)
    async def close_confirmation(
        self, db: AsyncSession, staff: Staff, round_id: int
    ) -> Response[Any]:
        return await _close_page(db, staff, round_id)

    @post("/{round_id:int}/close", media_type=HTML)
    async def close(
        self, db: AsyncSession, staff: Staff, round_id: int, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        if not await confirmed(request):
            return await _close_page(db, staff, round_id)
        await rounds.close_round(db, round_id, actor=staff)
        return Redirect(f"/staff/consultations/{round_id}", status_code=303)

    @get("/{round_id:int}/compare", media_type=HTML)
    async def compare(
        self, db: AsyncSession, staff: Staff, settings: Settings, round_id: int
    ) -> Template:
        comparison = await summary.compare_rounds(db, round_id, actor=staff, settings=settings)
        return Template(
            "staff/round_compare.html", context={"staff": staff, "comparison": comparison}
        )


class SchoolsPages(Controller):
    path = "/schools"
    guards = [requires_role(*SCHOOL_STAFF)]

    @get("/", media_type=HTML)
    async def index(self, db: AsyncSession, staff: Staff) -> Template:
        return await self._index(db, staff, {}, None)

    @post("/", media_type=HTML)
    async def add(
        self, db: AsyncSession, staff: Staff, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        form = await _form(request)
        try:
            school = await schools.add_school(
                db,
                actor=staff,
                name=_one(form, "name"),
                borough=_one(form, "borough"),
                service_name=_one(form, "service"),
                consent_for_under_13=_one(form, "consent_for_under_13") == "yes",
                coordinator_emails=_one(form, "coordinators").replace(",", " ").split(),
            )
        except (InvalidInput, Conflict) as problem:
            await db.rollback()
            return await self._index(db, staff, form, problem, status=400)
        return Redirect(f"/staff/schools/{school.id}", status_code=303)

    @staticmethod
    async def _index(
        db: AsyncSession, staff: Staff, form: Form, error: FeedbackError | None, status: int = 200
    ) -> Template:
        lead = staff.is_lead
        return Template(
            "staff/schools.html",
            status_code=status,
            context={
                "staff": staff,
                "schools": await schools.list_schools(db, actor=staff),
                "value": lambda key: (form.get(key) or [""])[0],
                **SCHOOL_FORM.context(error),
                "boroughs": await list_boroughs(db) if lead else [],
                "services": await list_services(db) if lead else [],
            },
        )

    @get("/{school_id:int}", media_type=HTML)
    async def school(
        self, db: AsyncSession, staff: Staff, settings: Settings, school_id: int
    ) -> Template:
        return await self._school(db, staff, settings, school_id, {}, None)

    @post("/{school_id:int}/sessions", media_type=HTML)
    async def create_session(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        school_id: int,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        form = await _form(request)
        try:
            round_id = _one(form, "round")
            created = await class_sessions.create_class_session(
                db,
                actor=staff,
                school_id=school_id,
                round_id=int(round_id) if round_id.isdigit() else 0,
                year_group=_one(form, "year_group"),
                age_band=_one(form, "age_band"),
                class_size=_one(form, "class_size"),
            )
        except InvalidInput as problem:
            await db.rollback()
            return await self._school(db, staff, settings, school_id, form, problem, 400)
        return Redirect(f"/staff/schools/sessions/{created.id}", status_code=303)

    @staticmethod
    async def _school(
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        school_id: int,
        form: Form,
        error: FeedbackError | None,
        status: int = 200,
    ) -> Template:
        found = await schools.list_schools(db, actor=staff, only=[school_id])
        if not found:
            raise NotFound(f"school {school_id}: no such school of yours")
        return Template(
            "staff/school.html",
            status_code=status,
            context={
                "staff": staff,
                "school": found[0],
                "sessions": await class_sessions.list_class_sessions(
                    db, school_id, actor=staff, notice_hours=settings.school_notice_hours
                ),
                "rounds": await schools.rounds_for_school(db, school_id),
                "threshold": settings.suppression_threshold,
                "age_bands": AGE_BANDS,
                "value": lambda key: (form.get(key) or [""])[0],
                **CLASS_FORM.context(error),
            },
        )

    @get("/sessions/{session_id:int}", media_type=HTML)
    async def session_page(
        self, db: AsyncSession, staff: Staff, settings: Settings, session_id: int
    ) -> Template:
        return await self._session(db, staff, settings, session_id, None)

    @post("/sessions/{session_id:int}/letter", media_type=HTML)
    async def letter(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        session_id: int,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        form = await _form(request)
        try:
            await class_sessions.record_letter(
                db,
                session_id,
                actor=staff,
                sent_on=_day(form, "letter_sent_on"),
                consents_returned=_one(form, "consents_returned"),
                notice_hours=settings.school_notice_hours,
            )
        except (InvalidInput, Conflict) as problem:
            await db.rollback()
            return await self._session(db, staff, settings, session_id, problem, 400)
        return Redirect(f"/staff/schools/sessions/{session_id}", status_code=303)

    @post("/sessions/{session_id:int}/open", media_type=HTML)
    async def open_session(
        self,
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        master_key: bytes,
        session_id: int,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        form = await _form(request)
        try:
            opened = await class_sessions.open_class_session(
                db,
                session_id,
                actor=staff,
                margin=_one(form, "margin"),
                minutes=settings.class_session_minutes,
                notice_hours=settings.school_notice_hours,
                master_key=master_key,
                base_url=settings.public_base_url,
            )
        except (InvalidInput, Conflict) as problem:
            await db.rollback()
            return await self._session(db, staff, settings, session_id, problem, 400)
        return Template(
            "staff/class_session_opened.html",
            context={"staff": staff, "opened": opened, "london": london},
        )

    @staticmethod
    async def _session(
        db: AsyncSession,
        staff: Staff,
        settings: Settings,
        session_id: int,
        error: FeedbackError | None,
        status: int = 200,
    ) -> Template:
        found = await class_sessions.get_class_session(
            db, session_id, actor=staff, notice_hours=settings.school_notice_hours
        )
        return Template(
            "staff/class_session.html",
            status_code=status,
            context={
                "staff": staff,
                "session": found,
                **SESSION_FORM.context(error),
                "minutes": settings.class_session_minutes,
                "notice_hours": settings.school_notice_hours,
                "threshold": settings.suppression_threshold,
                "london": london,
            },
        )
