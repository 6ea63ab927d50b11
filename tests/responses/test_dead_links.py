"""A dead link or code is answered by a redirect to one neutral page, so the token leaves
the address bar and the history entry exactly as it does for a good link."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize("path", ["/s/not-a-live-token", "/join/KM7CQX4A", "/join/ACDEFGHJKMNPQRT"])
async def test_a_dead_link_or_code_redirects_to_the_neutral_page(
    client: Client, survey_ready: None, path: str
) -> None:
    dead = await client.get(path, follow_redirects=False)
    assert dead.status_code == 303 and dead.headers["location"] == "/s/unavailable"
    page = await client.get("/s/unavailable")
    assert page.status_code == 404
    assert "This page is not available" in page.text
    assert path.rsplit("/", 1)[1] not in page.text
