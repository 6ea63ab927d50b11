"""What tagging added to the counts for one response, so a withdrawal can take it back.

Tagging adds a response to the emerging-phrase and danger-flag counts once, in the run that
first records it as tagged (tagging.py). Which phrases it added is not stored anywhere:
linking a response to its phrases would put its words next to it outside the seal. So the
withdrawal opens the response (it must, for its answer counters) and runs the same
deterministic tagger on the same words to find them again.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import MasterKeys
from feedback.themes.models import DangerFlagCount, EmergingPhraseCount, ResponseTagging
from feedback.themes.pipeline import tag_text
from feedback.themes.tagging import PHRASE_LIMIT, UNREADABLE, phrase_key

__all__ = ["TaggingCounts", "take_back_tagging_counts", "tagging_counts"]


class TaggingCounts(msgspec.Struct, frozen=True, kw_only=True):
    """The count rows one tagged response added to: its survey and month's phrase keys, and
    whether it was counted as signalling danger."""

    survey_id: int
    survey_version_id: int
    month: str
    phrase_keys: list[str]
    danger: bool


async def tagging_counts(
    session: AsyncSession,
    response_id: str,
    free_texts: list[str],
    *,
    survey_id: int,
    survey_version_id: int,
    month: str,
    master_keys: MasterKeys,
) -> TaggingCounts | None:
    """What tagging counted for this response; None when it was never tagged (so counted
    nothing), or was marked unreadable. Read before the response is deleted (its tagging
    row goes with it)."""
    reason = await session.execute(
        select(ResponseTagging.review_reason).where(ResponseTagging.response_id == response_id)
    )
    row = reason.one_or_none()
    if row is None or row.review_reason == UNREADABLE:
        return None
    tagged = [tag_text(text) for text in free_texts]
    phrases = {phrase[:PHRASE_LIMIT] for text in tagged for phrase in text.emerging_phrases}
    return TaggingCounts(
        survey_id=survey_id,
        survey_version_id=survey_version_id,
        month=month,
        phrase_keys=sorted(phrase_key(master_keys, phrase) for phrase in phrases),
        danger=any(text.immediate_danger for text in tagged),
    )


async def take_back_tagging_counts(
    session: AsyncSession, counts: TaggingCounts, *, suppression_threshold: int
) -> None:
    """Subtract the response once from each count it added to, never below zero; a row at
    zero goes, and a phrase whose count falls under the threshold is hidden again (it was
    shown only because enough different people used it). Danger flags before phrases,
    phrases in key order: db/lock_order.py, step 7."""
    if counts.danger:
        flags = (
            DangerFlagCount.survey_version_id == counts.survey_version_id,
            DangerFlagCount.month == counts.month,
        )
        await session.execute(
            update(DangerFlagCount)
            .where(*flags, DangerFlagCount.count > 0)
            .values(count=DangerFlagCount.count - 1)
        )
        await session.execute(delete(DangerFlagCount).where(*flags, DangerFlagCount.count <= 0))
    for key in counts.phrase_keys:
        phrase = (
            EmergingPhraseCount.survey_id == counts.survey_id,
            EmergingPhraseCount.month == counts.month,
            EmergingPhraseCount.phrase_key == key,
        )
        left = EmergingPhraseCount.responses - 1
        await session.execute(
            update(EmergingPhraseCount)
            .where(*phrase, EmergingPhraseCount.responses > 0)
            .values(
                responses=left,
                phrase=case((left < suppression_threshold, None), else_=EmergingPhraseCount.phrase),
            )
        )
        await session.execute(
            delete(EmergingPhraseCount).where(*phrase, EmergingPhraseCount.responses <= 0)
        )
