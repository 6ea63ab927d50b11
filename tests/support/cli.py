"""Helpers for CLI tests through click's runner: counting rows the command made, and its
one-line error."""

from __future__ import annotations

import asyncio
from typing import Any

from click.testing import Result
from sqlalchemy import func, select

from feedback.db.engine import create_engine, session_factory
from feedback.settings import Settings


def count(settings: Settings, model: type[Any]) -> int:
    async def query() -> int:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                return int(await session.scalar(select(func.count()).select_from(model)) or 0)
        finally:
            await engine.dispose()

    return asyncio.run(query())


def assert_one_line_error(result: Result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message and "\n" not in message, result.stderr
    assert "Traceback" not in message
    return message
