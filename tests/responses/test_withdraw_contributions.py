"""A withdrawal takes back everything its response added: after tagging two responses and
withdrawing one, the emerging-phrase and danger-flag counts are exactly those of the other
alone, and a phrase shown only because the withdrawn response took it over the threshold
is hidden again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import load_master_keys
from feedback.db.engine import create_engine
from feedback.queue import job_context
from feedback.responses.jobs import withdraw_response
from feedback.settings import Settings
from feedback.themes.jobs import tag_response
from feedback.themes.models import DangerFlagCount, EmergingPhraseCount
from tests.responses.test_lock_order import new_tokens, submission_for, submit_on

STAYS = "The parking meter outside the office was broken."
WITHDRAWN = "He said he will kill me tonight. The parking meter was broken, the reception desk too."


@pytest.fixture
async def ctx(settings: Settings) -> AsyncIterator[dict[str, Any]]:
    """A worker's job context; a phrase is shown from two responses on."""
    shown_from_two = msgspec.structs.replace(settings, suppression_threshold=2)
    engine = create_engine(shown_from_two)
    yield job_context(shown_from_two, engine, load_master_keys(shown_from_two))
    await engine.dispose()


async def _tagged(db: AsyncSession, ctx: dict[str, Any], token: str, words: str) -> str:
    form = await submission_for(db, token, {"felt_believed": 3, "what_helped_most": words})
    receipt = await submit_on(ctx["engine"], ctx["settings"], form)
    assert await tag_response(ctx, receipt.response_id) == "tagged"
    return receipt.response_id


async def _tagging_counts(db: AsyncSession) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    phrases = await db.execute(
        select(
            EmergingPhraseCount.phrase_key,
            EmergingPhraseCount.responses,
            EmergingPhraseCount.phrase,
        )
    )
    flags = await db.execute(select(DangerFlagCount.month, DangerFlagCount.count))
    found = ({tuple(row) for row in phrases}, {tuple(row) for row in flags})
    await db.commit()
    return found


async def test_withdrawal_takes_back_emerging_phrases_and_danger_flags(
    db: AsyncSession, ctx: dict[str, Any], survey_ready: None
) -> None:
    stays, withdrawn = await new_tokens(db, 2)
    await _tagged(db, ctx, stays, STAYS)
    alone = await _tagging_counts(db)
    response_id = await _tagged(db, ctx, withdrawn, WITHDRAWN)
    with_both = await _tagging_counts(db)
    assert with_both[0] != alone[0]
    assert "parking meter" in {phrase for _key, _n, phrase in with_both[0]}  # two: shown
    assert sum(count for _month, count in with_both[1]) > sum(n for _m, n in alone[1])

    assert await withdraw_response(ctx, response_id) == "removed"
    assert await _tagging_counts(db) == alone


async def test_withdrawing_an_untagged_response_leaves_tagging_counts_alone(
    db: AsyncSession, ctx: dict[str, Any], survey_ready: None
) -> None:
    stays, untagged = await new_tokens(db, 2)
    await _tagged(db, ctx, stays, STAYS)
    alone = await _tagging_counts(db)
    form = await submission_for(db, untagged, {"what_helped_most": STAYS})
    receipt = await submit_on(ctx["engine"], ctx["settings"], form)

    assert await withdraw_response(ctx, receipt.response_id) == "removed"
    assert await _tagging_counts(db) == alone
