"""`feedback links create`: print a batch of single-use links or a shared code, once."""

from __future__ import annotations

from datetime import datetime

import click

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.crypto.master import load_master_key
from feedback.links import service as links
from feedback.links.export import render_batch
from feedback.links.models import CHANNELS


@click.group("links")
def links_group() -> None:
    """Issue anonymous links and join codes."""


@links_group.command("create")
@click.option("--survey", "survey_slug", required=True, help="Survey slug.")
@click.option("--service", "service_name", required=True, help="Service name.")
@click.option("--kind", type=click.Choice(["link", "code"]), default="link", show_default=True)
@click.option("--count", type=int, default=1, show_default=True, help="Links to make (kind link).")
@click.option("--cap", type=int, default=None, help="Responses a code allows (kind code).")
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day the links work (YYYY-MM-DD, London time).",
)
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default=None,
    help="How they are handed out (default: web for links, class for codes).",
)
@click.option(
    "--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@reports_errors
def create(
    survey_slug: str,
    service_name: str,
    kind: str,
    count: int,
    cap: int | None,
    expires: datetime | None,
    channel: str | None,
    output: str,
) -> None:
    """Create links (shown only now) for a survey and service."""
    settings = load_settings()
    expires_on = expires.date() if expires else None
    if kind == "code":
        if cap is None:
            raise click.UsageError("--cap is required with --kind code")
        master_key = load_master_key(settings)
        batch = run_with_session(
            settings,
            lambda s: links.create_code(
                s,
                survey_slug=survey_slug,
                service_name=service_name,
                cap=cap,
                channel=channel or "class",
                expires_on=expires_on,
                base_url=settings.public_base_url,
                master_key=master_key,
            ),
        )
    else:
        batch = run_with_session(
            settings,
            lambda s: links.create_links(
                s,
                survey_slug=survey_slug,
                service_name=service_name,
                count=count,
                channel=channel or "web",
                expires_on=expires_on,
                base_url=settings.public_base_url,
            ),
        )
    click.echo(render_batch(batch, output), nl=False)
