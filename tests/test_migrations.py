"""The migrations are the schema: one head, reversible, and in step with the models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from feedback.db.engine import create_engine
from feedback.db.migrate import current_heads, downgrade, upgrade
from feedback.db.registry import Base
from feedback.settings import Settings
from tests.conftest import run_blocking


def test_there_is_exactly_one_head() -> None:
    assert len(current_heads(Settings())) == 1


@pytest.fixture(params=["sqlite", "postgres"])
def empty_settings(
    request: pytest.FixtureRequest, tmp_path: Path, fresh_database: Callable[..., str]
) -> Settings:
    return Settings(data_dir=tmp_path, database_url=fresh_database(request.param, tmp_path))


async def _table_names(settings: Settings) -> set[str]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _model_differences(settings: Settings) -> list[object]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()


async def _borough_slugs(settings: Settings) -> list[str]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT slug FROM boroughs ORDER BY slug"))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


def test_upgrade_from_empty_creates_every_model_table(empty_settings: Settings) -> None:
    upgrade(empty_settings)
    assert set(Base.metadata.tables) <= run_blocking(_table_names(empty_settings))


def test_upgrade_seeds_the_three_boroughs(empty_settings: Settings) -> None:
    upgrade(empty_settings)
    assert run_blocking(_borough_slugs(empty_settings)) == [
        "hammersmith-fulham",
        "kensington-chelsea",
        "westminster",
    ]


def test_downgrade_to_base_then_upgrade_round_trips(empty_settings: Settings) -> None:
    upgrade(empty_settings)
    downgrade(empty_settings, "base")
    assert run_blocking(_table_names(empty_settings)) <= {"alembic_version"}
    upgrade(empty_settings)
    assert run_blocking(_model_differences(empty_settings)) == []


def test_models_and_migrations_agree(empty_settings: Settings) -> None:
    upgrade(empty_settings)
    assert run_blocking(_model_differences(empty_settings)) == []
