"""Drafting, approving and keeping "you said, we did" records.

Who may do what: a service manager drafts, edits and submits records for their own services
only, and sees only those; the Strategic Lead may do all of that for any service, and is
the only one who approves (publishes) or sends back. Nothing is public before approval.
After publication the wording changes only through the lead, and every change keeps the
earlier wording as a revision, so the public history is never rewritten; progress updates
may come from the lead or the record's service manager. Evidence is frozen at approval.
Approval, sending back, edits and progress updates are audit-logged (never their text).
"""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.evidence import take_evidence
from feedback.actions.models import STATUSES, ActionProgress, ActionRecord, ActionRevision
from feedback.actions.public import PUBLISHED, record_views
from feedback.actions.schemas import QuestionChoice, RecordChoices, RecordInput, StaffRecordOut
from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.clock import LONDON
from feedback.db.base import utc_now
from feedback.errors import Conflict, Forbidden, InvalidInput, NotFound
from feedback.organisations.models import Borough, Service
from feedback.outcomes.indicators import INDICATORS
from feedback.reports.periods import parse_period
from feedback.settings import Settings
from feedback.surveys.definition import PublishedSurvey, all_questions
from feedback.surveys.models import Survey, SurveyVersion
from feedback.themes.taxonomy import load_taxonomy

LIMITS = {"title": 200, "you_said": 4000, "we_did": 4000, "simple_summary": 1000}


def today() -> date:
    """Today in London: the day a person reading the record would call today."""
    return utc_now().astimezone(LONDON).date()


def _may_draft(staff: Staff, service_id: int) -> None:
    if not staff.may_draft_actions:
        raise Forbidden("only the Strategic Lead and service managers work on these records")
    scope = staff.service_scope()
    if not staff.is_lead and (scope is None or service_id not in scope):
        raise Forbidden("you may work on records for your own services only")


def drafting_scope(staff: Staff) -> tuple[int, ...] | None:
    """Services this person may draft for: every one for the lead, else their own."""
    return None if staff.is_lead else staff.service_ids


def may_edit(staff: Staff, state: str) -> bool:
    """A draft is changed by whoever drafts for its service; once sent for approval or
    published, only by the lead (who may also send it back to its drafter)."""
    return state == "draft" or staff.is_lead


def may_submit(state: str) -> bool:
    return state == "draft"


def may_approve(staff: Staff, state: str) -> bool:
    """Approving (publishing) and sending back are the lead's, for a record sent to them."""
    return state == "submitted" and staff.is_lead


def record_choices(staff: Staff, record: StaffRecordOut) -> RecordChoices:
    """What this person may do next with a record they can see."""
    return RecordChoices(
        may_edit=may_edit(staff, record.state),
        may_submit=may_submit(record.state),
        may_approve=may_approve(staff, record.state),
    )


def _only_lead(staff: Staff, doing: str) -> None:
    if not staff.is_lead:
        raise Forbidden(f"only the Strategic Lead may {doing}")


async def _load(session: AsyncSession, staff: Staff, record_id: int) -> ActionRecord:
    """The record, or NotFound when it does not exist or lies outside the caller's services
    (a manager is not told another service's drafts exist)."""
    record = await session.get(ActionRecord, record_id)
    if record is None:
        raise NotFound(f"record {record_id}: no such record")
    try:
        _may_draft(staff, record.service_id)
    except Forbidden:
        raise NotFound(f"record {record_id}: no such record") from None
    return record


def _text(name: str, value: str | None, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput("enter this", field=name)
    if len(cleaned) > LIMITS[name]:
        raise InvalidInput(f"use {LIMITS[name]} characters or fewer", field=name)
    return cleaned


async def _latest_survey(session: AsyncSession, slug: str) -> PublishedSurvey | None:
    definition = await session.scalar(
        select(SurveyVersion.definition)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.slug == slug)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    )
    return None if definition is None else msgspec.json.decode(definition, type=PublishedSurvey)


async def survey_questions(session: AsyncSession, survey_slug: str) -> list[QuestionChoice]:
    """The questions a record about this survey may cite, in the order respondents meet
    them, by their English words (the latest version; none for an unknown survey)."""
    published = await _latest_survey(session, survey_slug.strip()) if survey_slug else None
    if published is None:
        return []
    return [
        QuestionChoice(q.id, _english(q.text) or q.id)
        for _path, q in all_questions(published.definition)
    ]


def _english(text: str | dict[str, str] | None) -> str:
    if isinstance(text, dict):
        return text.get("en") or next(iter(text.values()), "")
    return text or ""


INDICATOR_CODES = frozenset(spec.code for spec in INDICATORS)


