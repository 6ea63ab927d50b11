"""Intake called as a service, with no transaction open (as the submit route calls it).
Every case runs on both paths over the same rules (responses/intake/rules.py): the general
one on each backend, and the grouped two-statement one that single-use links take on
PostgreSQL (skipped on SQLite)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from feedback.crypto.errors import NoSealingKey
from feedback.crypto.master import load_master_keys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import period_label
from feedback.crypto.sealing import current_sealing_key
from feedback.crypto.service import destroy_period
from feedback.db.base import utc_now
from feedback.links import service as links
from feedback.links.errors import LinkUnavailable
from feedback.links.models import Link, LinkBatch
from feedback.links.tokens import token_digest
from feedback.responses import journey
from feedback.responses.answers import AnswerValue, counted_options
from feedback.responses.intake import MULTIPLE_BOROUGHS, GroupIntake, submit_response
from feedback.responses.intake import grouped as intake_postgresql
from feedback.responses.models import AnswerCount, Response
from feedback.responses.schemas import Receipt, Submission
from feedback.settings import Settings
from feedback.surveys.models import SurveyVersion
from tests.factories import create_service
from tests.support.responses import new_link_token

ANSWERS: dict[str, AnswerValue] = {
    "felt_believed": 4,
    "had_to_repeat_story": "no",
    "age_band": "prefer_not_to_say",
}


@pytest.fixture(params=["general", "grouped"])
async def intake(
    request: pytest.FixtureRequest, db: AsyncSession, backend: str
) -> AsyncIterator[GroupIntake | None]:
    """The path under test: the general one (no group intake), or the grouped one, as the
    app's lifespan makes it for a PostgreSQL engine."""
    if request.param == "general":
        yield None
        return
    if backend != "postgres":
        pytest.skip("the grouped path is PostgreSQL's")
    engine = db.bind
    assert isinstance(engine, AsyncEngine)
    grouped = GroupIntake(engine)
    yield grouped
    await grouped.close()


async def _submission(db: AsyncSession, token: str, nonce: str) -> Submission:
    version_id = await db.scalar(select(func.max(SurveyVersion.id)))
    assert version_id is not None
    survey = await journey.survey_for_respondent(db, version_id)
    await db.commit()  # no transaction left open: the route's situation
    return Submission(
        entry_kind="link",
        entry_digest=token_digest(token),
        form_nonce=nonce,
        survey_version_id=version_id,
        consent_notice_version_id=survey.notice_version_id,
        language="en",
        answers=dict(ANSWERS),
        counted=counted_options(survey.published.definition, dict(ANSWERS)),
    )


async def _stored(db: AsyncSession) -> tuple[int, int]:
    await db.commit()
    responses = await db.scalar(select(func.count()).select_from(Response))
    counted = await db.scalar(select(func.coalesce(func.sum(AnswerCount.count), 0)))
    await db.commit()
    return int(responses or 0), int(counted or 0)


async def test_the_same_form_sent_again_is_stored_once_with_the_same_receipt(
    db: AsyncSession, settings: Settings, link_token: str, intake: GroupIntake | None
) -> None:
    submission = await _submission(db, link_token, secrets.token_urlsafe(16))
    first = await submit_response(
        db,
        submission,
        master_keys=load_master_keys(settings).keys,
        period_kind=settings.key_period,
        intake=intake,
    )
    again = await submit_response(
        db,
        submission,
        master_keys=load_master_keys(settings).keys,
        period_kind=settings.key_period,
        intake=intake,
    )
    assert (first.repeated, again.repeated) == (False, True)
    assert again.code == first.code and again.response_id == first.response_id
    assert await _stored(db) == (1, len(submission.counted))


async def test_a_used_link_takes_no_other_form(
    db: AsyncSession, settings: Settings, link_token: str, intake: GroupIntake | None
) -> None:
    first = await _submission(db, link_token, secrets.token_urlsafe(16))
    await submit_response(
        db,
        first,
        master_keys=load_master_keys(settings).keys,
        period_kind=settings.key_period,
        intake=intake,
    )
    other = await _submission(db, link_token, secrets.token_urlsafe(16))
    with pytest.raises(LinkUnavailable):
        await submit_response(
            db,
            other,
            master_keys=load_master_keys(settings).keys,
            period_kind=settings.key_period,
            intake=intake,
        )
    assert await _stored(db) == (1, len(first.counted))


