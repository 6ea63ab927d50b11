"""One lock order for every write path (db/lock_order.py), tried on PostgreSQL: intake from
two processes' worth of engines and withdrawals running at the same moment never deadlock,
and a transaction that does lose a deadlock is run again rather than failed."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from feedback.crypto.master import load_master_keys
from feedback.db.engine import create_engine, session_factory
from feedback.db.lock_order import retry_conflicts
from feedback.links import service as links
from feedback.links.tokens import token_digest
from feedback.queue import job_context
from feedback.reports.models import ReportCell
from feedback.responses import journey
from feedback.responses.answers import AnswerValue, counted_options
from feedback.responses.intake import GroupIntake, submit_response
from feedback.responses.jobs import withdraw_response
from feedback.responses.models import AnswerCount, Response
from feedback.responses.schemas import Receipt, Submission
from feedback.settings import Settings
from feedback.surveys.models import SurveyVersion

INTAKE = 60
WITHDRAWN = 40


def only_postgres(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("row locks and deadlocks are PostgreSQL's (SQLite has one writer)")


async def new_tokens(db: AsyncSession, count: int) -> list[str]:
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=count,
        base_url="http://127.0.0.1:8000",
    )
    return [link.url.rsplit("/", 1)[1] for link in batch.links]


def varied_answers(number: int) -> dict[str, AnswerValue]:
    """Answers that share some counter rows with their neighbours and not others, so
    concurrent writers contend for rows in every combination."""
    answers: dict[str, AnswerValue] = {
        "felt_believed": 1 + number % 5,
        "not_blamed": 1 + number % 3,
        "had_to_repeat_story": "yes" if number % 2 else "no",
        "what_helped_most": f"Being listened to, visit {number}",
    }
    if number % 4 == 0:
        answers["age_band"] = "prefer_not_to_say"
    return answers


async def submission_for(
    db: AsyncSession, token: str, answers: dict[str, AnswerValue], nonce: str = ""
) -> Submission:
    """The form the submit route would build for this link and these answers."""
    version_id = await db.scalar(select(func.max(SurveyVersion.id)))
    assert version_id is not None
    survey = await journey.survey_for_respondent(db, version_id)
    await db.commit()  # no transaction left open: the route's situation
    return Submission(
        entry_kind="link",
        entry_digest=token_digest(token),
        form_nonce=nonce or secrets.token_urlsafe(16),
        survey_version_id=version_id,
        consent_notice_version_id=survey.notice_version_id,
        language="en",
        answers=answers,
        counted=counted_options(survey.published.definition, answers),
    )


async def submit_on(
    engine: AsyncEngine,
    settings: Settings,
    submission: Submission,
    intake: GroupIntake | None = None,
) -> Receipt:
    """As a web process submits: with its group intake (PostgreSQL), a single-use link goes
    in a group; without, the general path."""
    async with session_factory(engine)() as session:
        return await submit_response(
            session,
            submission,
            master_keys=load_master_keys(settings).keys,
            period_kind=settings.key_period,
            intake=intake,
        )


async def deadlocks_here(db: AsyncSession) -> int:
    """This database's deadlock count, once every other connection to it has closed (a
    backend reports its statistics when it exits)."""
    for _poll in range(200):
        others = await db.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        await db.commit()
        if not others:
            break
        await asyncio.sleep(0.05)
    await db.execute(text("SELECT pg_stat_clear_snapshot()"))
    found = await db.scalar(
        text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
    )
    await db.commit()
    return int(found or 0)


async def counters(db: AsyncSession) -> Counter[tuple[str, str]]:
    rows = await db.execute(select(AnswerCount.question_id, AnswerCount.option, AnswerCount.count))
    found = Counter({(question, option): count for question, option, count in rows})
    await db.commit()
    return found


async def test_intake_and_withdrawals_together_never_deadlock(
    db: AsyncSession,
    settings: Settings,
    survey_ready: None,
    backend: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    only_postgres(backend)
    tokens = await new_tokens(db, WITHDRAWN + INTAKE)
    forms = [await submission_for(db, t, varied_answers(n)) for n, t in enumerate(tokens)]
    to_withdraw, arriving = forms[:WITHDRAWN], forms[WITHDRAWN:]
    engines = [create_engine(settings) for _process in range(2)]  # two web processes
    intakes = [GroupIntake(engine) for engine in engines]
    try:
        stored = await asyncio.gather(
            *(submit_on(engines[0], settings, f, intakes[0]) for f in to_withdraw)
        )
        before = await deadlocks_here(db)
        ctx: dict[str, Any] = job_context(settings, engines[1], load_master_keys(settings))
        with caplog.at_level(logging.WARNING, logger="feedback.db.lock_order"):
            done = await asyncio.gather(
                *(
                    submit_on(engines[n % 2], settings, form, intakes[n % 2])
                    for n, form in enumerate(arriving, start=1)
                ),
                *(withdraw_response(ctx, receipt.response_id) for receipt in stored),
            )
    finally:
        for intake, engine in zip(intakes, engines, strict=True):
            await intake.close()
            await engine.dispose()

    assert done[INTAKE:] == ["removed"] * WITHDRAWN
    assert [record.getMessage() for record in caplog.records] == []  # nothing even retried
    assert await deadlocks_here(db) == before
    assert await counters(db) == Counter(pair for form in arriving for pair in form.counted)
    assert await db.scalar(select(func.count()).select_from(Response)) == INTAKE
    assert await db.scalar(select(func.sum(ReportCell.responses))) == INTAKE


@pytest.fixture
async def two_rows(db: AsyncSession, backend: str) -> Any:
    """A scratch table of two rows to deadlock on, dropped afterwards."""
    only_postgres(backend)
    await db.execute(text("CREATE TABLE lock_order_scratch (id integer PRIMARY KEY, n integer)"))
    await db.execute(text("INSERT INTO lock_order_scratch VALUES (1, 0), (2, 0)"))
    await db.commit()
    yield
    await db.execute(text("DROP TABLE lock_order_scratch"))
    await db.commit()


_BUMP = text("UPDATE lock_order_scratch SET n = n + 1 WHERE id = :id")


async def test_a_transaction_that_loses_a_deadlock_is_run_again(
    settings: Settings, two_rows: None
) -> None:
    engine = create_engine(settings)
    tries = 0
    first_row_held = asyncio.Event()

    async def attempt() -> int:
        """Takes row 1 then row 2; it detects the deadlock first, so it is the one failed."""
        nonlocal tries
        tries += 1
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL deadlock_timeout = '20ms'"))
            await connection.execute(_BUMP, {"id": 1})
            first_row_held.set()
            await connection.execute(_BUMP, {"id": 2})
        return tries

    async def the_other_order() -> asyncio.Task[int]:
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL deadlock_timeout = '10s'"))
            await connection.execute(_BUMP, {"id": 2})
            run = asyncio.create_task(retry_conflicts(attempt, what="test"))
            await first_row_held.wait()
            await connection.execute(_BUMP, {"id": 1})  # waits until `attempt` is failed
        return run

    try:
        assert await (await the_other_order()) == 2
        async with engine.connect() as connection:
            counts = await connection.execute(text("SELECT n FROM lock_order_scratch ORDER BY id"))
            assert [n for (n,) in counts] == [2, 2]  # each row: the other side, the rerun
    finally:
        await engine.dispose()


async def test_an_error_that_is_not_a_lock_conflict_is_raised_at_once(
    settings: Settings, two_rows: None
) -> None:
    engine = create_engine(settings)
    tries = 0

    async def attempt() -> None:
        nonlocal tries
        tries += 1
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO lock_order_scratch VALUES (1, 0)"))

    try:
        with pytest.raises(IntegrityError):
            await retry_conflicts(attempt, what="test")
    finally:
        await engine.dispose()
    assert tries == 1
