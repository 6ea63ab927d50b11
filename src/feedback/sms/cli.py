"""`feedback sms`: the local provider's outbox, injecting an inbound text, and the cleanup."""

from __future__ import annotations

import secrets

import click
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.crypto.master import load_master_keys
from feedback.sms.interface import Inbound
from feedback.sms.numbers import normalise_sender
from feedback.sms.outbox import OutboxProvider, read_outbox


@click.group("sms")
def sms() -> None:
    """Texts: the local outbox and conversations by SMS."""


@sms.command("outbox")
@click.option("--last", type=click.IntRange(1, 10_000), default=None, help="Show only the last N.")
@reports_errors
def outbox(last: int | None) -> None:
    """Show what the local provider would have sent. Recipients appear as the first digits
    of their number's keyed hash and the number's last 4 digits; numbers are not stored."""
    messages = read_outbox(load_settings())
    if last is not None:
        messages = messages[-last:]
    if not messages:
        click.echo("the outbox is empty")
    for message in messages:
        click.echo(f"to {message.to}:\n{message.text}\n")


@sms.command("receive")
@click.option("--from", "sender", required=True, help="The number the text comes from.")
@click.argument("text")
@reports_errors
def receive(sender: str, text: str) -> None:
    """Inject an inbound text through the local provider and print the replies."""
    from feedback.sms.service import receive_text, send_replies

    settings = load_settings()
    master_keys = load_master_keys(settings).keys
    inbound = Inbound(
        sender=normalise_sender(sender), text=text, message_id="cli-" + secrets.token_hex(8)
    )

    async def work(session: AsyncSession) -> list[str]:
        reply = await receive_text(
            session,
            settings,
            master_key=master_keys[0],
            provider="outbox",
            inbound=inbound,
            older_keys=master_keys[1:],
        )
        await send_replies(OutboxProvider(settings), inbound.sender, reply)
        return reply.messages

    replies = run_with_session(settings, work)
    if not replies:
        click.echo("(no reply)")
    for message in replies:
        click.echo(message + "\n")


@sms.command("cleanup")
@reports_errors
def cleanup() -> None:
    """Delete expired conversations now (the worker also does this every 10 minutes)."""
    from feedback.sms.state import delete_expired

    count = run_with_session(load_settings(), delete_expired)
    click.echo(f"deleted {count} expired conversation(s)")