async def _checked(session: AsyncSession, data: RecordInput) -> dict[str, object]:
    """The input as column values, or InvalidInput naming the field (`field: problem`)."""
    values: dict[str, object] = {
        "title": _text("title", data.title),
        "you_said": _text("you_said", data.you_said),
        "we_did": _text("we_did", data.we_did),
    }
    service = await session.get(Service, data.service_id)
    if service is None:
        raise InvalidInput(f"there is no service {data.service_id}", field="service_id")
    known_boroughs = set(await session.scalars(select(Borough.slug)))
    boroughs = [b for b in data.boroughs if b] or [b.slug for b in service.boroughs]
    unknown = [b for b in boroughs if b not in known_boroughs]
    if unknown:
        raise InvalidInput(f"{', '.join(unknown)} is not a borough we know", field="boroughs")
    if data.status not in STATUSES:
        raise InvalidInput("choose planned, in progress or done", field="status")
    values |= {"service_id": service.id, "boroughs": boroughs, "status": data.status}
    values["period"] = parse_period(data.period or "").name
    published = await _latest_survey(session, data.survey_slug.strip())
    if published is None:
        raise InvalidInput(
            f"there is no published survey {data.survey_slug!r}", field="survey_slug"
        )
    question_ids = {q.id for _p, q in all_questions(published.definition)}
    wrong = [q for q in data.question_ids if q not in question_ids]
    if wrong:
        raise InvalidInput(f"the survey has no question {wrong[0]!r}", field="question_ids")
    labels = {theme.id: theme.label for theme in load_taxonomy().themes}
    wrong = [t for t in data.theme_ids if t not in labels]
    if wrong:
        raise InvalidInput(f"{wrong[0]!r} is not a theme of the taxonomy", field="theme_ids")
    wrong = [code for code in data.outcome_codes if code not in INDICATOR_CODES]
    if wrong:
        raise InvalidInput(f"{wrong[0]!r} is not an outcome indicator", field="outcome_codes")
    values |= {
        "survey_slug": data.survey_slug.strip(),
        "outcome_codes": list(dict.fromkeys(data.outcome_codes)),
        "question_ids": list(dict.fromkeys(data.question_ids)),
        "themes": [{"id": t, "label": labels[t]} for t in dict.fromkeys(data.theme_ids)],
        "young_people": data.young_people,
        "simple_summary": _text("simple_summary", data.simple_summary, required=False) or None,
    }
    if data.young_people and not values["simple_summary"]:
        raise InvalidInput(
            "a record from young people's feedback needs a summary in simple words",
            field="simple_summary",
        )
    return values


async def _view(session: AsyncSession, record: ActionRecord) -> StaffRecordOut:
    (view,) = await record_views(session, [record])
    return view


async def draft_record(session: AsyncSession, staff: Staff, data: RecordInput) -> StaffRecordOut:
    _may_draft(staff, data.service_id)
    values = await _checked(session, data)
    record = ActionRecord(**values, state="draft", drafted_by=staff.id)
    session.add(record)
    await session.flush()
    record_audit(
        session, "action.draft", actor_id=staff.id, target_type="action", target_id=record.id
    )
    await session.commit()
    return await _view(session, record)


