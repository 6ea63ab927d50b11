"""`feedback keys ...`: the master key that everything else is derived from or wrapped by."""

from __future__ import annotations

import click

from feedback.cli import load_settings, reports_errors
from feedback.crypto.master import load_master_key
from feedback.errors import Conflict


@click.group()
def keys() -> None:
    """Create and inspect key material."""


@keys.command("init")
@reports_errors
def init() -> None:
    """Create the master key file (owner-only) unless FEEDBACK_MASTER_KEY is set."""
    settings = load_settings()
    if settings.master_key:
        click.echo("FEEDBACK_MASTER_KEY is set: the master key comes from the environment.")
        return
    assert settings.key_file is not None
    if settings.key_file.exists():
        raise Conflict(f"{settings.key_file} already exists; refusing to replace a key")
    load_master_key(settings, create=True)
    click.echo(f"created {settings.key_file} (mode 600); back it up somewhere safe")
