"""Signed-in console clients, one per role, and reading one-time secrets off a page."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.settings import Settings
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff

Client = AsyncTestClient[Litestar]
SERVICE = "Advocacy Service"


def shown_once(page: str, css_class: str) -> str:
    """The text of the `<code class=...>` a page shows a one-time secret in."""
    found = re.search(rf'<code class="{css_class}">([^<]+)</code>', page)
    assert found, f"the page shows no {css_class}"
    return html.unescape(found.group(1))


def local(url: str) -> str:
    """A link's path and query, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def second_browser(settings: Settings) -> Client:
    """Another person's browser: its own app instance (and engine), as a second web process
    would be; two test clients must not share one app's lifespan."""
    return AsyncTestClient(app=create_app(settings), base_url="http://127.0.0.1:8000")


async def signed_in(client: Client, db: AsyncSession, role: str) -> Client:
    email = f"{role}@example.org"
    services = [SERVICE] if role in ("service_manager", "school_coordinator") else []
    await create_staff(db, role=role, email=email, services=services)
    await sign_in_with_new_two_factor(client, email, PASSWORD)
    return client


@pytest.fixture
async def lead(client: Client, db: AsyncSession) -> Client:
    await create_service(db, SERVICE)
    return await signed_in(client, db, "lead")
