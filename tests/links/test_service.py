"""Issuing, redeeming and burning links and codes, on both databases."""

from __future__ import annotations

import asyncio
import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.accounts import as_staff, user_by_email
from feedback.auth.errors import TooManyAttempts
from feedback.crypto.master import load_master_key
from feedback.db.engine import create_engine, session_factory
from feedback.errors import InvalidInput, NotFound
from feedback.links import service as links
from feedback.links import tokens
from feedback.links.errors import LinkUnavailable, LinkUsed
from feedback.links.models import Link, LinkBatch
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from tests.factories import create_service, create_staff

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8000"


@pytest.fixture
async def published(db: AsyncSession) -> str:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await create_service(db, "Advocacy Service")
    await create_service(db, "Refuge North", boroughs=("kensington-chelsea",))
    return "service-satisfaction"


async def _links(db: AsyncSession, count: int = 2, **kw: object) -> list[str]:
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=count,
        base_url=BASE,
        **kw,
    )  # type: ignore[arg-type]
    return [item.url.rsplit("/", 1)[1] for item in batch.links]


async def test_only_digests_of_tokens_are_stored(db: AsyncSession, published: str) -> None:
    issued = await _links(db, count=3)
    stored = list(await db.scalars(select(Link.token_digest)))
    assert sorted(stored) == sorted(tokens.token_digest(t) for t in issued)
    assert not set(issued) & set(stored)


async def test_tokens_carry_at_least_128_random_bits(db: AsyncSession, published: str) -> None:
    token = (await _links(db, count=1))[0]
    assert len(token) * math.log2(64) >= 128
    assert "service" not in token.lower()


async def test_a_fresh_link_redeems_to_its_survey_and_service(
    db: AsyncSession, published: str
) -> None:
    token = (await _links(db, count=1))[0]
    entry = await links.redeem_token(db, token)
    assert entry.kind == "link"
    assert entry.channel == "web"


async def test_used_expired_revoked_and_unknown_links_look_the_same(
    db: AsyncSession, published: str
) -> None:
    used, expired, revoked = await _links(db, count=3)
    await links.burn_entry(db, await links.redeem_token(db, used))
    await db.commit()
    past = links.end_of_day(clock.today_london() - timedelta(days=2))
    batch_id = await db.scalar(select(Link.batch_id))
    await db.execute(update(LinkBatch).where(LinkBatch.id == batch_id).values(expires_at=past))
    await db.commit()
    revoked_batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=1,
        base_url=BASE,
    )
    lead = await create_staff(db)
    await links.revoke_batch(
        db, revoked_batch.batch_id, actor=as_staff(await user_by_email(db, lead.email))
    )
    revoked = revoked_batch.links[0].url.rsplit("/", 1)[1]
    messages = set()
    for token in (used, expired, revoked, "not-a-real-token"):
        with pytest.raises(LinkUnavailable) as caught:
            await links.redeem_token(db, token)
        messages.add(caught.value.message)
    assert len(messages) == 1


async def test_a_link_burns_exactly_once_when_two_submissions_race(
    db: AsyncSession, published: str, settings: Settings
) -> None:
    token = (await _links(db, count=1))[0]
    entry = await links.redeem_token(db, token)
    engine = create_engine(settings)
    sessions = session_factory(engine)

    async def submit() -> str:
        async with sessions() as session:
            try:
                await links.burn_entry(session, entry)
                await session.commit()
            except LinkUsed:
                await session.rollback()
                return "refused"
            return "stored"

    try:
        outcomes = await asyncio.gather(*(submit() for _ in range(8)))
    finally:
        await engine.dispose()
    assert sorted(outcomes) == ["refused"] * 7 + ["stored"]


async def test_a_code_allows_exactly_its_cap(
    db: AsyncSession, published: str, settings: Settings
) -> None:
    key = load_master_key(settings)
    batch = await links.create_code(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        cap=2,
        base_url=BASE,
        master_key=key,
    )
    code = batch.codes[0].code
    assert set(code) <= set(tokens.CODE_ALPHABET)
    for _ in range(2):
        entry = await links.redeem_code(
            db, code.lower(), master_keys=[key], client="c", attempts_per_hour=10
        )
        await links.burn_entry(db, entry)
        await db.commit()
    with pytest.raises(LinkUnavailable):
        await links.redeem_code(db, code, master_keys=[key], client="c", attempts_per_hour=10)


async def test_wrong_codes_are_slowed_per_client(
    db: AsyncSession, published: str, settings: Settings
) -> None:
    key = load_master_key(settings)
    for _ in range(3):
        with pytest.raises(LinkUnavailable):
            await links.redeem_code(
                db, "AAAAAAAA", master_keys=[key], client="guesser", attempts_per_hour=3
            )
    with pytest.raises(TooManyAttempts):
        await links.redeem_code(
            db, "AAAAAAAA", master_keys=[key], client="guesser", attempts_per_hour=3
        )
    with pytest.raises(LinkUnavailable):
        await links.redeem_code(
            db, "AAAAAAAA", master_keys=[key], client="someone else", attempts_per_hour=3
        )
    stored = (await db.execute(text("SELECT client_key FROM join_failures"))).scalars().all()
    assert "guesser" not in stored


async def test_a_service_manager_cannot_issue_links_for_another_service(
    db: AsyncSession, published: str
) -> None:
    manager = await create_staff(
        db, role="service_manager", email="m@example.org", services=["Refuge North"]
    )
    actor = as_staff(await user_by_email(db, manager.email))
    with pytest.raises(NotFound):
        await links.create_links(
            db,
            survey_slug="service-satisfaction",
            service_name="Advocacy Service",
            count=1,
            base_url=BASE,
            actor=actor,
        )


async def test_bad_requests_are_refused_and_store_nothing(db: AsyncSession, published: str) -> None:
    for kwargs in (
        {"count": 0},
        {"count": 1, "expires_on": date(2000, 1, 1)},
        {"count": 1, "channel": "carrier-pigeon"},
    ):
        with pytest.raises(InvalidInput):
            await links.create_links(
                db,
                survey_slug="service-satisfaction",
                service_name="Advocacy Service",
                base_url=BASE,
                **kwargs,
            )  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await links.create_links(
            db,
            survey_slug="no-such-survey",
            service_name="Advocacy Service",
            count=1,
            base_url=BASE,
        )
    assert (await db.scalar(select(LinkBatch.id))) is None
