"""Issuing links and codes for a (survey, service, channel), redeeming them, and burning
them in the submission's own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from feedback import clock
from feedback.auth.audit import record_audit
from feedback.auth.roles import LINK_REVOKERS
from feedback.auth.schemas import Staff
from feedback.clock import LONDON
from feedback.crypto.master import candidate_digests
from feedback.db.base import utc_now
from feedback.errors import Forbidden, InvalidInput, NotFound
from feedback.links import tokens
from feedback.links.errors import LinkUnavailable, LinkUsed
from feedback.links.models import CHANNELS, JoinCode, Link, LinkBatch
from feedback.links.rounds import round_pin
from feedback.links.schemas import BatchSummary, Entry, IssuedCode, IssuedLink, LinkBatchOut
from feedback.links.throttle import GUESS_WINDOW, check_guess_budget, record_wrong_guess
from feedback.organisations.models import Service
from feedback.organisations.service import refuse_if_retired
from feedback.surveys.models import Survey, SurveyVersion

MAX_BATCH = 10_000
MAX_CAP = 5_000
JOIN_FAILURE_WINDOW = GUESS_WINDOW


def end_of_day(day: date) -> datetime:
    """An expiry date means "usable all of that day" in London, whatever the season."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)


async def _survey_and_service(
    session: AsyncSession, survey_slug: str, service_name: str, actor: Staff | None
) -> tuple[Survey, Service]:
    survey = await session.scalar(select(Survey).where(Survey.slug == survey_slug))
    if survey is None:
        raise NotFound(f"no survey {survey_slug!r}", field="survey")
    published = await session.scalar(
        select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id).limit(1)
    )
    if published is None:
        raise InvalidInput(f"{survey_slug!r} has no published version yet", field="survey")
    service = await session.scalar(select(Service).where(Service.name == service_name))
    scope = actor.service_scope() if actor else None
    if service is None or (scope is not None and service.id not in scope):
        raise NotFound(f"no service named {service_name!r}", field="service")
    refuse_if_retired(service)  # every link, code and SMS invitation is made through here
    return survey, service


def _check_request(count: int, channel: str, expires_on: date | None, today: date) -> None:
    if not 1 <= count <= MAX_BATCH:
        raise InvalidInput(f"must be between 1 and {MAX_BATCH}", field="count")
    if channel not in CHANNELS:
        raise InvalidInput(f"must be one of {', '.join(CHANNELS)}", field="channel")
    if expires_on is not None and expires_on < today:
        raise InvalidInput(f"{expires_on.isoformat()} is in the past", field="expires")


class _Batch(msgspec.Struct):
    row: LinkBatch
    survey: Survey
    service: Service


async def _open_batch(
    session: AsyncSession,
    *,
    kind: str,
    survey_slug: str,
    service_name: str,
    size: int,
    channel: str,
    expires_on: date | None,
    actor: Staff | None,
) -> _Batch:
    """Check the request, then add the batch row and its audit record (not yet committed)."""
    _check_request(size, channel, expires_on, clock.today_london())
    survey, service = await _survey_and_service(session, survey_slug, service_name, actor)
    pin = await round_pin(session, survey_id=survey.id, service_id=service.id, channel=channel)
    expires_at = end_of_day(expires_on) if expires_on else None
    if pin is not None:
        # A batch of the round never outlives the round.
        round_end = end_of_day(pin.closes_on)
        expires_at = round_end if expires_at is None else min(expires_at, round_end)
    row = LinkBatch(
        survey_id=survey.id,
        service_id=service.id,
        kind=kind,
        channel=channel,
        size=size,
        expires_at=expires_at,
        created_by_id=actor.id if actor else None,
        round_id=pin.round_id if pin else None,
        survey_version_id=pin.survey_version_id if pin else None,
    )
    session.add(row)
    await session.flush()
    record_audit(
        session,
        "links.create" if kind == "link" else "codes.create",
        actor_id=row.created_by_id,
        target_type="link_batch",
        target_id=row.id,
    )
    return _Batch(row=row, survey=survey, service=service)


def _batch_out(batch: _Batch, **issued: Any) -> LinkBatchOut:
    return LinkBatchOut(
        batch_id=batch.row.id,
        survey=batch.survey.slug,
        service=batch.service.name,
        kind=batch.row.kind,
        channel=batch.row.channel,
        expires_at=batch.row.expires_at,
        **issued,
    )


async def create_links(
    session: AsyncSession,
    *,
    survey_slug: str,
    service_name: str,
    count: int,
    channel: str = "web",
    expires_on: date | None = None,
    actor: Staff | None = None,
    base_url: str,
) -> LinkBatchOut:
    """A batch of single-use links; the URLs are returned once and only digests are kept."""
    batch = await _open_batch(
        session,
        kind="link",
        survey_slug=survey_slug,
        service_name=service_name,
        size=count,
        channel=channel,
        expires_on=expires_on,
        actor=actor,
    )
    issued = [tokens.new_token() for _ in range(count)]
    await session.execute(
        insert(Link),
        [
            {"batch_id": batch.row.id, "token_digest": tokens.token_digest(t), "used": False}
            for t in issued
        ],
    )
    await session.commit()
    return _batch_out(batch, links=[IssuedLink(url=f"{base_url}/s/{t}") for t in issued])


