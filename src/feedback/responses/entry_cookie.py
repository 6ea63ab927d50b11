"""The respondent's session cookie: which entry (by digest, never the token), which survey
version, whether consent was given, which language. Signed, not encrypted: it holds nothing
the respondent does not already have, and dies with the browser session."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Sequence

import msgspec

from feedback.crypto.master import candidate_digests, derive_key

COOKIE_NAME = "feedback-entry"


class EntryCookie(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    digest: str
    survey_version_id: int
    consented: bool = False
    language: str = "en"


def encode_entry(master_key: bytes, entry: EntryCookie) -> str:
    body = base64.urlsafe_b64encode(msgspec.json.encode(entry)).decode().rstrip("=")
    return f"{body}.{_signature(master_key, body)}"


def decode_entry(master_keys: Sequence[bytes], value: str | None) -> EntryCookie | None:
    """The cookie's contents, or None when it is missing, tampered with or malformed. It is
    checked under every configured master key, current first, so a form open when the key
    rotated keeps its entry; `encode_entry` signs with the current key only."""
    if not value or "." not in value:
        return None
    body, signature = value.rsplit(".", 1)
    expected = candidate_digests(master_keys, body, _signature)
    if not any(hmac.compare_digest(signature, candidate) for candidate in expected):
        return None
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return msgspec.json.decode(raw, type=EntryCookie)
    except (ValueError, msgspec.DecodeError):
        return None


@functools.lru_cache(maxsize=8)
def _cookie_key(master_key: bytes) -> bytes:
    """Derived once per master key: the cookie is checked on every respondent request."""
    return derive_key(master_key, "respondent-cookie")


def _signature(master_key: bytes, body: str) -> str:
    key = _cookie_key(master_key)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
