"""`feedback serve`: prepare the embedded default, then run uvicorn with its access log off."""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

import click
import uvicorn
from litestar import Litestar
from sqlalchemy import select

from feedback.app import create_app
from feedback.auth.models import StaffUser
from feedback.auth.roles import Role
from feedback.crypto.master import load_master_key
from feedback.crypto.service import rotate_keys
from feedback.db.engine import create_engine, session_factory
from feedback.db.migrate import upgrade
from feedback.logs import configure_logging
from feedback.settings import Settings


def run_web(settings: Settings, *, host: str, port: int) -> None:
    """On SQLite (one machine) create keys and upgrade the schema; production runs
    `feedback db upgrade` once, before starting any number of web processes."""
    configure_logging(settings)
    settings = settings.serving_on(host, port)
    if settings.is_sqlite:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        load_master_key(settings, create=True)
        upgrade(settings)
        asyncio.run(_ensure_sealing_keys(settings))
    if not asyncio.run(_any_lead(settings)):
        click.echo(
            "No Strategic Lead account yet. Create one, then sign in at "
            f"{settings.public_base_url}/staff/sign-in :\n"
            f"    {_feedback_command()} users create --role lead --email YOUR@EMAIL"
        )
    app = create_app(settings)
    listening = f"http://{host}:{port}"
    click.echo(f"serving on {listening}")
    if settings.public_base_url.rstrip("/") != listening:
        click.echo(_public_address_notice(settings, listening))
    serve_app(app, host=host, port=port)


def _public_address_notice(settings: Settings, listening: str) -> str:
    """Said once at start-up: links, cards and QR codes use the public address, not this one."""
    if settings.public_base_url_set:
        return (
            f"links and QR codes point at {settings.public_base_url} (FEEDBACK_PUBLIC_BASE_URL), "
            f"not at {listening}: right behind a proxy, wrong otherwise"
        )
    return (
        f"FEEDBACK_PUBLIC_BASE_URL is not set: links and QR codes point at "
        f"{settings.public_base_url}; set it to the address people use"
    )


def _feedback_command() -> str:
    """The `feedback` command as it can be typed from here (`.venv/bin/feedback` in a
    clone, where a bare `feedback` is not on PATH)."""
    path = Path(sys.argv[0]).resolve()
    if path.name != "feedback":
        path = Path(sys.executable).parent / "feedback"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def serve_app(app: Litestar, *, host: str, port: int) -> None:
    """uvicorn with no access log (it would log client addresses and link tokens).

    Everything made so far (modules, the app, its routes and templates) lives as long as
    the process: gc.freeze() takes it out of the cyclic collector's view, so the full
    collections that busy request handling triggers do not walk it again and again
    (measured: about 6% of a submission's CPU before)."""
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        proxy_headers=False,
        server_header=False,
    )


async def _ensure_sealing_keys(settings: Settings) -> None:
    """One machine holds everything: make this and next period's key pairs before serving.
    (In production `feedback keys init` and the worker's daily rotation do this.)"""
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            rotated = await rotate_keys(session, settings=settings)
    finally:
        await engine.dispose()
    for label in rotated.created:
        click.echo(f"created sealing keys for {label}")


async def _any_lead(settings: Settings) -> bool:
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            return (
                await session.scalar(
                    select(StaffUser.id).where(StaffUser.role == Role.LEAD.value).limit(1)
                )
                is not None
            )
    finally:
        await engine.dispose()