async def create_code(
    session: AsyncSession,
    *,
    survey_slug: str,
    service_name: str,
    cap: int,
    channel: str = "class",
    expires_on: date | None = None,
    actor: Staff | None = None,
    base_url: str,
    master_key: bytes,
) -> LinkBatchOut:
    """A shared code good for `cap` responses, for a class, a poster or the SMS keyword."""
    if not 1 <= cap <= MAX_CAP:
        raise InvalidInput(f"must be between 1 and {MAX_CAP}", field="cap")
    batch = await _open_batch(
        session,
        kind="code",
        survey_slug=survey_slug,
        service_name=service_name,
        size=1,
        channel=channel,
        expires_on=expires_on,
        actor=actor,
    )
    code = await _unused_code(session, master_key)
    session.add(
        JoinCode(
            batch_id=batch.row.id,
            code_digest=tokens.code_digest(master_key, code),
            code_sealed=tokens.seal_code(master_key, code),
            cap=cap,
        )
    )
    await session.commit()
    return _batch_out(batch, cap=cap, codes=[IssuedCode(url=f"{base_url}/join/{code}", code=code)])


async def _unused_code(session: AsyncSession, master_key: bytes) -> str:
    for _ in range(20):
        code = tokens.new_code()
        digest = tokens.code_digest(master_key, code)
        if await session.scalar(select(JoinCode.id).where(JoinCode.code_digest == digest)) is None:
            return code
    raise InvalidInput("could not find a free code; try again")  # 25^8 codes: never in practice


def batch_is_live(now: ColumnElement[Any]) -> ColumnElement[bool]:
    """A batch's links and codes take forms until it is revoked or its expiry passes; the
    one statement of that rule, for redeeming here and for intake's grouped path."""
    batches = LinkBatch.__table__
    return batches.c.revoked_at.is_(None) & (
        batches.c.expires_at.is_(None) | (batches.c.expires_at > now)
    )


_LINK_ENTRY = (
    select(
        Link.__table__.c.id,
        Link.__table__.c.used,
        LinkBatch.__table__.c.survey_id,
        LinkBatch.__table__.c.service_id,
        LinkBatch.__table__.c.channel,
        batch_is_live(bindparam("now")).label("live"),
    )
    .join(LinkBatch.__table__, Link.__table__.c.batch_id == LinkBatch.__table__.c.id)
    .where(Link.__table__.c.token_digest == bindparam("digest"))
)


_CODE_ENTRY = (
    select(JoinCode, LinkBatch, batch_is_live(bindparam("now")).label("live"))
    .join(LinkBatch, JoinCode.batch_id == LinkBatch.id)
    .where(JoinCode.code_digest == bindparam("digest"))
)


async def redeem_token(session: AsyncSession, token: str) -> Entry:
    """What a link lets its holder answer; any reason it cannot is the same LinkUnavailable."""
    return await redeem_digest(session, "link", tokens.token_digest(token))


async def redeem_digest(session: AsyncSession, kind: str, digest: str) -> Entry:
    """Look an entry up again by the digest kept in the respondent's session cookie."""
    if kind == "link":  # every page and every submission: plain columns, no ORM objects
        connection = await session.connection()
        found = await connection.execute(_LINK_ENTRY, {"digest": digest, "now": utc_now()})
        row = found.one_or_none()
        if row is None or row.used or not row.live:
            raise LinkUnavailable()
        return Entry(
            kind="link",
            entry_id=row.id,
            survey_id=row.survey_id,
            service_id=row.service_id,
            channel=row.channel,
            digest=digest,
        )
    code_row = (
        await session.execute(_CODE_ENTRY, {"digest": digest, "now": utc_now()})
    ).one_or_none()
    if code_row is None or code_row.JoinCode.uses >= code_row.JoinCode.cap or not code_row.live:
        raise LinkUnavailable()
    return Entry(
        kind="code",
        entry_id=code_row.JoinCode.id,
        survey_id=code_row.LinkBatch.survey_id,
        service_id=code_row.LinkBatch.service_id,
        channel=code_row.LinkBatch.channel,
        digest=digest,
    )


