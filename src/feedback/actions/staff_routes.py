"""Console pages for "you said, we did": the list (drafts, awaiting approval, published),
the draft form (questions and themes picked from lists, prefilled from
`?survey=&period=&theme=&service=&question=`), a record with its approve / send back /
progress forms. Every rule is in `actions.service`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions import service
from feedback.actions.models import STATUS_WORDS
from feedback.actions.schemas import RecordInput, StaffRecordOut
from feedback.auth.roles import ACTION_DRAFTERS
from feedback.auth.schemas import Staff
from feedback.errors import Conflict, Forbidden, InvalidInput
from feedback.organisations.service import list_boroughs, list_services
from feedback.outcomes.indicators import INDICATORS
from feedback.settings import Settings
from feedback.surveys.service import list_surveys
from feedback.themes.taxonomy import load_taxonomy
from feedback.web.form_labels import FormField, FormLabels
from feedback.web.guards import requires_role

__all__ = ["ActionsPages"]

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
HTML = MediaType.HTML
BASE = "/staff/you-said-we-did"
# The service names its arguments (`service_id: ...`); the page names its fields.
RECORD_FORM = FormLabels(
    "service",
    {
        "title": "Title",
        "service_id": FormField("service", "Service"),
        "boroughs": "Boroughs",
        "you_said": "You said",
        "we_did": "We did",
        "survey_slug": FormField("survey", "Survey"),
        "period": "Period",
        "question_ids": FormField("questions", "Questions"),
        "theme_ids": FormField("themes", "Themes"),
        "outcome_codes": FormField("outcomes", "Outcome figures"),
        "status": "Progress",
        "simple_summary": "Summary in simple words",
    },
)
REVIEW_FORM = FormLabels(
    "comment",
    {
        "comment": "What needs to change",
        "on": "Date",
        "status": "Progress now",
        "text": "What has happened",
    },
)


@dataclass
class RecordForm:
    """The draft form as posted (every value a string, lists for the checkboxes)."""

    title: str = ""
    service: str = ""
    you_said: str = ""
    we_did: str = ""
    survey: str = ""
    period: str = ""
    status: str = "planned"
    simple_summary: str = ""
    young_people: bool = False
    boroughs: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    showing_questions: bool = False  # "Show this survey's questions": re-show, do not save

    @classmethod
    async def read(cls, request: Request[Any, Any, Any]) -> RecordForm:
        form = await request.form()
        one = {
            k: str(form.get(k, ""))
            for k in (
                "title",
                "service",
                "you_said",
                "we_did",
                "survey",
                "period",
                "status",
                "simple_summary",
            )
        }
        return cls(
            **one,
            young_people=form.get("young_people") == "yes",
            boroughs=[str(b) for b in form.getall("boroughs", [])],
            questions=[str(q).strip() for q in form.getall("questions", []) if str(q).strip()],
            themes=[str(t) for t in form.getall("themes", [])],
            outcomes=[str(o) for o in form.getall("outcomes", [])],
            showing_questions=form.get("step") == "questions",
        )

    def to_input(self) -> RecordInput:
        if not self.service.isdigit():
            raise InvalidInput("choose a service", field="service_id")
        if not self.survey:
            raise InvalidInput("choose a survey", field="survey_slug")
        return RecordInput(
            title=self.title,
            service_id=int(self.service),
            you_said=self.you_said,
            we_did=self.we_did,
            survey_slug=self.survey,
            period=self.period,
            status=self.status,
            boroughs=self.boroughs,
            question_ids=self.questions,
            theme_ids=self.themes,
            outcome_codes=self.outcomes,
            young_people=self.young_people,
            simple_summary=self.simple_summary or None,
        )

    @classmethod
    def of(cls, record: StaffRecordOut) -> RecordForm:
        return cls(
            title=record.title,
            service=str(record.service_id),
            you_said=record.you_said,
            we_did=record.we_did,
            survey=record.survey,
            questions=list(record.questions),
            period=record.period,
            status=record.status,
            simple_summary=record.simple_summary or "",
            young_people=record.young_people,
            boroughs=list(record.boroughs),
            themes=[t.id for t in record.themes],
            outcomes=list(record.outcome_codes),
        )


@dataclass
class ReviewForm:
    comment: str = ""


@dataclass
class ProgressForm:
    on: str = ""
    status: str = ""
    text: str = ""


class ActionsPages(Controller):
    path = "/you-said-we-did"  # under the staff router's /staff: BASE
    guards = [requires_role(*ACTION_DRAFTERS)]

    @get("/", media_type=HTML)
    async def records(self, db: AsyncSession, staff: Staff) -> Template:
        records = await service.list_records(db, staff)
        return Template(
            "staff/actions.html",
            context={
                "staff": staff,
                "drafts": [r for r in records if r.state == "draft"],
                "awaiting": [r for r in records if r.state == "submitted"],
                "published": [r for r in records if r.state == "published"],
                "statuses": STATUS_WORDS,
            },
        )

    @get("/new", media_type=HTML)
    async def new(
        self,
        db: AsyncSession,
        staff: Staff,
        survey: str = "",
        period: str = "",
        theme: str = "",
        service_id: Annotated[str, QueryParameter(name="service")] = "",
        question: list[str] | None = None,
    ) -> Template:
        """Prefilled from the query: a round's closing summary and a report link here."""
        form = RecordForm(
            survey=survey,
            period=period,
            service=service_id,
            themes=[theme] if theme else [],
            questions=list(question or []),
        )
        return await self._form(db, staff, form, None, None)

    @post("/new", media_type=HTML)
    async def create(
        self, db: AsyncSession, staff: Staff, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        form = await RecordForm.read(request)
        if form.showing_questions:
            return await self._form(db, staff, form, None, None)
        try:
            record = await service.draft_record(db, staff, form.to_input())
        except (InvalidInput, Forbidden) as problem:
            return await self._form(db, staff, form, None, problem)
        return Redirect(f"{BASE}/{record.id}", status_code=303)

    @get("/{record_id:int}", media_type=HTML)
    async def record(self, db: AsyncSession, staff: Staff, record_id: int) -> Template:
        return await self._record(db, staff, await service.get_record(db, staff, record_id))

    @get("/{record_id:int}/edit", media_type=HTML)
    async def edit_form(self, db: AsyncSession, staff: Staff, record_id: int) -> Template:
        record = await service.get_record(db, staff, record_id)
        return await self._form(db, staff, RecordForm.of(record), record, None)

    @post("/{record_id:int}/edit", media_type=HTML)
    async def edit(
        self, db: AsyncSession, staff: Staff, record_id: int, request: Request[Any, Any, Any]
    ) -> Response[Any]:
        record = await service.get_record(db, staff, record_id)
        form = await RecordForm.read(request)
        if form.showing_questions:
            return await self._form(db, staff, form, record, None)
        try:
            await service.edit_record(db, staff, record_id, form.to_input())
        except (InvalidInput, Forbidden, Conflict) as problem:
            return await self._form(db, staff, form, record, problem)
        return Redirect(f"{BASE}/{record_id}", status_code=303)

    @post("/{record_id:int}/submit", media_type=HTML)
    async def submit(self, db: AsyncSession, staff: Staff, record_id: int) -> Redirect:
        await service.submit_record(db, staff, record_id)
        return Redirect(f"{BASE}/{record_id}", status_code=303)

    @post("/{record_id:int}/approve", media_type=HTML)
    async def approve(
        self, db: AsyncSession, staff: Staff, settings: Settings, record_id: int
    ) -> Redirect:
        await service.approve_record(db, staff, record_id, settings=settings)
        return Redirect(f"{BASE}/{record_id}", status_code=303)

    @post("/{record_id:int}/send-back", media_type=HTML)
    async def send_back(
        self,
        db: AsyncSession,
        staff: Staff,
        record_id: int,
        data: Annotated[ReviewForm, FORM],
    ) -> Response[Any]:
        try:
            await service.send_back(db, staff, record_id, comment=data.comment)
        except InvalidInput as problem:
            record = await service.get_record(db, staff, record_id)
            return await self._record(db, staff, record, problem)
        return Redirect(f"{BASE}/{record_id}", status_code=303)

    @post("/{record_id:int}/progress", media_type=HTML)
    async def progress(
        self,
        db: AsyncSession,
        staff: Staff,
        record_id: int,
        data: Annotated[ProgressForm, FORM],
    ) -> Response[Any]:
        try:
            try:
                on = date.fromisoformat(data.on) if data.on else service.today()
            except ValueError:
                raise InvalidInput(
                    "enter a date as YYYY-MM-DD, like 2026-10-01", field="on"
                ) from None
            await service.add_progress(
                db, staff, record_id, on=on, status=data.status, text=data.text
            )
        except InvalidInput as problem:
            record = await service.get_record(db, staff, record_id)
            return await self._record(db, staff, record, problem, progress=data)
        return Redirect(f"{BASE}/{record_id}", status_code=303)

    @staticmethod
    async def _record(
        db: AsyncSession,
        staff: Staff,
        record: StaffRecordOut,
        problem: InvalidInput | None = None,
        progress: ProgressForm | None = None,
    ) -> Template:
        return Template(
            "staff/action.html",
            status_code=400 if problem else 200,
            context={
                "staff": staff,
                "record": record,
                "question_words": {
                    q.id: q.text for q in await service.survey_questions(db, record.survey)
                },
                "statuses": STATUS_WORDS,
                "choices": service.record_choices(staff, record),
                **REVIEW_FORM.context(problem),
                "progress": progress or ProgressForm(status=record.status),
            },
        )

    @staticmethod
    async def _form(
        db: AsyncSession,
        staff: Staff,
        form: RecordForm,
        record: StaffRecordOut | None,
        problem: InvalidInput | Forbidden | Conflict | None,
    ) -> Template:
        status = 200 if problem is None else 403 if isinstance(problem, Forbidden) else 400
        if isinstance(problem, Conflict):
            status = 409
        return Template(
            "staff/action_form.html",
            status_code=status,
            context={
                "staff": staff,
                "form": form,
                "record": record,
                **RECORD_FORM.context(problem),
                "services": await list_services(db, only=service.drafting_scope(staff)),
                "boroughs": await list_boroughs(db),
                "surveys": await list_surveys(db),
                "questions": await service.survey_questions(db, form.survey),
                "themes": load_taxonomy().themes,
                "indicators": INDICATORS,
                "statuses": STATUS_WORDS,
            },
        )
