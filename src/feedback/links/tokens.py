"""Making and digesting tokens and codes. Tokens carry 192 random bits and say nothing;
codes are short and typable, from an alphabet without look-alike characters. Neither is
ever drawn spelling a listed subject word (feedback.wording): both go into texts and
onto cards."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from feedback.crypto.master import derive_key
from feedback.wording import neutral_draw

TOKEN_BYTES = 24
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a whiteboard is typed right first time.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8


def new_token() -> str:
    return neutral_draw(lambda: secrets.token_urlsafe(TOKEN_BYTES))


def token_digest(token: str) -> str:
    """A plain SHA-256 suffices: a 192-bit token cannot be found from its hash."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return neutral_draw(lambda: "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def normalise_code(text: str) -> str:
    """Forgive case, spaces and dashes, as people type codes read from a board."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def code_digest(master_key: bytes, code: str) -> str:
    """Keyed, because a short code's plain hash could be reversed by trying every code."""
    key = derive_key(master_key, "join-code-digest")
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def seal_code(master_key: bytes, code: str) -> bytes:
    nonce = secrets.token_bytes(12)
    key = derive_key(master_key, "join-code-seal")
    return nonce + AESGCM(key).encrypt(nonce, code.encode(), None)


def open_code(master_key: bytes, sealed: bytes) -> str | None:
    try:
        plain = AESGCM(derive_key(master_key, "join-code-seal")).decrypt(
            sealed[:12], sealed[12:], None
        )
    except InvalidTag:
        return None
    return plain.decode()


def client_key(master_key: bytes, client: str, day: str) -> str:
    """A per-day keyed hash of a client address: enough to slow guessing today, useless
    for recognising anyone tomorrow."""
    key = derive_key(master_key, "join-throttle:" + day)
    return hmac.new(key, client.encode(), hashlib.sha256).hexdigest()
