"""/leave: where "Exit this page" goes. The browser is told to forget the site, then sent on
to a configured neutral site and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from feedback.app import create_app
from feedback.settings import Settings

SITES = ("https://www.bbc.co.uk/weather", "https://www.google.co.uk")


@pytest.fixture
async def client(tmp_path: Path) -> AsyncTestClient:  # type: ignore[type-arg]
    app = create_app(Settings(data_dir=tmp_path, exit_sites=SITES))
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


async def test_leaving_clears_site_data_and_goes_to_the_first_exit_site(
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    left = await client.get("/leave", follow_redirects=False)
    assert left.status_code == 303
    assert left.headers["location"] == SITES[0]
    assert left.headers["clear-site-data"] == '"cache", "cookies", "storage"'
    assert left.headers["cache-control"] == "no-store"
    assert left.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(("site", "expected"), [("1", SITES[1]), ("7", SITES[0]), ("x", SITES[0])])
async def test_leaving_goes_only_to_a_configured_site(
    client: AsyncTestClient,  # type: ignore[type-arg]
    site: str,
    expected: str,
) -> None:
    left = await client.get("/leave", params={"site": site}, follow_redirects=False)
    assert left.headers["location"] == expected
