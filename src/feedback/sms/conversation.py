"""Surveys by text: one inbound text in, the replies to send back out.

`FEEDBACK <code>` starts the survey of a join code; an end-of-support survey first asks for
the code kept from the start of support (optional), then its `sms: true` questions are
asked one at a time; HELP, SKIP, BACK and STOP work at any point. A reply that is not a
valid answer gets a hint and the question again, and after two tries the hint suggests
SKIP. At the end the answers go through the web's own intake (sealed, counted, receipt
code) and the conversation row is deleted. Nothing here knows the phone number beyond this call.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.errors import TooManyAttempts
from feedback.consultations.pupils import version_for_entry
from feedback.job_queue import JobQueue
from feedback.links import tokens
from feedback.links.errors import LinkUnavailable
from feedback.links.service import redeem_code
from feedback.links.throttle import check_guess_budget, record_wrong_guess
from feedback.outcomes.codes import normal_code
from feedback.outcomes.errors import PairingCodeUnknown
from feedback.outcomes.pairing import check_pairing_code, outcome_step
from feedback.responses.answers import is_shown, read_answers
from feedback.responses.journey import (
    SurveyForRespondent,
    languages_of,
    survey_for_respondent,
)
from feedback.responses.submission import AnswerEntry, submit_answers
from feedback.settings import Settings
from feedback.sms import state as store
from feedback.sms.phrases import sms_phrase
from feedback.sms.questions import hint, prompt, reply_values, sms_questions
from feedback.sms.state import ConversationState, NumberKeys
from feedback.surveys.definition import FreeText, Question
from feedback.surveys.outcome_rules import EXIT
from feedback.themes.danger import signals_immediate_danger

KEYWORD = "FEEDBACK"
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL"})
MAX_RETRIES = 2
# A survey takes about 15 texts even with BACK and retries; past this the number is looping.
MAX_TEXTS_PER_CONVERSATION = 100
STOPPED = sms_phrase("stopped", "en")


class Reply(msgspec.Struct, frozen=True):
    """The texts to send back, in order; empty when nothing may be sent (an opted-out number)."""

    messages: list[str]


async def handle_text(
    session: AsyncSession,
    settings: Settings,
    *,
    master_key: bytes,
    sender: str,
    text: str,
    older_keys: Sequence[bytes] = (),
    queue: JobQueue | None = None,
) -> Reply:
    """Take one inbound text from `sender` (E.164) and decide the replies. `older_keys`
    are the other configured master keys: an opt-out hashed under one of them still holds,
    and a pairing code kept under one of them still pairs.
    A completed response is queued for tagging on `queue`; with none (the CLI), the sweep
    tags it."""
    keys = store.keys_for(master_key, sender, older_keys)
    master_keys = (master_key, *older_keys)  # a pairing code of any of them still pairs
    words = text.strip().split()
    first = words[0].upper() if words else ""
    if first in STOP_WORDS and len(words) == 1:
        live = await store.load_conversation(session, keys)
        await store.end_conversation(session, keys)
        await store.opt_out(session, keys.lookup)
        await session.commit()
        return Reply([sms_phrase("stopped", live.language if live else "en")])
    if first == KEYWORD:
        return await _start(session, settings, master_keys, queue, keys, words[1:])
    if await store.is_opted_out(session, keys.every_lookup):
        return Reply([])
    conversation = await store.load_conversation(session, keys)
    if conversation is None:
        return await _unrecognised(session, settings, master_key, keys)
    conversation.texts += 1
    if conversation.texts > MAX_TEXTS_PER_CONVERSATION:
        await store.end_conversation(session, keys)
        await session.commit()
        return Reply([])
    survey = await survey_for_respondent(session, conversation.survey_version_id)
    return await _step(
        session, settings, master_keys, queue, keys, conversation, survey, text.strip()
    )


async def _unrecognised(
    session: AsyncSession, settings: Settings, master_key: bytes, keys: NumberKeys
) -> Reply:
    """A text outside any conversation counts against the number's hourly budget of wrong
    codes (the join page's own throttle); past it nothing is sent, so nobody can make the
    service text a number over and over at the partnership's cost."""
    try:
        client = await check_guess_budget(
            session,
            master_key=master_key,
            client="sms:" + keys.lookup,
            attempts_per_hour=settings.join_attempts_per_hour,
        )
    except TooManyAttempts:
        return Reply([])
    await record_wrong_guess(session, client)
    return Reply([f"{sms_phrase('unknown', 'en')} {settings.card_help_line}"])


async def _start(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    queue: JobQueue | None,
    keys: NumberKeys,
    words: list[str],
) -> Reply:
    """A new conversation for a live code. Texting the keyword is the person asking, so it
    also lifts an earlier STOP; an unknown code gets one neutral reply and stores nothing."""
    code = tokens.normalise_code(words[0]) if words else ""
    try:
        entry = await redeem_code(
            session,
            code,
            master_keys=master_keys,
            client="sms:" + keys.lookup,
            attempts_per_hour=settings.join_attempts_per_hour,
        )
    except TooManyAttempts:
        return Reply([])
    except LinkUnavailable:
        await session.commit()
        asked = words[1].lower() if len(words) > 1 else "en"  # the language asked for, if any
        return Reply([f"{sms_phrase('unknown', asked)} {settings.card_help_line}"])
    # The web entry's rule: a round's pinned version, else the latest published.
    survey = await survey_for_respondent(session, await version_for_entry(session, entry))
    wanted = words[1].lower() if len(words) > 1 else "en"
    language = wanted if wanted in languages_of(survey) else "en"
    conversation = ConversationState(
        entry_digest=entry.digest,  # the digest it was found by: maybe an older key's
        survey_version_id=survey.version_id,
        language=language,
        form_nonce=secrets.token_hex(16),
    )
    await store.opt_back_in(session, keys.every_lookup)
    questions = sms_questions(survey)
    welcome = sms_phrase("welcome", language, count=len(questions))
    if outcome_step(survey.published) is not None and survey.published.definition.kind == EXIT:
        conversation.awaiting_code = True
        return await _save_and_reply(
            session, settings, keys, conversation, [welcome, sms_phrase("pairing_ask", language)]
        )
    return await _ask_next(
        session, settings, master_keys, queue, keys, conversation, survey, [welcome]
    )


async def _save_and_reply(
    session: AsyncSession,
    settings: Settings,
    keys: NumberKeys,
    conversation: ConversationState,
    messages: list[str],
) -> Reply:
    await store.save_conversation(
        session, keys, conversation, hours=settings.sms_conversation_hours
    )
    await session.commit()
    return Reply(messages)


async def _pairing_reply(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    queue: JobQueue | None,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
    text: str,
) -> Reply:
    """The reply to the code question: SKIP goes on without one; a code is checked as the
    web form checks it, a wrong one spending the number's guessing budget shared with
    join and receipt codes; past the budget she goes on unpaired rather than being asked
    again, so nobody can try codes by text."""
    language = conversation.language
    command = text.upper()
    if command in ("HELP", "BACK"):
        help_reply = [settings.sms_help_reply] if command == "HELP" else []
        ask = sms_phrase("pairing_ask", language)
        return await _save_and_reply(session, settings, keys, conversation, [*help_reply, ask])
    before: list[str] = []
    if command != "SKIP":
        try:
            await check_pairing_code(
                session,
                text,
                master_keys=master_keys,
                client="sms:" + keys.lookup,
                attempts_per_hour=settings.join_attempts_per_hour,
            )
        except PairingCodeUnknown as unknown:
            conversation.retries += 1
            retry = f"{unknown.message} {sms_phrase('pairing_retry', language)}"
            return await _save_and_reply(session, settings, keys, conversation, [retry])
        except TooManyAttempts:
            before = [sms_phrase("pairing_no_more", language)]
        else:
            conversation.pairing_code = normal_code(text)
            before = [sms_phrase("pairing_kept", language)]
    conversation.awaiting_code = False
    return await _ask_next(
        session, settings, master_keys, queue, keys, conversation, survey, before
    )


async def _step(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    queue: JobQueue | None,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
    text: str,
) -> Reply:
    if conversation.awaiting_code:
        return await _pairing_reply(
            session, settings, master_keys, queue, keys, conversation, survey, text
        )
    command = text.upper()
    question = _current(conversation, survey)
    if question is None:  # nothing left to ask: finish what is there
        return await _finish(session, settings, master_keys, queue, keys, conversation, survey, [])
    if command == "HELP":
        await store.save_conversation(
            session, keys, conversation, hours=settings.sms_conversation_hours
        )
        await session.commit()
        return Reply([settings.sms_help_reply, _prompt_for(question, conversation, survey)])
    if command == "BACK":
        return await _back(session, settings, keys, conversation, survey)
    if command == "SKIP":
        if not question.optional:
            return await _retry(
                session,
                settings,
                keys,
                conversation,
                survey,
                question,
                sms_phrase("needs_answer", conversation.language),
            )
        conversation.form.pop(question.id, None)
        return await _ask_next(
            session, settings, master_keys, queue, keys, conversation, survey, []
        )
    return await _answer(
        session, settings, master_keys, queue, keys, conversation, survey, question, text
    )


async def _answer(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    queue: JobQueue | None,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
    question: Question,
    text: str,
) -> Reply:
    """Check the reply by the web's own rules; a free text that signals immediate danger
    gets the help line straight away, before the next question."""
    values = reply_values(question, survey, conversation.language, text)
    if values is not None:
        form = {**conversation.form, question.id: values}
        problems = read_answers(survey.published.definition, _as_form(form)).errors
        if question.id not in problems:
            conversation.form = form
            before = [settings.card_help_line] if _signals_danger(question, text) else []
            return await _ask_next(
                session, settings, master_keys, queue, keys, conversation, survey, before
            )
    return await _retry(session, settings, keys, conversation, survey, question, "")


def _signals_danger(question: Question, text: str) -> bool:
    return isinstance(question, FreeText) and signals_immediate_danger(text)


async def _retry(
    session: AsyncSession,
    settings: Settings,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
    question: Question,
    reason: str,
) -> Reply:
    conversation.retries += 1
    advice = hint(question, survey, conversation.language)
    if conversation.retries > MAX_RETRIES and question.optional:
        advice += " " + sms_phrase("or_skip", conversation.language)
    await store.save_conversation(
        session, keys, conversation, hours=settings.sms_conversation_hours
    )
    await session.commit()
    message = " ".join(part for part in (reason, advice) if part)
    return Reply([message, _prompt_for(question, conversation, survey)])


async def _back(
    session: AsyncSession,
    settings: Settings,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
) -> Reply:
    if len(conversation.asked) > 1:
        conversation.asked.pop()
        conversation.form.pop(conversation.asked[-1], None)
    conversation.retries = 0
    await store.save_conversation(
        session, keys, conversation, hours=settings.sms_conversation_hours
    )
    await session.commit()
    question = _current(conversation, survey)
    assert question is not None
    return Reply([_prompt_for(question, conversation, survey)])


async def _ask_next(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    queue: JobQueue | None,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
    before: list[str],
) -> Reply:
    """Move to the next question that applies, or finish when none is left."""
    questions = sms_questions(survey)
    answers = read_answers(survey.published.definition, _as_form(conversation.form)).answers
    start = 0
    if conversation.asked:
        start = [q.id for q in questions].index(conversation.asked[-1]) + 1
    following = [q for q in questions[start:] if is_shown(q, answers)]
    if not following:
        return await _finish(
            session, settings, master_keys, queue, keys, conversation, survey, before
        )
    conversation.asked.append(following[0].id)
    conversation.retries = 0
    await store.save_conversation(
        session, keys, conversation, hours=settings.sms_conversation_hours
    )
    await session.commit()
    return Reply([*before, _prompt_for(following[0], conversation, survey)])


async def _finish(
    session: AsyncSession,
    settings: Settings,
    master_keys: Sequence[bytes],
    queue: JobQueue | None,
    keys: NumberKeys,
    conversation: ConversationState,
    survey: SurveyForRespondent,
    before: list[str],
) -> Reply:
    """Store the response exactly as the web does; the conversation row goes in the same
    transaction, so either both happen or neither."""
    answers = read_answers(survey.published.definition, _as_form(conversation.form)).answers
    await store.end_conversation(session, keys)
    try:
        receipt = await submit_answers(
            session,
            AnswerEntry(
                kind="code",
                digest=conversation.entry_digest,
                form_nonce=conversation.form_nonce,
                language=conversation.language,
            ),
            survey,
            answers,
            # An intake keeps its pairing row; an exit with her code counts the pair.
            outcome=outcome_step(survey.published, conversation.pairing_code),
            master_keys=master_keys,
            period_kind=settings.key_period,
            queue=queue,
        )
    except LinkUnavailable:
        await store.end_conversation(session, keys)
        await session.commit()
        return Reply([*before, sms_phrase("closed", conversation.language)])
    thanks = sms_phrase(
        "receipt",
        conversation.language,
        code=receipt.code,
        url=f"{settings.public_base_url}/receipt",
    )
    return Reply([*before, thanks, settings.card_help_line])


def _current(conversation: ConversationState, survey: SurveyForRespondent) -> Question | None:
    if not conversation.asked:
        return None
    wanted = conversation.asked[-1]
    return next((q for q in sms_questions(survey) if q.id == wanted), None)


def _prompt_for(
    question: Question, conversation: ConversationState, survey: SurveyForRespondent
) -> str:
    return prompt(question, survey, conversation.language, len(conversation.asked))


def _as_form(form: dict[str, list[str]]) -> dict[str, list[str]]:
    return {f"q_{question_id}": values for question_id, values in form.items()}


def message_digest(provider_message_id: str) -> str:
    """Provider message ids are kept hashed: they are keys into the provider's own records."""
    return hashlib.sha256(provider_message_id.encode()).hexdigest()
