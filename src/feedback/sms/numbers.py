"""Phone numbers: parsed to E.164 for sending, and otherwise only ever held as keyed hashes.

Two different keys come from a number: its *lookup key* (an HMAC of the number under a
key derived from the master key) names its conversation and opt-out rows, and its *state
key* seals the conversation. Neither the database nor a backup can give back a number,
and a conversation can only be read by someone holding both the master key and the phone.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers

from feedback.crypto.master import derive_key
from feedback.sms.errors import InboundMalformed, NumberInvalid

UK_COUNTRY_CODE = 44
# Ofcom keeps 07700 900000 to 900999 for drama and examples: never a real phone, so the
# console's example number lies there, and a row holding one is told why it is skipped.
DRAMA_MOBILES = range(7700900000, 7700901000)


def parse_uk_mobile(raw: str) -> str:
    """A UK mobile number in E.164 (+447…); anything else raises NumberInvalid."""
    try:
        number = phonenumbers.parse(raw.strip(), "GB")
    except phonenumbers.NumberParseException:
        raise NumberInvalid("not a phone number") from None
    if number.country_code == UK_COUNTRY_CODE and number.national_number in DRAMA_MOBILES:
        raise NumberInvalid("an example number (Ofcom keeps 07700 900xxx for drama), not a phone")
    if number.country_code != UK_COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        raise NumberInvalid("not a valid UK number")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise NumberInvalid("not a mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_sender(raw: str) -> str:
    """Whoever texted us, in E.164; providers write UK senders as 447… or +447…."""
    text = raw.strip()
    if text.isdigit() and text.startswith("44"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        raise InboundMalformed("the sender is not a phone number") from None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def number_key(master_key: bytes, e164: str) -> str:
    """The only form in which a number is stored: a keyed hash that cannot be reversed by
    trying every UK mobile number without the master key."""
    key = derive_key(master_key, "sms-number-key")
    return hmac.new(key, e164.encode(), hashlib.sha256).hexdigest()


def state_key(master_key: bytes, e164: str) -> bytes:
    """The key a conversation's answers are sealed under; it needs the number to rebuild."""
    key = derive_key(master_key, "sms-conversation-state")
    return hmac.new(key, e164.encode(), hashlib.sha256).digest()


def last_digits(e164: str) -> str:
    """What the local outbox shows of a number: enough to tell two testers apart."""
    return "…" + e164[-4:]
