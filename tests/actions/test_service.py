"""The rules of "you said, we did", on both backends: scope, approval, publication, frozen
evidence, kept history, progress."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions import service
from feedback.actions.public import list_published, published_for
from feedback.actions.schemas import PublicFilter
from feedback.auth.models import AuditEvent
from feedback.auth.schemas import Staff
from feedback.errors import Conflict, Forbidden, InvalidInput, NotFound
from feedback.reports.models import ReportCell
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report
from feedback.settings import Settings
from tests.actions.conftest import SLUG, People, draft_input
from tests.factories import create_service, create_staff
from tests.support.reports import add_counts, service_id


async def _published(
    db: AsyncSession, people: People, settings: Settings, **changes: object
) -> int:
    record = await service.draft_record(db, people.own_manager, draft_input(people.own, **changes))
    await service.submit_record(db, people.own_manager, record.id)
    await service.approve_record(db, people.lead, record.id, settings=settings)
    return record.id


async def test_a_manager_cannot_draft_for_another_service(db: AsyncSession, people: People) -> None:
    with pytest.raises(Forbidden, match="your own services"):
        await service.draft_record(db, people.own_manager, draft_input(people.other))


async def test_a_manager_cannot_see_another_services_drafts(
    db: AsyncSession, people: People
) -> None:
    theirs = await service.draft_record(db, people.other_manager, draft_input(people.other))

    assert await service.list_records(db, people.own_manager) == []
    with pytest.raises(NotFound):
        await service.get_record(db, people.own_manager, theirs.id)
    with pytest.raises(NotFound):
        await service.submit_record(db, people.own_manager, theirs.id)


async def test_the_lead_may_draft_for_any_service(db: AsyncSession, people: People) -> None:
    record = await service.draft_record(db, people.lead, draft_input(people.other))

    assert record.state == "draft" and record.service == "Other Service"


async def test_only_the_lead_approves(db: AsyncSession, people: People, settings: Settings) -> None:
    record = await service.draft_record(db, people.own_manager, draft_input(people.own))
    await service.submit_record(db, people.own_manager, record.id)

    with pytest.raises(Forbidden, match="Strategic Lead"):
        await service.approve_record(db, people.own_manager, record.id, settings=settings)
    with pytest.raises(Forbidden, match="Strategic Lead"):
        await service.send_back(db, people.own_manager, record.id, comment="no")


async def test_drafts_and_submitted_records_are_never_public(
    db: AsyncSession, people: People
) -> None:
    draft = await service.draft_record(db, people.own_manager, draft_input(people.own))
    waiting = await service.draft_record(db, people.own_manager, draft_input(people.own))
    await service.submit_record(db, people.own_manager, waiting.id)

    total, records = await list_published(db, PublicFilter())
    assert (total, records) == (0, [])
    assert await published_for(db, survey_slug=SLUG, service_id=people.own) == []
    assert draft.state == "draft"


async def test_approval_publishes_and_is_audited(
    db: AsyncSession, people: People, settings: Settings
) -> None:
    record_id = await _published(db, people, settings)

    total, records = await list_published(db, PublicFilter())
    assert total == 1 and records[0].id == record_id
    assert records[0].published_on is not None
    actions = set(
        await db.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(record_id)))
    )
    assert {"action.draft", "action.submit", "action.approve", "action.publish"} <= actions


async def test_sending_back_returns_a_draft_with_the_comment(
    db: AsyncSession, people: People
) -> None:
    record = await service.draft_record(db, people.own_manager, draft_input(people.own))
    await service.submit_record(db, people.own_manager, record.id)

    back = await service.send_back(db, people.lead, record.id, comment="Say which days.")

    assert (back.state, back.review_comment) == ("draft", "Say which days.")
    assert (await list_published(db, PublicFilter()))[0] == 0


async def test_evidence_is_frozen_at_publication(
    db: AsyncSession, people: People, settings: Settings, survey_version_id: int
) -> None:
    cell = ("felt_believed", "5", people.own, "westminster", "2026-02", "web")
    await add_counts(db, survey_version_id, {cell: 40})
    record_id = await _published(db, people, settings)
    before = (await service.get_record(db, people.lead, record_id)).evidence
    assert before is not None
    shown = {line.label.split()[0]: line.shown for line in before.questions[0].answers}
    assert shown["5"] == "40"

    later = ("felt_believed", "5", people.own, "westminster", "2026-03", "web")
    await add_counts(db, survey_version_id, {later: 60})
    live = await survey_report(
        db,
        people.lead,
        SLUG,
        filters=ReportFilter(period="2026-Q1", service_id=people.own),
        disclosure=Disclosure.from_settings(settings),
    )
    live_five = [a for a in live.questions[0].answers if a.option == "5"][0]
    assert live_five.shown == "100"
    after = (await service.get_record(db, people.lead, record_id)).evidence
    assert after == before


async def test_evidence_holds_suppressed_figures_not_raw_counts(
    db: AsyncSession, people: People, settings: Settings, survey_version_id: int
) -> None:
    cells = {
        ("felt_believed", "5", people.own, "westminster", "2026-02", "web"): 40,
        ("felt_believed", "1", people.own, "westminster", "2026-02", "web"): 2,
    }
    await add_counts(db, survey_version_id, cells)
    record_id = await _published(db, people, settings)

    evidence = (await service.get_record(db, people.lead, record_id)).evidence
    assert evidence is not None
    shown = {line.label.split()[0]: line.shown for line in evidence.questions[0].answers}
    assert shown["1"] == "c"
    assert "2" not in shown.values()


async def test_evidence_shows_no_figure_a_covering_managers_report_hides(
    db: AsyncSession, people: People, settings: Settings, survey_version_id: int
) -> None:
    """A manager of two services reads their sum. The lead's release may show one service's
    figure where that manager's hides it; a public record showing it would let the manager
    subtract it from the sum and read the other service's small count."""
    await create_service(db, "Third Service", boroughs=("hammersmith-fulham",))
    third = await service_id(db, "Third Service")
    both = await create_staff(
        db,
        role="service_manager",
        email="both@example.org",
        services=["Own Service", "Other Service"],
    )
    planted = {
        (people.own, "westminster"): 40,
        (people.other, "kensington-chelsea"): 2,
        (third, "hammersmith-fulham"): 10,
    }
    await add_counts(
        db,
        survey_version_id,
        {("felt_believed", "5", s, b, "2026-02", "web"): n for (s, b), n in planted.items()},
    )
    for (service_, borough), count in planted.items():  # the responses totals too
        await db.execute(
            update(ReportCell)
            .where(ReportCell.service_id == service_, ReportCell.borough == borough)
            .values(responses=count)
        )
    await db.commit()
    manager = Staff(both.id, both.email, "service_manager", (people.own, people.other), True)

    async def responses(reader: Staff) -> str:
        filters = ReportFilter(period="2026-Q1", service_id=people.own)
        report = await survey_report(
            db, reader, SLUG, filters=filters, disclosure=Disclosure.from_settings(settings)
        )
        return report.responses

    # The case this guards: the lead's report shows it, the two-service manager's hides it.
    assert (await responses(people.lead), await responses(manager)) == ("40", "c")
    record_id = await _published(db, people, settings)
    evidence = (await service.get_record(db, people.lead, record_id)).evidence
    assert evidence is not None
    assert evidence.responses == "c"