async def redeem_code(
    session: AsyncSession,
    code: str,
    *,
    master_keys: Sequence[bytes],
    client: str,
    attempts_per_hour: int,
) -> Entry:
    """What a join code lets its holder answer. Wrong codes count against the client so
    codes cannot be found by trying; a full, expired or revoked code is simply unavailable.
    `master_keys` are all the configured ones, current first: a code issued before a
    rotation is found under its own key."""
    key = await check_guess_budget(
        session, master_key=master_keys[0], client=client, attempts_per_hour=attempts_per_hour
    )
    candidates = candidate_digests(master_keys, code, tokens.code_digest)
    known = set(
        await session.scalars(
            select(JoinCode.code_digest).where(JoinCode.code_digest.in_(candidates))
        )
    )
    digest = next((candidate for candidate in candidates if candidate in known), None)
    if digest is None:
        await record_wrong_guess(session, key)
        raise LinkUnavailable()
    return await redeem_digest(session, "code", digest)


async def burn_entry(connection: AsyncConnection | AsyncSession, entry: Entry) -> None:
    """Use up a link (or one place of a code) inside the caller's transaction. The conditional
    UPDATE is the guard: of two racing submissions exactly one changes a row."""
    if entry.kind == "link":
        statement = (
            update(Link).where(Link.id == entry.entry_id, Link.used.is_(False)).values(used=True)
        )
    else:
        statement = (
            update(JoinCode)
            .where(JoinCode.id == entry.entry_id, JoinCode.uses < JoinCode.cap)
            .values(uses=JoinCode.uses + 1)
        )
    result = await connection.execute(statement)
    if getattr(result, "rowcount", 0) != 1:
        raise LinkUsed()


async def revoke_batch(session: AsyncSession, batch_id: int, *, actor: Staff) -> None:
    """Stop a batch's links or code from working; answers already given are kept."""
    batch = await session.get(LinkBatch, batch_id)
    scope = actor.service_scope()
    if batch is None or (scope is not None and batch.service_id not in scope):
        raise NotFound("no such batch")
    if actor.role not in LINK_REVOKERS:
        raise Forbidden("Your role cannot revoke links.")
    batch.revoked_at = batch.revoked_at or utc_now()
    record_audit(
        session, "links.revoke", actor_id=actor.id, target_type="link_batch", target_id=batch.id
    )
    await session.commit()


def _last_day(expires_at: datetime | None) -> date | None:
    """The inverse of end_of_day: the last London day a batch still works."""
    if expires_at is None:
        return None
    return (expires_at.astimezone(LONDON) - timedelta(seconds=1)).date()


def _status(batch: LinkBatch, used: int, capacity: int, now: datetime) -> str:
    if batch.revoked_at is not None:
        return "revoked"
    if batch.expires_at is not None and batch.expires_at <= now:
        return "expired"
    return "used up" if used >= capacity else "live"


IN_DATE = "in date"


def shown_status(batch: BatchSummary) -> str:
    """The status as staff pages show it: "in date" whether or not every place was used.
    The used count is shown only as "fewer than N" or "N or more", and "used up" would pin
    it to the batch's size (as "live" beside "N or more" pins it for a batch of N+1): a
    small batch's few known recipients would all be known to have answered, and a larger
    one's exact count would sit beside the reports' figures for the same responses."""
    if batch.status in ("live", "used up"):
        return IN_DATE
    return batch.status


async def list_batches(
    session: AsyncSession, *, actor: Staff, limit: int = 500
) -> list[BatchSummary]:
    """Batches in the reader's scope, newest first, with how many were used: never the
    links or codes themselves, which were shown once when issued."""
    used_links = (
        select(Link.batch_id, func.count(Link.id).label("used"))
        .where(Link.used.is_(True))
        .group_by(Link.batch_id)
        .subquery()
    )
    query = (
        select(
            LinkBatch,
            Survey.slug,
            Service.name,
            func.coalesce(used_links.c.used, 0),
            JoinCode.uses,
            JoinCode.cap,
        )
        .join(Survey, Survey.id == LinkBatch.survey_id)
        .join(Service, Service.id == LinkBatch.service_id)
        .outerjoin(used_links, used_links.c.batch_id == LinkBatch.id)
        .outerjoin(JoinCode, JoinCode.batch_id == LinkBatch.id)
        .order_by(LinkBatch.created_at.desc(), LinkBatch.id.desc())
        .limit(limit)
    )
    scope = actor.service_scope()
    if scope is not None:
        query = query.where(LinkBatch.service_id.in_(scope))
    now = utc_now()
    summaries = []
    for batch, survey, service, links_used, code_uses, cap in await session.execute(query):
        used = int(code_uses or 0) if batch.kind == "code" else int(links_used)
        capacity = int(cap or 0) if batch.kind == "code" else batch.size
        summaries.append(
            BatchSummary(
                batch_id=batch.id,
                survey=survey,
                service=service,
                kind=batch.kind,
                channel=batch.channel,
                size=batch.size,
                used=used,
                cap=cap,
                created_at=batch.created_at,
                expires_at=batch.expires_at,
                revoked_at=batch.revoked_at,
                last_day=_last_day(batch.expires_at),
                status=_status(batch, used, capacity, now),
            )
        )
    return summaries
