"""What a receipt code lets its holder do: ask for the response to be withdrawn, or see the
survey, the day and what changed because of it.

Codes are looked up only by digest, and wrong codes use up the client's guessing budget
(the same one join codes use), so receipt codes cannot be found by trying. Nothing here
can read a response: removing it and correcting the counters is the worker's job
(responses/withdrawal.py), because that needs the period's private key.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.models import STATUS_WORDS
from feedback.actions.public import published_for
from feedback.links.throttle import check_guess_budget, record_wrong_guess
from feedback.outcomes.pairing import withdraw_pairing
from feedback.responses.errors import ReceiptUnknown
from feedback.responses.intake import receipt_digest
from feedback.responses.journey import in_language
from feedback.responses.models import Response, WithdrawalRequest
from feedback.responses.schemas import ReceiptRecord, ReceiptView, WithdrawalAsked
from feedback.surveys.definition import PublishedSurvey
from feedback.surveys.models import Survey, SurveyVersion

__all__ = ["look_up_receipt", "records_for_receipt", "request_withdrawal"]

MAX_CODE_CHARACTERS = 64  # a pasted code with spaces and dashes is well under this


async def _response_id_for(
    session: AsyncSession, code: str, *, master_key: bytes, client: str, attempts_per_hour: int
) -> str:
    """The id of the response this code belongs to, or ReceiptUnknown after counting the
    wrong guess against the client."""
    key = await check_guess_budget(
        session, master_key=master_key, client=client, attempts_per_hour=attempts_per_hour
    )
    found = None
    if len(code) <= MAX_CODE_CHARACTERS:
        found = await session.scalar(
            select(Response.id).where(Response.receipt_digest == receipt_digest(code))
        )
    if found is None:
        await record_wrong_guess(session, key)
        raise ReceiptUnknown()
    return found


async def request_withdrawal(
    session: AsyncSession,
    code: str,
    *,
    master_keys: Sequence[bytes],
    client: str,
    attempts_per_hour: int,
) -> WithdrawalAsked:
    """Record that the holder of `code` wants their response removed. Asking again before
    the worker has done it is harmless: the same request stands. Once it is done the code
    is unknown, exactly like a code that never existed. `master_keys` are all the
    configured ones, current first: a pair kept under an older one is found too."""
    response_id = await _response_id_for(
        session,
        code,
        master_key=master_keys[0],
        client=client,
        attempts_per_hour=attempts_per_hour,
    )
    if await session.get(WithdrawalRequest, response_id) is not None:
        return WithdrawalAsked(response_id=response_id, again=True)
    try:
        # The code is in hand only now: an outcome pair it joins leaves the counts with it.
        await withdraw_pairing(await session.connection(), code, master_keys=master_keys)
        await session.execute(insert(WithdrawalRequest).values(response_id=response_id))
        await session.commit()
    except IntegrityError:  # two requests raced, or the worker removed it meanwhile
        await session.rollback()
        if await session.get(Response, response_id) is None:
            raise ReceiptUnknown() from None
        return WithdrawalAsked(response_id=response_id, again=True)
    return WithdrawalAsked(response_id=response_id)


async def look_up_receipt(
    session: AsyncSession, code: str, *, master_key: bytes, client: str, attempts_per_hour: int
) -> ReceiptView:
    """The survey (in the language it was answered in) and the day of the response; a
    response waiting to be withdrawn is treated as gone, as its respondent asked."""
    response_id = await _response_id_for(
        session, code, master_key=master_key, client=client, attempts_per_hour=attempts_per_hour
    )
    row = (
        await session.execute(
            select(Response, SurveyVersion)
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .where(
                Response.id == response_id,
                ~exists().where(WithdrawalRequest.response_id == Response.id),
            )
        )
    ).one_or_none()
    if row is None:
        raise ReceiptUnknown()
    response, version = row.Response, row.SurveyVersion
    published = msgspec.json.decode(version.definition, type=PublishedSurvey)
    return ReceiptView(
        survey_title=in_language(published.definition.title, response.language) or version.title,
        language=response.language,
        submitted_on=response.submitted_on,
        records=await records_for_receipt(
            session, survey_id=version.survey_id, service_id=response.service_id
        ),
    )


async def records_for_receipt(
    session: AsyncSession, *, survey_id: int, service_id: int
) -> list[ReceiptRecord]:
    """The published "you said, we did" records for this survey and service, newest first
    (drafts and records awaiting approval are never read: `actions.public` sees only
    published ones)."""
    slug = await session.scalar(select(Survey.slug).where(Survey.id == survey_id))
    if slug is None:
        return []
    return [
        ReceiptRecord(
            title=record.title,
            status=STATUS_WORDS.get(record.status, record.status),
            summary=record.we_did,
        )
        for record in await published_for(session, survey_slug=slug, service_id=service_id)
    ]
