"""Printed link cards: each single-use link also gets a short code a person can type at
/join (no camera, a cracked screen), and every card is checked for subject words.

A card code is 15 characters from the join-code alphabet (25 letters and digits: about
70 bits, far past guessing), shown in groups of five for reading. Like the link's token
it is kept only as a keyed digest on the link's own row, so it is single use with the
link, and wrong guesses spend the same hourly budget as join codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence

import msgspec
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.master import candidate_digests, derive_key
from feedback.errors import InvalidInput
from feedback.links import tokens
from feedback.links.errors import LinkUnavailable
from feedback.links.models import Link
from feedback.links.schemas import LinkBatchOut
from feedback.links.service import redeem_digest
from feedback.links.throttle import check_guess_budget, record_wrong_guess
from feedback.organisations.models import Service
from feedback.surveys.models import SurveyVersion
from feedback.wording import neutral_draw, subject_word

__all__ = [
    "CARD_CODE_LENGTH",
    "CARD_TITLE",
    "Card",
    "card_digest",
    "check_printed_wording",
    "format_card_code",
    "is_card_code",
    "issue_cards",
    "lasting_names",
    "new_card_code",
    "redeem_card",
]

CARD_CODE_LENGTH = 15
CARD_GROUP = 5
CARD_TITLE = "Your feedback link"


class Card(msgspec.Struct, frozen=True):
    """One printed card: the long URL goes only into the QR code; people type `code`."""

    url: str
    code: str


def new_card_code() -> str:
    """A fresh code, grouped as printed, and never spelling a listed word in that form."""
    return neutral_draw(
        lambda: format_card_code(
            "".join(secrets.choice(tokens.CODE_ALPHABET) for _ in range(CARD_CODE_LENGTH))
        )
    )


def format_card_code(code: str) -> str:
    """ACDEF-GHJKM-NPQRT: groups of five are read and typed without losing the place."""
    plain = tokens.normalise_code(code)
    return "-".join(plain[i : i + CARD_GROUP] for i in range(0, len(plain), CARD_GROUP))


def is_card_code(text: str) -> bool:
    """Card codes and join codes share the /join box; their lengths tell them apart."""
    return len(tokens.normalise_code(text)) == CARD_CODE_LENGTH


def card_digest(master_key: bytes, code: str) -> str:
    """Keyed, as join codes are: a short code's plain hash could be reversed by trying."""
    key = derive_key(master_key, "card-code-digest")
    return hmac.new(key, tokens.normalise_code(code).encode(), hashlib.sha256).hexdigest()


async def lasting_names(session: AsyncSession) -> list[str]:
    """The names that would say what a card is for: every service and survey title."""
    services = await session.scalars(select(Service.name))
    titles = await session.scalars(select(SurveyVersion.title).distinct())
    return [*services, *titles]


async def check_printed_wording(session: AsyncSession, texts: Mapping[str, str]) -> None:
    """Refuse, before any link is issued, printed words (card title, help line, the
    address typed at /join or listed in a CSV) that name the subject, a service or a
    survey: a card or a list may be found. `texts` maps where each text is set to it."""
    names = await lasting_names(session)
    for where, text in texts.items():
        found = subject_word(text, names)
        if found is not None:
            raise InvalidInput(
                f"{where} {text!r} names {found!r}; a card or a list of links may "
                "be found, so reword it",
                field="output",
            )


async def issue_cards(
    session: AsyncSession, batch: LinkBatchOut, *, master_key: bytes
) -> list[Card]:
    """A typable code for each link of a batch just issued, kept as a digest on its link."""
    cards = [Card(url=link.url, code=new_card_code()) for link in batch.links]
    rows = [
        {
            "token": tokens.token_digest(card.url.rsplit("/", 1)[1]),
            "card": card_digest(master_key, card.code),
        }
        for card in cards
    ]
    links = Link.metadata.tables["links"]  # Core executemany: one statement per batch
    statement = (
        update(links)
        .where(links.c.token_digest == bindparam("token"))
        .values(card_digest=bindparam("card"))
    )
    connection = await session.connection()
    await connection.execute(statement, rows)
    await session.commit()
    return cards


async def redeem_card(
    session: AsyncSession,
    code: str,
    *,
    master_keys: Sequence[bytes],
    client: str,
    attempts_per_hour: int,
) -> str:
    """The token digest of the card's link, for the same entry cookie a scanned QR code
    gives. A wrong code costs the client one guess; a used one is simply unavailable. A
    card printed before a master-key rotation is found under its own key."""
    key = await check_guess_budget(
        session, master_key=master_keys[0], client=client, attempts_per_hour=attempts_per_hour
    )
    candidates = candidate_digests(master_keys, code, card_digest)
    rows = await session.execute(
        select(Link.card_digest, Link.token_digest).where(Link.card_digest.in_(candidates))
    )
    found = {card: token for card, token in rows}
    digest = next((found[card] for card in candidates if card in found), None)
    if digest is None:
        await record_wrong_guess(session, key)
        raise LinkUnavailable()
    await redeem_digest(session, "link", digest)
    return digest