async def test_the_stored_day_and_month_have_no_time_of_day(
    db: AsyncSession, settings: Settings, link_token: str, intake: GroupIntake | None
) -> None:
    submission = await _submission(db, link_token, secrets.token_urlsafe(16))
    await submit_response(
        db,
        submission,
        master_keys=load_master_keys(settings).keys,
        period_kind=settings.key_period,
        intake=intake,
    )
    row = (await db.execute(select(Response.submitted_on))).one()
    months = set(await db.scalars(select(AnswerCount.month)))
    assert type(row.submitted_on).__name__ == "date"
    assert months == {row.submitted_on.strftime("%Y-%m")}


async def test_a_key_destroyed_after_it_was_read_seals_nothing_and_burns_nothing(
    db: AsyncSession, settings: Settings, link_token: str, backend: str
) -> None:
    """The write re-checks the key: reading it, then losing it to `keys destroy`, must not
    store a response nobody could ever open, nor use up the respondent's link."""
    if backend != "postgres":
        pytest.skip("the two-statement path is PostgreSQL's")
    submission = await _submission(db, link_token, secrets.token_urlsafe(16))
    key = await current_sealing_key(db, period_kind=settings.key_period)
    await db.commit()
    engine = db.bind
    assert isinstance(engine, AsyncEngine)
    now = utc_now()
    form = intake_postgresql.LinkForm(
        digest=submission.entry_digest,
        response_id="00000000-0000-4000-8000-000000000000",
        period=period_label(now, settings.key_period),
        survey_version_id=submission.survey_version_id,
        consent_notice_version_id=submission.consent_notice_version_id,
        language="en",
        submitted_on=now.date(),
        month=now.strftime("%Y-%m"),
        plaintext=b"{}",
        associated_data=b"",
        receipt_digest="0" * 64,
        counted=sorted(submission.counted),
    )
    async with intake_postgresql.pooled_driver(engine) as driver:
        (state,) = await intake_postgresql.read_link_states(driver, [form], now=now)
    assert state.usable and state.key_period_id == key.period_id
    await destroy_period(db, key.label, settings=settings)  # and makes a fresh pair
    async with intake_postgresql.pooled_driver(engine) as driver:
        stored = await intake_postgresql.write_group(
            driver,
            [
                intake_postgresql.LinkWrite(
                    link_id=state.link_id or 0,
                    response_id="00000000-0000-4000-8000-000000000000",
                    survey_version_id=submission.survey_version_id,
                    consent_notice_version_id=submission.consent_notice_version_id,
                    service_id=state.service_id,
                    borough=state.borough,
                    channel=state.channel,
                    language="en",
                    submitted_on=now.date(),
                    key_period_id=key.period_id,
                    sealed=b"x",
                    receipt_digest="0" * 64,
                    month=now.strftime("%Y-%m"),
                    counted=sorted(submission.counted),
                )
            ],
        )
    assert stored == set()
    assert await db.scalar(select(Link.used)) is False
    assert await _stored(db) == (0, 0)
    grouped = GroupIntake(engine)
    await submit_response(
        db,
        submission,
        master_keys=load_master_keys(settings).keys,
        period_kind=settings.key_period,
        intake=grouped,
    )
    await grouped.close()
    assert await db.scalar(select(Response.key_period_id)) != key.period_id


