"""Counts from link and code uses beside the protected release (issue 21). Planted: seven
responses through the round's web links and two through posters outside the round, so the
report for the round's months shows 9 in all and hides both channels (the posters' 2 is
small, and web's 7 would give it away). A page showing the seven exactly, as a round's
progress or a batch's "used", pins the hidden 2: 9 - 7. Every figure the round page shows is
the report's; used and completed counts read only "fewer than N" or "N or more"."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consultations import class_sessions
from feedback.consultations.models import ClassSession
from feedback.consultations.rounds import get_round
from feedback.consultations.summary import round_period
from feedback.crypto.master import load_master_key
from feedback.links import service as links
from feedback.links.models import JoinCode
from feedback.links.schemas import LinkBatchOut
from feedback.links.tokens import token_digest
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report
from feedback.responses.answers import counted_options
from feedback.responses.intake import submit_response
from feedback.responses.schemas import Submission
from feedback.settings import Settings
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.models import Survey, SurveyVersion
from tests.auth.pages import sign_in_with_new_two_factor
from tests.consultations.conftest import People, add_school, open_round, today
from tests.factories import PASSWORD

Client = AsyncTestClient[Litestar]
SLUG = "service-satisfaction"
SERVICE = "Advocacy Service"


async def _answer_through(
    db: AsyncSession, app: Litestar, settings: Settings, batch: LinkBatchOut, n: int
) -> None:
    """`n` real responses, sealed and counted by intake, through the batch's first links."""
    version = await db.scalar(
        select(SurveyVersion)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.slug == SLUG)
    )
    assert version is not None
    published = msgspec.json.decode(version.definition, type=PublishedSurvey)
    answers = {"felt_believed": 4}
    for link in batch.links[:n]:
        await submit_response(
            db,
            Submission(
                entry_kind="link",
                entry_digest=token_digest(link.url.rsplit("/", 1)[1]),
                form_nonce=uuid.uuid4().hex,
                survey_version_id=version.id,
                consent_notice_version_id=version.consent_version_id,
                language="en",
                answers=dict(answers),
                counted=counted_options(published.definition, dict(answers)),
            ),
            master_keys=app.state.master_keys,
            period_kind=settings.key_period,
        )


async def _planted(
    db: AsyncSession, app: Litestar, settings: Settings, people: People
) -> tuple[int, int]:
    """The round, and its web batch: 7 of 10 used; 2 more answered on posters."""
    opened = await open_round(db, people)
    web = await links.create_links(
        db, survey_slug=SLUG, service_name=SERVICE, count=10, channel="web", base_url="x"
    )
    posters = await links.create_links(
        db, survey_slug=SLUG, service_name=SERVICE, count=2, channel="poster", base_url="x"
    )
    await _answer_through(db, app, settings, web, 7)
    await _answer_through(db, app, settings, posters, 2)
    return opened.id, web.batch_id


async def test_the_planted_release_hides_what_seven_exact_uses_would_give_away(
    db: AsyncSession, app: Litestar, settings: Settings, people: People
) -> None:
    round_id, _batch = await _planted(db, app, settings, people)
    found = await get_round(db, round_id, actor=people.lead)
    period = round_period(found.opens_on, found.closes_on).name

    async def shown(channel: str | None = None) -> str:
        filters = ReportFilter(period=period, channel=channel)
        report = await survey_report(
            db, people.lead, SLUG, filters=filters, disclosure=Disclosure.from_settings(settings)
        )
        return report.responses

    # The premise of the tests below: 9 shown, both channels hidden (2 is small).
    assert (await shown(), await shown("web"), await shown("poster")) == (
        "9",
        "c",
        "c",
    )


async def test_every_response_figure_on_the_round_page_is_the_reports(
    db: AsyncSession, app: Litestar, settings: Settings, people: People, client: Client
) -> None:
    round_id, _batch = await _planted(db, app, settings, people)
    await sign_in_with_new_two_factor(client, people.lead.email, PASSWORD)
    page = await client.get(f"/staff/consultations/{round_id}")
    assert page.status_code == 200
    section = page.text.split("<h2>Progress</h2>", 1)[1].split("<h2>", 1)[0]
    # The seven web responses through the round's links never show: 9 - 7 is the posters' 2.
    assert "7" not in re.findall(r">(\d+)<", section), section
    rows = re.findall(
        r'<th scope="row"><a href="([^"]+)">[^<]*</a></th><td class="numeric">([^<]*)</td>',
        section.replace("&amp;", "&"),
    )
    assert len(rows) == 2 * (1 + 2 + 3)  # two surveys: all, two services, three channels
    for link, figure in rows:
        url = urlparse(link)
        asked = {key: values[0] for key, values in parse_qs(url.query).items()}
        filters = ReportFilter(
            period=asked["period"],
            version=int(asked["version"]),
            service_id=int(asked["service_id"]) if "service_id" in asked else None,
            channel=asked.get("channel"),
        )
        slug = url.path.rsplit("/", 1)[1]
        report = await survey_report(
            db, people.lead, slug, filters=filters, disclosure=Disclosure.from_settings(settings)
        )
        assert figure == report.responses, (link, figure, report.responses)
    assert any(figure == "c" for _link, figure in rows)  # web, beside the hidden posters


async def test_a_batch_used_count_is_never_exact(
    db: AsyncSession, app: Litestar, settings: Settings, people: People, client: Client
) -> None:
    _round_id, batch_id = await _planted(db, app, settings, people)
    await sign_in_with_new_two_factor(client, people.lead.email, PASSWORD)
    page = await client.get("/staff/links/batches")
    row = page.text.split(f"<tr><td>{batch_id}</td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="numeric">10</td><td class="numeric">5 or more</td>' in row, row
    assert "<td>in date</td>" in row


async def test_a_class_sessions_completed_count_is_never_exact(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    school = await add_school(db, people)
    round_ = await open_round(db, people, school.name)
    draft = await class_sessions.create_class_session(
        db,
        actor=people.coordinator,
        school_id=school.id,
        round_id=round_.id,
        year_group="Year 9",
        age_band="13-14",
        class_size=30,
    )
    await class_sessions.record_letter(
        db, draft.id, actor=people.coordinator, sent_on=today() - timedelta(days=1), notice_hours=24
    )
    await class_sessions.open_class_session(
        db,
        draft.id,
        actor=people.coordinator,
        minutes=90,
        notice_hours=24,
        master_key=load_master_key(settings),
        base_url="http://127.0.0.1:8000",
    )
    row = await db.get(ClassSession, draft.id)
    assert row is not None
    await db.execute(update(JoinCode).where(JoinCode.batch_id == row.link_batch_id).values(uses=7))
    await db.commit()
    await sign_in_with_new_two_factor(client, people.coordinator.email, PASSWORD)
    shown = await client.get(f"/staff/schools/sessions/{draft.id}")
    assert "Completed responses: <strong>5 or more</strong>" in shown.text
    listed = await client.get(f"/staff/schools/{school.id}")
    assert "<td>5 or more</td>" in listed.text and "<td>7</td>" not in listed.text
