"""A receipt shows the published records for the survey and service its response answered."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions import service
from feedback.actions.schemas import RecordInput
from feedback.auth.schemas import Staff
from feedback.settings import Settings
from tests.factories import create_service, create_staff
from tests.responses.test_withdraw import FIRST, post_code
from tests.support.reports import service_id
from tests.support.responses import answer_survey

Client = AsyncTestClient[Litestar]


def _record(service_id: int, title: str) -> RecordInput:
    return RecordInput(
        title=title,
        service_id=service_id,
        you_said="Hard to reach anyone in the evening.",
        we_did="Evening phone line from May.",
        survey_slug="service-satisfaction",
        period="2026-Q1",
    )


async def test_a_receipt_lists_published_records_for_its_survey_and_service(
    client: Client, db: AsyncSession, settings: Settings, link_token: str
) -> None:
    other = await create_service(db, "Elsewhere Service")
    made = await create_staff(db, role="lead", email="lead@example.org")
    lead = Staff(made.id, made.email, "lead", (), True)
    own = await service_id(db, "Advocacy Service")
    for service_for, title in ((own, "Evening line"), (other.id, "Not for this receipt")):
        record = await service.draft_record(db, lead, _record(service_for, title))
        await service.submit_record(db, lead, record.id)
        await service.approve_record(db, lead, record.id, settings=settings)
    await service.draft_record(db, lead, _record(own, "Unapproved draft"))

    code = await answer_survey(client, link_token, FIRST)
    shown = await post_code(client, "/receipt", code)

    assert shown.status_code == 200
    assert "Evening line" in shown.text and "Evening phone line from May." in shown.text
    assert "Not for this receipt" not in shown.text
    assert "Unapproved draft" not in shown.text
    assert "Nothing has been published yet" not in shown.text