async def test_many_forms_at_once_are_each_stored_once_and_counted_exactly(
    db: AsyncSession, settings: Settings, survey_ready: None, intake: GroupIntake | None
) -> None:
    """Concurrent submissions share write statements on PostgreSQL: every link still burns
    once, a form sent twice at once (a double-click) is stored once with one receipt, and
    the counters equal the responses."""
    tokens = [await new_link_token(db) for _ in range(12)]
    submissions = [await _submission(db, token, secrets.token_urlsafe(16)) for token in tokens]
    engine = db.bind
    assert isinstance(engine, AsyncEngine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def submit(submission: Submission) -> Receipt:
        async with sessions() as session:
            return await submit_response(
                session,
                submission,
                master_keys=load_master_keys(settings).keys,
                period_kind=settings.key_period,
                intake=intake,
            )

    receipts = await asyncio.gather(*(submit(s) for s in submissions + submissions[:4]))
    assert sorted(r.repeated for r in receipts) == [False] * 12 + [True] * 4
    assert {r.code for r in receipts[12:]} <= {r.code for r in receipts[:12]}
    assert await _stored(db) == (12, 12 * len(submissions[0].counted))
    assert await db.scalar(select(func.count()).where(Link.used.is_(True))) == 12


async def _link_at(db: AsyncSession, service: str, boroughs: tuple[str, ...]) -> str:
    await create_service(db, service, boroughs=boroughs)
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name=service,
        count=1,
        base_url="http://127.0.0.1:8000",
    )
    return batch.links[0].url.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    ("boroughs", "counted"),
    [
        (("kensington-chelsea",), "kensington-chelsea"),
        (("westminster", "kensington-chelsea"), MULTIPLE_BOROUGHS),
    ],
)
async def test_a_response_is_counted_in_its_services_only_borough_else_multiple(
    db: AsyncSession,
    settings: Settings,
    survey_ready: None,
    intake: GroupIntake | None,
    boroughs: tuple[str, ...],
    counted: str,
) -> None:
    token = await _link_at(db, "Borough Test Service", boroughs)
    submission = await _submission(db, token, secrets.token_urlsafe(16))
    await submit_response(
        db,
        submission,
        master_keys=load_master_keys(settings).keys,
        period_kind=settings.key_period,
        intake=intake,
    )
    assert set(await db.scalars(select(Response.borough))) == {counted}
    assert set(await db.scalars(select(AnswerCount.borough))) == {counted}


@pytest.mark.parametrize("ended", ["revoked", "expired"])
async def test_a_link_of_a_revoked_or_expired_batch_takes_no_form(
    db: AsyncSession,
    settings: Settings,
    link_token: str,
    intake: GroupIntake | None,
    ended: str,
) -> None:
    submission = await _submission(db, link_token, secrets.token_urlsafe(16))
    past = utc_now() - timedelta(seconds=1)
    column = LinkBatch.revoked_at if ended == "revoked" else LinkBatch.expires_at
    await db.execute(update(LinkBatch).values({column: past}))
    await db.commit()
    with pytest.raises(LinkUnavailable):
        await submit_response(
            db,
            submission,
            master_keys=load_master_keys(settings).keys,
            period_kind=settings.key_period,
            intake=intake,
        )
    assert await _stored(db) == (0, 0)
    assert await db.scalar(select(Link.used)) is False


async def test_a_period_with_no_live_key_seals_nothing(
    db: AsyncSession, settings: Settings, link_token: str, intake: GroupIntake | None
) -> None:
    """A destroyed key is no sealing key: the form is refused (the operator must rotate
    keys), nothing is stored and the link is left for the respondent."""
    submission = await _submission(db, link_token, secrets.token_urlsafe(16))
    key = await current_sealing_key(db, period_kind=settings.key_period)
    destroyed = {"destroyed_at": utc_now(), "private_key_wrapped": None, "master_key_id": None}
    await db.execute(update(KeyPeriod).where(KeyPeriod.id == key.period_id).values(destroyed))
    await db.commit()
    with pytest.raises(NoSealingKey):
        await submit_response(
            db,
            submission,
            master_keys=load_master_keys(settings).keys,
            period_kind=settings.key_period,
            intake=intake,
        )
    assert await _stored(db) == (0, 0)
    assert await db.scalar(select(Link.used)) is False


async def test_the_app_holds_one_group_intake_on_postgresql_and_none_on_sqlite(
    app: Litestar, client: AsyncTestClient[Litestar], backend: str
) -> None:
    """Made in the app's lifespan for its engine and kept in its state, so two apps (or two
    tests) never share one, and it is closed before the engine is disposed."""
    held = app.state.intake
    assert isinstance(held, GroupIntake) if backend == "postgres" else held is None
