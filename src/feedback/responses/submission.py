"""Submitting a respondent's answers, from any channel: what is counted, sealing and storing
(intake), then the follow-up tagging job. The web form and the SMS conversation call this;
their routes only parse, authorise, call and render."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.job_queue import JobQueue
from feedback.links.errors import LinkUnavailable, LinkUsed
from feedback.outcomes.pairing import OutcomeStep
from feedback.responses.answers import AnswerValue, counted_options
from feedback.responses.intake import GroupIntake, submit_response
from feedback.responses.journey import SurveyForRespondent
from feedback.responses.schemas import Receipt, Submission
from feedback.themes.queueing import queue_tagging

__all__ = ["AnswerEntry", "submit_answers"]


class AnswerEntry(msgspec.Struct, frozen=True, kw_only=True):
    """Who is answering, as the channel knows it: the entry (link or code) by its digest,
    the form's nonce (one per form shown, so a resent form is the same response) and the
    language the questions were shown in."""

    kind: str
    digest: str
    form_nonce: str
    language: str


async def submit_answers(
    session: AsyncSession,
    entry: AnswerEntry,
    survey: SurveyForRespondent,
    answers: Mapping[str, AnswerValue],
    *,
    outcome: OutcomeStep | None,
    master_keys: Sequence[bytes],
    period_kind: str,
    queue: JobQueue | None,
    intake: GroupIntake | None = None,
) -> Receipt:
    """Store valid answers (`answers.read_answers`) once and queue them for tagging. A
    resent form returns the same receipt; a link or code that cannot take this form raises
    LinkUnavailable, whether it never could or another form just took it, so nothing tells
    which. NotStored (or a database error) means nothing was stored: the same form may be
    sent again.

    The tagging job is queued once the response is committed, a resent form too (its first
    send may have lost its queueing with its page; the job id makes a repeat a no-op). A
    queue that is down leaves the response to the sweep; with no queue (the CLI), the
    sweep tags it. `intake` is the app's group intake (PostgreSQL), for single-use links.
    `master_keys` are all the configured ones, current first (outcomes/pairing.py)."""
    definition = survey.published.definition
    try:
        receipt = await submit_response(
            session,
            Submission(
                entry_kind=entry.kind,
                entry_digest=entry.digest,
                form_nonce=entry.form_nonce,
                survey_version_id=survey.version_id,
                consent_notice_version_id=survey.notice_version_id,
                language=entry.language,
                answers=dict(answers),
                counted=counted_options(definition, answers),
                outcome=outcome,
            ),
            master_keys=master_keys,
            period_kind=period_kind,
            intake=intake,
        )
    except LinkUsed:
        raise LinkUnavailable() from None
    if queue is not None:
        await queue_tagging(queue, receipt.response_id)
    return receipt
