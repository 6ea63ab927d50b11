"""Reading cookies straight from an ASGI scope, for the one plain ASGI handler (the answers
route), which has no request object to read them from."""

from __future__ import annotations

from litestar.types import HTTPScope

__all__ = ["scope_cookies"]


def scope_cookies(scope: HTTPScope) -> dict[str, str]:
    """The request's cookies (ASGI header names arrive lower-cased); the first of a repeated
    name wins. The ones the app reads are its own, unquoted: base64url, hex and dots only."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name == b"cookie":
            for pair in value.decode("latin-1").split(";"):
                key, _, item = pair.partition("=")
                found.setdefault(key.strip(), item.strip().strip('"'))
    return found
