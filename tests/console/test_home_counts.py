"""The console home's counts are the reports' (issue 21): this month's responses are the
release's protected figure (`c` where the report hides it), and the
expiring-links to-do never says how many links are left: beside the batch sizes that would
give the used count away, which the batches page shows only as "fewer than N" or "N or more"."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from litestar import Litestar
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.accounts import as_staff, user_by_email
from feedback.console.service import home_for
from feedback.links import service as links
from feedback.links.models import Link
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report
from feedback.settings import Settings
from tests.factories import create_staff
from tests.support.reports import SLUG, submit, survey_version_id  # noqa: F401 - fixture


async def test_this_month_is_the_reports_protected_figure(
    db: AsyncSession,
    app: Litestar,
    settings: Settings,
    survey_version_id: int,  # noqa: F811
) -> None:
    await create_staff(db, role="lead", email="lead@example.org")
    lead = as_staff(await user_by_email(db, "lead@example.org"))
    month = ReportFilter(period=clock.today_london().strftime("%Y-%m"))
    for _ in range(3):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 4})
    report = await survey_report(
        db, lead, SLUG, filters=month, disclosure=Disclosure.from_settings(settings)
    )
    assert report.responses == "c"  # 3 is under the threshold: the home page must not say 3
    assert (await home_for(db, lead, settings)).responses_this_month == "c"
    for _ in range(4):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 4})
    fresh = msgspec.structs.replace(settings, report_max_stale_seconds=0)
    assert (await home_for(db, lead, fresh)).responses_this_month == "7"


async def test_links_left_are_never_counted(
    db: AsyncSession,
    settings: Settings,
    survey_version_id: int,  # noqa: F811
) -> None:
    soon = clock.today_london() + timedelta(days=2)
    made = await links.create_links(
        db, survey_slug=SLUG, service_name="Own Service", count=8, expires_on=soon, base_url="x"
    )
    await create_staff(db, role="lead", email="lead@example.org")
    lead = as_staff(await user_by_email(db, "lead@example.org"))

    async def use(count: int) -> list[str]:
        unused = (Link.batch_id == made.batch_id, Link.used.is_(False))
        chosen = list(await db.scalars(select(Link.id).where(*unused).limit(count)))
        await db.execute(update(Link).where(Link.id.in_(chosen)).values(used=True))
        await db.commit()
        figures = await home_for(db, lead, settings)
        return [item.text for item in figures.to_dos if "expire" in item.text]

    # 2 of 8 used: "6 unused" would say 2 answered, which the batches page hides.
    assert await use(2) == ["Unused links in 1 batch expire within 7 days."]
    # 5 of 8 used: "3 unused" would say exactly 5 answered, where the batches page says
    # only "5 or more".
    assert await use(3) == ["Unused links in 1 batch expire within 7 days."]
