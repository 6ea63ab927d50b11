"""The console home page: to-dos for the signed-in person and suppressed monthly counts."""

from __future__ import annotations

from datetime import timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.accounts import as_staff, user_by_email
from feedback.console.service import home_for
from feedback.links import service as links
from feedback.settings import Settings
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff
from tests.support.responses import survey_ready  # noqa: F401 - fixture

Client = AsyncTestClient[Litestar]


async def test_a_new_lead_is_told_what_to_set_up(client: Client, db: AsyncSession) -> None:
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    home = await client.get("/staff/")
    assert "Add the partnership" in home.text
    assert "Publish a survey" in home.text
    assert "feedback keys rotate" in home.text


async def test_links_about_to_expire_are_listed_for_their_service(
    db: AsyncSession,
    settings: Settings,
    survey_ready: None,  # noqa: F811
) -> None:
    await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=3,
        expires_on=clock.today_london() + timedelta(days=2),
        base_url="http://x",
    )
    manager = await create_staff(
        db, role="service_manager", email="m@example.org", services=["Advocacy Service"]
    )
    figures = await home_for(db, as_staff(await user_by_email(db, manager.email)), settings)
    assert [item.text for item in figures.to_dos] == [
        "Unused links in 1 batch expire within 7 days."  # 0 used: a count would tell
    ]
    assert figures.responses_this_month == "0"