async def edit_record(
    session: AsyncSession, staff: Staff, record_id: int, data: RecordInput
) -> StaffRecordOut:
    """A draft changes in place. A published record changes only by the lead, and its
    earlier public wording is kept as a revision with the day it was replaced."""
    record = await _load(session, staff, record_id)
    _may_draft(staff, data.service_id)
    values = await _checked(session, data)
    if not may_edit(staff, record.state):
        if record.state == PUBLISHED:
            raise Forbidden("only the Strategic Lead may change a published record")
        raise Conflict(
            "this record is waiting for approval; ask the Strategic Lead to send it back "
            "to change it"
        )
    if record.state == PUBLISHED:
        if values["service_id"] != record.service_id or values["survey_slug"] != record.survey_slug:
            raise InvalidInput(
                "a published record keeps its service and survey", field="service_id"
            )
        changed = [f for f in values if values[f] != getattr(record, f)]
        if not changed:
            return await _view(session, record)
        number = await session.scalar(
            select(func.count()).where(ActionRevision.record_id == record.id)
        )
        session.add(
            ActionRevision(
                record_id=record.id,
                number=int(number or 0) + 1,
                replaced_on=today(),
                changed=changed,
                previous={f: _shown(getattr(record, f)) for f in changed},
            )
        )
        record.updated_on = today()
        record_audit(
            session, "action.edit", actor_id=staff.id, target_type="action", target_id=record.id
        )
    for field, value in values.items():
        setattr(record, field, value)
    await session.commit()
    return await _view(session, record)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(v["label"] if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


async def submit_record(session: AsyncSession, staff: Staff, record_id: int) -> StaffRecordOut:
    record = await _load(session, staff, record_id)
    if not may_submit(record.state):
        raise Conflict("only a draft can be sent for approval")
    record.state = "submitted"
    record_audit(
        session, "action.submit", actor_id=staff.id, target_type="action", target_id=record.id
    )
    await session.commit()
    return await _view(session, record)


async def approve_record(
    session: AsyncSession, staff: Staff, record_id: int, *, settings: Settings
) -> StaffRecordOut:
    """Publish: the evidence is taken now from the protected reports and never again."""
    _only_lead(staff, "approve records")
    record = await _load(session, staff, record_id)
    if not may_approve(staff, record.state):
        raise Conflict("only a record sent for approval can be approved")
    day = today()
    evidence = await take_evidence(
        session,
        staff,
        survey_slug=record.survey_slug,
        period=record.period,
        service_id=record.service_id,
        question_ids=list(record.question_ids),
        theme_ids=[t["id"] for t in record.themes],
        labels={t["id"]: t["label"] for t in record.themes},
        outcome_codes=list(record.outcome_codes or []),
        settings=settings,
        today=day,
    )
    record.evidence = msgspec.to_builtins(evidence)
    record.state = PUBLISHED
    record.review_comment = None
    record.published_on = day
    record_audit(
        session, "action.approve", actor_id=staff.id, target_type="action", target_id=record.id
    )
    record_audit(
        session, "action.publish", actor_id=staff.id, target_type="action", target_id=record.id
    )
    await session.commit()
    return await _view(session, record)


async def send_back(
    session: AsyncSession, staff: Staff, record_id: int, *, comment: str
) -> StaffRecordOut:
    _only_lead(staff, "send records back")
    record = await _load(session, staff, record_id)
    if not may_approve(staff, record.state):
        raise Conflict("only a record sent for approval can be sent back")
    cleaned = comment.strip()
    if not cleaned:
        raise InvalidInput("say what needs to change", field="comment")
    record.state, record.review_comment = "draft", cleaned[:2000]
    record_audit(
        session, "action.send_back", actor_id=staff.id, target_type="action", target_id=record.id
    )
    await session.commit()
    return await _view(session, record)


async def add_progress(
    session: AsyncSession, staff: Staff, record_id: int, *, on: date, status: str, text: str
) -> StaffRecordOut:
    """A dated progress update on a published record; its status becomes the record's."""
    record = await _load(session, staff, record_id)
    if record.state != PUBLISHED:
        raise Conflict("progress updates are for published records; edit the draft instead")
    if status not in STATUSES:
        raise InvalidInput("choose planned, in progress or done", field="status")
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("say what has happened", field="text")
    if on > today():
        raise InvalidInput("the date cannot be in the future", field="on")
    session.add(ActionProgress(record_id=record.id, on=on, status=status, text=cleaned[:2000]))
    record.status = status
    record_audit(
        session, "action.progress", actor_id=staff.id, target_type="action", target_id=record.id
    )
    await session.commit()
    return await _view(session, record)


async def get_record(session: AsyncSession, staff: Staff, record_id: int) -> StaffRecordOut:
    return await _view(session, await _load(session, staff, record_id))


async def list_records(session: AsyncSession, staff: Staff) -> list[StaffRecordOut]:
    """Every record the caller may see (a manager: their services' only), newest first."""
    if not staff.may_draft_actions:
        raise Forbidden("only the Strategic Lead and service managers work on these records")
    query = select(ActionRecord).order_by(ActionRecord.id.desc())
    scope = staff.service_scope()
    if not staff.is_lead:
        query = query.where(ActionRecord.service_id.in_(scope or ()))
    return await record_views(session, list(await session.scalars(query)))


async def count_awaiting_approval(session: AsyncSession) -> int:
    found = await session.scalar(
        select(func.count()).select_from(ActionRecord).where(ActionRecord.state == "submitted")
    )
    return int(found or 0)


async def count_records_by_theme(
    session: AsyncSession, *, survey_slug: str, period: str
) -> dict[str, int]:
    """Theme id -> number of records (any state) for this survey and period; the period is
    normalised first, so `2026-q3` and `2026-Q3` count together."""
    name = parse_period(period).name
    counts: dict[str, int] = {}
    for themes in await session.scalars(
        select(ActionRecord.themes).where(
            ActionRecord.survey_slug == survey_slug, ActionRecord.period == name
        )
    ):
        for theme in themes:
            counts[theme["id"]] = counts.get(theme["id"], 0) + 1
    return counts


__all__ = [
    "add_progress",
    "approve_record",
    "count_awaiting_approval",
    "count_records_by_theme",
    "draft_record",
    "drafting_scope",
    "edit_record",
    "get_record",
    "list_records",
    "may_approve",
    "may_edit",
    "may_submit",
    "record_choices",
    "send_back",
    "submit_record",
    "survey_questions",
    "today",
]
