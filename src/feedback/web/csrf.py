"""The CSRF check for a plain ASGI handler: Litestar's CSRFMiddleware cannot read such a
handler's body, so the handler checks the form's token by the middleware's own rule, with
the app's own CSRF config (its secret, cookie and header names)."""

from __future__ import annotations

import hmac

from litestar import Litestar
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import HTTPScope
from litestar.utils.scope.state import ScopeState

__all__ = ["FORM_FIELD", "check_csrf"]

FORM_FIELD = "_csrf_token"  # the form field Litestar's templates and middleware use


def check_csrf(app: Litestar, scope: HTTPScope, cookies: dict[str, str], form_token: str) -> None:
    """Litestar's CSRFMiddleware rule: the header's (or else the form's) token and the
    cookie's are both signed with the app's secret and carry the same random part. Raises
    PermissionDeniedException otherwise; on success the token is kept in the scope, so a
    page shown again carries it."""
    config = app.csrf_config
    assert config is not None  # create_app configures CSRF
    header = config.header_name.lower().encode()
    sent = next((v.decode("latin-1") for k, v in scope["headers"] if k == header), None)
    sent = sent or form_token
    from_form = _signed_secret(sent, config.secret)
    from_cookie = _signed_secret(cookies.get(config.cookie_name), config.secret)
    if from_form is None or from_cookie is None or not hmac.compare_digest(from_form, from_cookie):
        raise PermissionDeniedException("CSRF token verification failed")
    ScopeState.from_scope(scope).csrf_token = sent


def _signed_secret(token: str | None, secret: str) -> str | None:
    if not token or len(token) <= CSRF_SECRET_LENGTH:
        return None
    random_part, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    expected = generate_csrf_hash(token=random_part, secret=secret)
    return random_part if hmac.compare_digest(signature, expected) else None