async def test_editing_a_published_record_keeps_the_earlier_wording(
    db: AsyncSession, people: People, settings: Settings
) -> None:
    record_id = await _published(db, people, settings)

    edited = await service.edit_record(
        db, people.lead, record_id, draft_input(people.own, we_did="Open until 9pm.")
    )

    assert edited.we_did == "Open until 9pm." and edited.updated_on is not None
    (revision,) = edited.history
    assert revision.changed == ["we_did"]
    assert revision.previous == {"we_did": "We now open until 8pm on Tuesdays and Thursdays."}
    (public,) = (await list_published(db, PublicFilter()))[1]
    assert public.history == edited.history
    audited = await db.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "action.edit", AuditEvent.target_id == str(record_id)
        )
    )
    assert audited is not None


async def test_a_manager_cannot_rewrite_a_published_record(
    db: AsyncSession, people: People, settings: Settings
) -> None:
    record_id = await _published(db, people, settings)

    with pytest.raises(Forbidden):
        await service.edit_record(
            db, people.own_manager, record_id, draft_input(people.own, title="Quietly changed")
        )


async def test_progress_updates_change_the_status(
    db: AsyncSession, people: People, settings: Settings
) -> None:
    record_id = await _published(db, people, settings)

    updated = await service.add_progress(
        db,
        people.own_manager,
        record_id,
        on=date(2026, 4, 2),
        status="in_progress",
        text="Tuesday evenings started.",
    )

    assert updated.status == "in_progress"
    assert [(p.on, p.text) for p in updated.progress] == [
        (date(2026, 4, 2), "Tuesday evenings started.")
    ]


async def test_progress_needs_a_published_record(db: AsyncSession, people: People) -> None:
    record = await service.draft_record(db, people.own_manager, draft_input(people.own))

    with pytest.raises(Conflict):
        await service.add_progress(
            db, people.own_manager, record.id, on=date(2026, 4, 2), status="done", text="x"
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"period": "Q3 2026"}, "period"),
        ({"survey_slug": "nope"}, "survey_slug"),
        ({"question_ids": ["no_such_question"]}, "question_ids"),
        ({"theme_ids": ["not_a_theme"]}, "theme_ids"),
        ({"status": "finished"}, "status"),
        ({"young_people": True}, "simple_summary"),
        ({"boroughs": ["atlantis"]}, "boroughs"),
    ],
)
async def test_bad_input_names_its_field_and_stores_nothing(
    db: AsyncSession, people: People, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await service.draft_record(db, people.lead, draft_input(people.own, **changes))

    assert raised.value.message.split(":")[0] in (field, "period " + repr(changes.get("period")))
    assert await service.list_records(db, people.lead) == []


async def test_records_are_counted_by_theme_for_a_survey_and_period(
    db: AsyncSession, people: People
) -> None:
    await service.draft_record(db, people.lead, draft_input(people.own))
    await service.draft_record(
        db, people.lead, draft_input(people.other, theme_ids=["availability", "safety"])
    )
    await service.draft_record(db, people.lead, draft_input(people.own, period="2026-Q2"))

    counts = await service.count_records_by_theme(db, survey_slug=SLUG, period="2026-q1")

    assert counts == {"availability": 2, "safety": 1}
