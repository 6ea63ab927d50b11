"""Console pages for authoring a survey (lead): start a draft, edit its details and
questions, see each problem at its field, preview it as the respondent page itself, and
publish it after a page that says what publishing will do. Rules live in `drafts`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.errors import NotFound
from feedback.responses import journey
from feedback.responses.form_view import build_form
from feedback.surveys import draft_form as form
from feedback.surveys import drafts
from feedback.surveys.definition import QUESTION_TYPES, Section, SurveyDefinition, question_type
from feedback.surveys.errors import Problem, SurveyInvalid
from feedback.surveys.publishing import CONTENT_ROOT
from feedback.surveys.service import list_surveys
from feedback.web.guards import requires_role

__all__ = ["DraftPages"]

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
UPLOAD = Body(media_type=RequestEncodingType.MULTI_PART)
HTML = MediaType.HTML
BASE = "/staff/surveys/drafts"
MAX_UPLOAD_BYTES = 200_000
PHONE_WIDTH = 375
# The phone-width preview frames the respondent page; both pages loosen only what that needs.
FRAMING_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
FRAMED_PAGE_HEADERS = {
    "x-frame-options": "SAMEORIGIN",
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
    ),
}


def _fields(data: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else str(v[-1] if v else "") for k, v in data.items()}


def _languages(definition: SurveyDefinition) -> list[str]:
    return [language.code for language in definition.languages]


def _placed(draft: drafts.Draft, problems: list[Problem]) -> list[form.PlacedProblem]:
    return [form.place(problem, draft.definition) for problem in problems]


class DraftPages(Controller):
    path = "/surveys/drafts"  # under the staff router's /staff: BASE
    guards = [requires_role(Role.LEAD)]

    @get("/", media_type=HTML)
    async def drafts_page(self, db: AsyncSession, staff: Staff) -> Template:
        return await self._start_page(db, staff, problems=[])

    async def _start_page(
        self, db: AsyncSession, staff: Staff, *, problems: list[str], status: int = 200
    ) -> Template:
        return Template(
            "staff/survey_drafts.html",
            status_code=status,
            context={
                "staff": staff,
                "drafts": await drafts.list_drafts(db),
                "templates": drafts.templates(CONTENT_ROOT),
                "surveys": await list_surveys(db),
                "problems": problems,
            },
        )

    @post("/from-template", media_type=HTML)
    async def from_template(
        self, db: AsyncSession, staff: Staff, data: Annotated[dict[str, Any], FORM]
    ) -> Redirect:
        name = _fields(data).get("template", "")
        draft_id = await drafts.create_from_template(
            db, name, content_root=CONTENT_ROOT, actor_id=staff.id
        )
        return Redirect(f"{BASE}/{draft_id}", status_code=303)

    @post("/from-version", media_type=HTML)
    async def from_version(
        self, db: AsyncSession, staff: Staff, data: Annotated[dict[str, Any], FORM]
    ) -> Response[Any]:
        slug, _, number = _fields(data).get("version", "").rpartition("/")
        if not slug or not number.isdigit():
            return await self._start_page(
                db, staff, problems=["Published survey: choose a survey"], status=400
            )
        draft_id = await drafts.create_from_version(db, slug, int(number), actor_id=staff.id)
        return Redirect(f"{BASE}/{draft_id}", status_code=303)

    @post("/from-upload", media_type=HTML)
    async def from_upload(
        self, db: AsyncSession, staff: Staff, data: Annotated[UploadFile, UPLOAD]
    ) -> Response[Any]:
        content = await data.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            problems = [f"Survey file: larger than {MAX_UPLOAD_BYTES // 1000} KB"]
            return await self._start_page(db, staff, problems=problems, status=400)
        try:
            draft_id = await drafts.create_from_upload(
                db, content, filename=data.filename, actor_id=staff.id
            )
        except SurveyInvalid as invalid:
            problems = [f"Survey file: {problem}" for problem in invalid.problems]
            return await self._start_page(db, staff, problems=problems, status=400)
        return Redirect(f"{BASE}/{draft_id}", status_code=303)

    @get("/{draft_id:int}", media_type=HTML)
    async def draft_page(self, db: AsyncSession, staff: Staff, draft_id: int) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        return self._draft_page(staff, draft, fields=None, saved=False)

    def _draft_page(
        self,
        staff: Staff,
        draft: drafts.Draft,
        *,
        fields: dict[str, str] | None,
        saved: bool,
        status: int = 200,
    ) -> Template:
        checked = drafts.check_draft(draft, content_root=CONTENT_ROOT)
        placed = _placed(draft, checked.problems)
        languages = _languages(draft.definition)
        values = fields if fields is not None else _detail_fields(draft.definition, languages)
        return Template(
            "staff/survey_draft.html",
            status_code=status,
            context={
                "staff": staff,
                "draft": draft,
                "base": f"{BASE}/{draft.id}",
                "problems": placed,
                "field_errors": {p.field: p.text for p in placed if p.page == ""},
                "warnings": checked.warnings,
                "values": values,
                "languages": languages,
                "language_name": form.language_name,
                "in_language": journey.in_language,
                "type_labels": form.TYPE_LABELS,
                "question_type": question_type,
                "saved": saved,
            },
        )

    @post("/{draft_id:int}", media_type=HTML)
    async def save_details(
        self, db: AsyncSession, staff: Staff, draft_id: int, data: Annotated[dict[str, Any], FORM]
    ) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        fields = _fields(data)
        languages = _languages(draft.definition)
        title = form._mapping(fields, "title", languages)
        edited = msgspec.structs.replace(
            draft.definition,
            slug=fields.get("slug", "").strip(),
            title=title or "",
            intro=form._mapping(fields, "intro", languages),
            thanks=form._mapping(fields, "thanks", languages),
        )
        try:
            await drafts.save_definition(db, draft_id, edited)
        except SurveyInvalid as invalid:
            page = self._draft_page(staff, draft, fields=fields, saved=False, status=400)
            page.context["problems"] = _placed(draft, list(invalid.problems))
            page.context["field_errors"] = {p.field: p.text for p in page.context["problems"]}
            return page
        saved = await drafts.get_draft(db, draft_id)
        return self._draft_page(staff, saved, fields=None, saved=True)

    @get("/{draft_id:int}/questions/{section:int}/{number:int}", media_type=HTML)
    async def question_page(
        self, db: AsyncSession, staff: Staff, draft_id: int, section: int, number: int
    ) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        question = _question_at(draft.definition, section, number)
        fields = form.question_fields(question, _languages(draft.definition))
        return self._question_page(staff, draft, section, number, fields, problems=None)

    @get("/{draft_id:int}/questions/{section:int}/new", media_type=HTML)
    async def new_question_page(
        self, db: AsyncSession, staff: Staff, draft_id: int, section: int
    ) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        _section_at(draft.definition, section)
        fields = form.question_fields(None, _languages(draft.definition))
        return self._question_page(staff, draft, section, None, fields, problems=None)

    def _question_page(
        self,
        staff: Staff,
        draft: drafts.Draft,
        section: int,
        number: int | None,
        fields: dict[str, str],
        *,
        problems: list[form.PlacedProblem] | None,
        saved: bool = False,
        status: int = 200,
    ) -> Template:
        if problems is None:
            checked = drafts.check_draft(draft, content_root=CONTENT_ROOT)
            here = f"/questions/{section}/{number}"
            problems = [p for p in _placed(draft, checked.problems) if p.page == here]
        core = drafts.core_data_set(CONTENT_ROOT)
        earlier = [
            q
            for s, sec in enumerate(draft.definition.sections)
            for i, q in enumerate(sec.questions)
            if (s, i) < (section, number if number is not None else len(sec.questions))
        ]
        return Template(
            "staff/survey_draft_question.html",
            status_code=status,
            context={
                "staff": staff,
                "draft": draft,
                "base": f"{BASE}/{draft.id}",
                "section": section,
                "number": number,
                "values": fields,
                "problems": problems,
                "field_errors": {p.field: p.message for p in problems},
                "languages": _languages(draft.definition),
                "language_name": form.language_name,
                "types": [(kind, form.TYPE_LABELS[kind]) for kind in QUESTION_TYPES],
                "core_questions": [
                    (q.id, journey.in_language(q.text, "en"), form.TYPE_LABELS[question_type(q)])
                    for q in core.questions
                ],
                "scales": sorted(core.scales),
                "earlier": [(q.id, journey.in_language(q.text, "en") or q.id) for q in earlier],
                "choice_rows": form.choice_rows(fields),
                "saved": saved,
            },
        )

    @post("/{draft_id:int}/questions/{section:int}/{number:int}", media_type=HTML)
    async def save_question(
        self,
        db: AsyncSession,
        staff: Staff,
        draft_id: int,
        section: int,
        number: int,
        data: Annotated[dict[str, Any], FORM],
    ) -> Template:
        return await self._save_question(db, staff, draft_id, section, number, _fields(data))

    @post("/{draft_id:int}/questions/{section:int}/new", media_type=HTML)
    async def add_question(
        self,
        db: AsyncSession,
        staff: Staff,
        draft_id: int,
        section: int,
        data: Annotated[dict[str, Any], FORM],
    ) -> Template:
        return await self._save_question(db, staff, draft_id, section, None, _fields(data))

    async def _save_question(
        self,
        db: AsyncSession,
        staff: Staff,
        draft_id: int,
        section: int,
        number: int | None,
        fields: dict[str, str],
    ) -> Template:
        """Save the question even when it breaks a survey rule (that is what a draft is for),
        unless the form itself is unreadable or the result would not read back as a file."""
        draft = await drafts.get_draft(db, draft_id)
        target = _section_at(draft.definition, section)
        languages = _languages(draft.definition)
        question, problems = form.question_from_fields(
            fields, languages, drafts.core_data_set(CONTENT_ROOT)
        )
        where = len(target.questions) if number is None else number
        if question is not None:
            questions = list(target.questions)
            if number is None:
                questions.append(question)
            else:
                _question_at(draft.definition, section, number)
                questions[number] = question
            sections = list(draft.definition.sections)
            sections[section] = msgspec.structs.replace(target, questions=questions)
            try:
                await drafts.save_definition(
                    db, draft_id, msgspec.structs.replace(draft.definition, sections=sections)
                )
            except SurveyInvalid as invalid:
                problems = [_inside_question(p, section, where) for p in invalid.problems]
        if problems:
            placed = [_form_problem(p) for p in problems]
            return self._question_page(
                staff, draft, section, number, fields, problems=placed, status=400
            )
        saved = await drafts.get_draft(db, draft_id)
        fields = form.question_fields(_question_at(saved.definition, section, where), languages)
        return self._question_page(staff, saved, section, where, fields, problems=None, saved=True)

    @post("/{draft_id:int}/questions/{section:int}/{number:int}/remove", media_type=HTML)
    async def remove_question(
        self, db: AsyncSession, draft_id: int, section: int, number: int
    ) -> Redirect:
        draft = await drafts.get_draft(db, draft_id)
        target = _section_at(draft.definition, section)
        _question_at(draft.definition, section, number)
        sections = list(draft.definition.sections)
        questions = [q for i, q in enumerate(target.questions) if i != number]
        sections[section] = msgspec.structs.replace(target, questions=questions)
        await drafts.save_definition(
            db, draft_id, msgspec.structs.replace(draft.definition, sections=sections)
        )
        return Redirect(f"{BASE}/{draft_id}", status_code=303)

    @get("/{draft_id:int}/definition", media_type=HTML)
    async def definition_page(self, db: AsyncSession, staff: Staff, draft_id: int) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        return _definition_page(staff, draft, draft.text, problems=[])

    @post("/{draft_id:int}/definition", media_type=HTML)
    async def save_text(
        self, db: AsyncSession, staff: Staff, draft_id: int, data: Annotated[dict[str, Any], FORM]
    ) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        text = _fields(data).get("definition", "")
        try:
            await drafts.save_text(db, draft_id, text.encode())
        except SurveyInvalid as invalid:
            return _definition_page(staff, draft, text, problems=list(invalid.problems), status=400)
        saved = await drafts.get_draft(db, draft_id)
        return _definition_page(staff, saved, saved.text, problems=[], saved=True)

    @get("/{draft_id:int}/download", media_type="application/yaml")
    async def download(self, db: AsyncSession, draft_id: int) -> Response[bytes]:
        draft = await drafts.get_draft(db, draft_id)
        return Response(
            draft.text.encode(),
            media_type="application/yaml",
            headers={"content-disposition": f'attachment; filename="{draft.slug}.yaml"'},
        )

    @get("/{draft_id:int}/preview", media_type=HTML)
    async def preview(
        self,
        db: AsyncSession,
        staff: Staff,
        draft_id: int,
        page: str = "questions",
        lang: str = "en",
    ) -> Template:
        """The respondent's page itself, built from the draft as it would be published, with
        the preview banner and a form that posts nowhere (as a published version's preview)."""
        draft = await drafts.get_draft(db, draft_id)
        checked = drafts.check_draft(draft, content_root=CONTENT_ROOT)
        if checked.prepared is None:
            return self._draft_page(staff, draft, fields=None, saved=False, status=409)
        survey = journey.SurveyForRespondent(
            version_id=0,
            published=checked.prepared.checked.published,
            notice_version_id=None,
            notice=checked.prepared.notice,
        )
        language = lang if lang in journey.languages_of(survey) else "en"
        context: dict[str, Any] = journey.page_context(survey, language) | {"preview": True}
        if page == "consent" and survey.notice is not None:
            context["notice"] = journey.notice_text(survey, language)
            return Template("public/consent.html", context=context, headers=FRAMED_PAGE_HEADERS)
        context |= {
            "sections": build_form(survey, language, {}, {}),
            "errors": [],
            "intro": journey.in_language(survey.published.definition.intro, language),
            "form_nonce": "",
            "entry": "",
        }
        return Template("public/questions.html", context=context, headers=FRAMED_PAGE_HEADERS)

    @get("/{draft_id:int}/phone", media_type=HTML)
    async def phone(
        self,
        db: AsyncSession,
        staff: Staff,
        draft_id: int,
        page: str = "questions",
        lang: str = "en",
    ) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        languages = _languages(draft.definition)
        return Template(
            "staff/survey_draft_phone.html",
            headers={"content-security-policy": FRAMING_PAGE_CSP},
            context={
                "staff": staff,
                "draft": draft,
                "base": f"{BASE}/{draft.id}",
                "languages": languages,
                "language_name": form.language_name,
                "lang": lang if lang in languages else "en",
                "page": "consent" if page == "consent" else "questions",
                "width": PHONE_WIDTH,
            },
        )

    @get("/{draft_id:int}/publish", media_type=HTML)
    async def confirm_publish(self, db: AsyncSession, staff: Staff, draft_id: int) -> Template:
        draft = await drafts.get_draft(db, draft_id)
        checked = drafts.check_draft(draft, content_root=CONTENT_ROOT)
        if checked.prepared is None:
            return self._draft_page(staff, draft, fields=None, saved=False, status=409)
        plan = await drafts.plan_publish(db, checked.prepared)
        return Template(
            "staff/survey_draft_publish.html",
            context={
                "staff": staff,
                "draft": draft,
                "base": f"{BASE}/{draft.id}",
                "plan": plan,
                "warnings": checked.warnings,
            },
        )

    @post("/{draft_id:int}/publish", media_type=HTML)
    async def publish(
        self, db: AsyncSession, staff: Staff, draft_id: int, data: Annotated[dict[str, Any], FORM]
    ) -> Template:
        expected = _fields(data).get("expected_version", "")
        outcome = await drafts.publish_draft(
            db,
            draft_id,
            expected_number=int(expected) if expected.isdigit() else 0,
            content_root=CONTENT_ROOT,
            actor_id=staff.id,
        )
        return Template(
            "staff/survey_draft_published.html", context={"staff": staff, "outcome": outcome}
        )

    @post("/{draft_id:int}/discard", media_type=HTML)
    async def discard(self, db: AsyncSession, draft_id: int) -> Redirect:
        await drafts.discard_draft(db, draft_id)
        return Redirect(BASE, status_code=303)


def _detail_fields(definition: SurveyDefinition, languages: list[str]) -> dict[str, str]:
    values = {"slug": definition.slug}
    for name in ("title", "intro", "thanks"):
        text = getattr(definition, name)
        for language in languages:
            values[f"{name}_{language}"] = (
                (text if language == "en" else "")
                if isinstance(text, str)
                else (text or {}).get(language, "")
            )
    return values


def _section_at(definition: SurveyDefinition, section: int) -> Section:
    if not 0 <= section < len(definition.sections):
        raise NotFound("this draft has no such section")
    return definition.sections[section]


def _question_at(definition: SurveyDefinition, section: int, number: int) -> Any:
    questions = _section_at(definition, section).questions
    if not 0 <= number < len(questions):
        raise NotFound("this draft has no such question")
    return questions[number]


def _inside_question(problem: Problem, section: int, number: int) -> Problem:
    """A decode problem of the whole draft, made relative to the question being edited."""
    prefix = f"sections[{section}].questions[{number}]"
    path = problem.path.removeprefix(prefix).removeprefix(".")
    return Problem("form", path if problem.path.startswith(prefix) else "", problem.message)


def _form_problem(problem: Problem) -> form.PlacedProblem:
    field, label = form.question_field(problem.path)
    return form.PlacedProblem("", field, label, problem.message)


def _definition_page(
    staff: Staff,
    draft: drafts.Draft,
    text: str,
    *,
    problems: list[Problem],
    saved: bool = False,
    status: int = 200,
) -> Template:
    return Template(
        "staff/survey_draft_definition.html",
        status_code=status,
        context={
            "staff": staff,
            "draft": draft,
            "base": f"{BASE}/{draft.id}",
            "text": text,
            "problems": [
                f"Definition, at {p.path}: {p.message}" if p.path else f"Definition: {p.message}"
                for p in problems
            ],
            "saved": saved,
        },
    )
