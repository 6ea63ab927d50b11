"""A "you said, we did" record cites outcome figures: copied at approval from the outcome
report of the record's service and period (figure and n, `c` alike), frozen, and shown on
the public record."""

from __future__ import annotations

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions import service as actions
from feedback.actions.schemas import EvidenceOutcome, RecordInput
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.outcomes.report import OutcomeFilter, outcome_report
from feedback.reports.filters import current_quarter
from feedback.reports.schemas import Disclosure
from feedback.settings import Settings
from tests.factories import create_staff
from tests.outcomes.test_report import pair_through_the_web
from tests.support.outcomes import Surveys

Client = AsyncTestClient[Litestar]
CITED = ["safety_now_change", "helped_cope"]
INTAKE = {"safety_now": 3, "abuse_present_physical": "yes"}
EXIT = {"safety_now": 8, "abuse_change_physical": "stopped", "helped_cope": "yes_a_lot"}


async def _lead(db: AsyncSession) -> Staff:
    made = await create_staff(db, role="lead", email="lead@example.org")
    return Staff(made.id, made.email, "lead", (), True)


async def _published(db: AsyncSession, lead: Staff, surveys: Surveys, settings: Settings) -> int:
    draft = await actions.draft_record(
        db,
        lead,
        RecordInput(
            title="Safety planning",
            service_id=surveys.place.service_id,
            you_said="Support helped people feel safer.",
            we_did="We kept the safety planning sessions.",
            survey_slug="service-exit",
            period=current_quarter(),
            outcome_codes=CITED,
        ),
    )
    await actions.submit_record(db, lead, draft.id)
    published = await actions.approve_record(db, lead, draft.id, settings=settings)
    return published.id


async def test_cited_outcome_figures_are_the_outcome_reports_and_frozen(
    client: Client, db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    await pair_through_the_web(client, db, INTAKE, EXIT)
    loose = msgspec.structs.replace(settings, suppression_threshold=1)
    lead = await _lead(db)
    record_id = await _published(db, lead, surveys, loose)
    record = await actions.get_record(db, lead, record_id)
    assert record.evidence is not None
    report = await outcome_report(
        db,
        lead,
        OutcomeFilter(current_quarter(), service_id=surveys.place.service_id),
        disclosure=Disclosure.from_settings(loose),
    )
    live = {line.code: line for line in report.indicators}
    assert record.evidence.outcomes == [
        EvidenceOutcome(code, live[code].label, live[code].figure, live[code].n, live[code].matched)
        for code in CITED
    ]
    assert [(o.figure, o.n, o.matched) for o in record.evidence.outcomes] == [
        ("+5.0", "1", True),
        ("100%", "1", False),
    ]
    await pair_through_the_web(client, db, INTAKE, {**EXIT, "helped_cope": "no"})
    again = await actions.get_record(db, lead, record_id)
    assert again.evidence == record.evidence  # later answers never rewrite it

    page = await client.get(f"/you-said-we-did/{record_id}")
    assert page.status_code == 200
    assert "Did support help?" in page.text and "+5.0" in page.text


async def test_with_the_default_threshold_cited_figures_are_c(
    client: Client, db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    await pair_through_the_web(client, db, INTAKE, EXIT)
    lead = await _lead(db)
    record_id = await _published(db, lead, surveys, settings)
    record = await actions.get_record(db, lead, record_id)
    assert record.evidence is not None
    assert [(o.figure, o.n) for o in record.evidence.outcomes] == [("c", "c"), ("c", "c")]


async def test_an_unknown_indicator_is_refused_by_name(
    db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    lead = await _lead(db)
    with pytest.raises(InvalidInput) as refused:
        await actions.draft_record(
            db,
            lead,
            RecordInput(
                title="Safety planning",
                service_id=surveys.place.service_id,
                you_said="x",
                we_did="y",
                survey_slug="service-exit",
                period=current_quarter(),
                outcome_codes=["felt_magic"],
            ),
        )
    assert refused.value.field == "outcome_codes" and "'felt_magic'" in refused.value.message
    assert await actions.list_records(db, lead) == []
