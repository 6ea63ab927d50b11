"""Survey drafts (issue 19): started from a shipped file or a published version, edited,
checked with every problem placed at the form field that fixes it, planned and published."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.errors import Conflict
from feedback.surveys import draft_form, drafts
from feedback.surveys.definition import Choice, FreeText, SingleChoice, question_type
from feedback.surveys.models import SurveyDraft, SurveyVersion
from feedback.surveys.service import publish_survey_document
from tests.surveys.helpers import CORE

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "ar", "pl"]


async def _versions(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(SurveyVersion)) or 0)


async def _edit_question(db: AsyncSession, draft_id: int, s: int, q: int, question: object) -> None:
    draft = await drafts.get_draft(db, draft_id)
    sections = list(draft.definition.sections)
    questions = list(sections[s].questions)
    questions[q] = question  # type: ignore[call-overload]
    sections[s] = msgspec.structs.replace(sections[s], questions=questions)
    await drafts.save_definition(
        db, draft_id, msgspec.structs.replace(draft.definition, sections=sections)
    )


async def test_a_draft_from_a_shipped_file_meets_every_rule(db: AsyncSession) -> None:
    draft_id = await drafts.create_from_template(
        db, "service-satisfaction.yaml", content_root=ROOT, actor_id=None
    )
    draft = await drafts.get_draft(db, draft_id)
    assert draft.slug == "service-satisfaction"
    assert draft.started_from == "the file surveys/service-satisfaction.yaml"
    checked = drafts.check_draft(draft, content_root=ROOT)
    assert checked.problems == [] and checked.prepared is not None


async def test_a_copy_of_a_published_version_publishes_as_unchanged(db: AsyncSession) -> None:
    data = (ROOT / "surveys" / "service-satisfaction.yaml").read_bytes()
    await publish_survey_document(db, data, content_root=ROOT)
    draft_id = await drafts.create_from_version(db, "service-satisfaction", 1, actor_id=None)
    draft = await drafts.get_draft(db, draft_id)
    assert draft.definition.equality_monitoring is not None
    assert draft.definition.sections[0].questions[0].text is None  # core wording not copied
    checked = drafts.check_draft(draft, content_root=ROOT)
    assert checked.prepared is not None, checked.problems
    plan = await drafts.plan_publish(db, checked.prepared)
    assert (plan.previous, plan.unchanged, plan.changes) == (1, True, [])


async def test_an_edit_is_summarised_and_compatible_then_published_and_audited(
    db: AsyncSession,
) -> None:
    data = (ROOT / "surveys" / "service-satisfaction.yaml").read_bytes()
    await publish_survey_document(db, data, content_root=ROOT)
    draft_id = await drafts.create_from_version(db, "service-satisfaction", 1, actor_id=None)
    draft = await drafts.get_draft(db, draft_id)
    old = draft.definition.sections[1].questions[1]
    assert isinstance(old, FreeText)
    await _edit_question(db, draft_id, 1, 1, msgspec.structs.replace(old, text={"en": "Change?"}))
    checked = drafts.check_draft(await drafts.get_draft(db, draft_id), content_root=ROOT)
    assert checked.prepared is not None
    plan = await drafts.plan_publish(db, checked.prepared)
    assert plan.next_number == 2 and plan.incompatible is None and not plan.unchanged
    assert any("what_should_change: text.en" in line for line in plan.changes), plan.changes
    outcome = await drafts.publish_draft(
        db, draft_id, expected_number=2, content_root=ROOT, actor_id=None
    )
    assert (outcome.status, outcome.version) == ("published", 2)
    assert await db.get(SurveyDraft, draft_id) is None
    audits = await db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "survey.publish")
    )
    assert audits == 2


async def test_a_changed_answer_type_is_reported_incompatible(db: AsyncSession) -> None:
    data = (ROOT / "surveys" / "service-satisfaction.yaml").read_bytes()
    await publish_survey_document(db, data, content_root=ROOT)
    draft_id = await drafts.create_from_version(db, "service-satisfaction", 1, actor_id=None)
    draft = await drafts.get_draft(db, draft_id)
    old = draft.definition.sections[1].questions[0]
    changed = SingleChoice(
        id=old.id,
        text={"en": "What helped?"},
        choices=[
            *[Choice(code=c, text={"en": c}) for c in ("a", "b")],
        ],
    )
    await _edit_question(db, draft_id, 1, 0, changed)
    checked = drafts.check_draft(await drafts.get_draft(db, draft_id), content_root=ROOT)
    assert checked.prepared is not None, checked.problems
    plan = await drafts.plan_publish(db, checked.prepared)
    assert plan.incompatible is not None and "what_helped_most" in plan.incompatible


async def test_publishing_refuses_when_someone_published_since_the_confirmation(
    db: AsyncSession,
) -> None:
    draft_id = await drafts.create_from_template(
        db, "service-satisfaction.yaml", content_root=ROOT, actor_id=None
    )
    data = (ROOT / "surveys" / "service-satisfaction.yaml").read_bytes()
    await publish_survey_document(db, data, content_root=ROOT)  # someone else, meanwhile
    with pytest.raises(Conflict, match="no longer the latest"):
        await drafts.publish_draft(
            db, draft_id, expected_number=1, content_root=ROOT, actor_id=None
        )
    assert await _versions(db) == 1


async def test_each_problem_is_placed_at_the_field_the_page_labels(db: AsyncSession) -> None:
    draft_id = await drafts.create_from_template(
        db, "service-satisfaction.yaml", content_root=ROOT, actor_id=None
    )
    draft = await drafts.get_draft(db, draft_id)
    old = draft.definition.sections[1].questions[0]
    await _edit_question(
        db, draft_id, 1, 0, msgspec.structs.replace(old, text={"en": "Own words", "ar": " "})
    )
    draft = await drafts.get_draft(db, draft_id)
    checked = drafts.check_draft(draft, content_root=ROOT)
    assert checked.prepared is None
    placed = [draft_form.place(p, draft.definition) for p in checked.problems]
    assert [(p.page, p.field) for p in placed] == [("/questions/1/0", "text_ar")]
    assert placed[0].text == (
        "Section 2, question 1 (what_helped_most), Question (العربية (ar)): text is empty"
    )


def test_the_question_form_builds_a_choice_question_and_names_a_bad_number() -> None:
    fields = {
        "id": "how_found",
        "type": "single_choice",
        "text_en": "How did you find us?",
        "choice_0_code": "friend",
        "choice_0_en": "A friend",
        "choice_1_code": "web",
        "choice_1_en": "The web",
        "choice_1_ar": "الإنترنت",
        "required": "on",
        "show_if_question": "felt_safer",
        "show_if_answers": "4, 5",
    }
    question, problems = draft_form.question_from_fields(fields, LANGUAGES, CORE)
    assert problems == [] and isinstance(question, SingleChoice)
    assert [c.code for c in question.choices or []] == ["friend", "web"]
    assert question.optional is False and question.show_if is not None
    assert question.show_if.any_of == ["4", "5"]
    assert draft_form.question_fields(question, LANGUAGES)["choice_1_ar"] == "الإنترنت"
    _, bad = draft_form.question_from_fields(
        {"id": "n", "type": "number", "min": "five"}, LANGUAGES, CORE
    )
    assert [(p.path, p.message) for p in bad] == [("min", "enter a whole number, such as 5")]


def test_a_core_question_takes_its_type_and_wording_from_the_core_data_set() -> None:
    fields = {"id": "believed", "type": "free_text", "core": "felt_believed", "text_en": "x"}
    question, problems = draft_form.question_from_fields(fields, LANGUAGES, CORE)
    assert problems == [] and question is not None
    assert question_type(question) == "scale" and question.text is None


async def test_a_question_id_that_would_not_read_back_is_not_saved(db: AsyncSession) -> None:
    draft_id = await drafts.create_from_template(
        db, "service-satisfaction.yaml", content_root=ROOT, actor_id=None
    )
    draft = await drafts.get_draft(db, draft_id)
    old = draft.definition.sections[1].questions[0]
    with pytest.raises(drafts.SurveyInvalid) as raised:
        await _edit_question(db, draft_id, 1, 0, msgspec.structs.replace(old, id="Own Words"))
    assert raised.value.problems[0].path == "sections[1].questions[0].id"
    assert (await drafts.get_draft(db, draft_id)).text == draft.text
