"""The public contract of shared/DESIGN.md, as outside tests use it: every address in its
table is routed with its method, and every CLI verb it names exists. Renaming one fails here
before it fails someone else's tests."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from litestar.routes import HTTPRoute

from feedback.app import create_app
from feedback.cli import main
from feedback.settings import Settings

# Litestar writes a path parameter with its type (`{token:str}`); the contract's
# `/sms/inbound/{provider}` is one route per provider.
ADDRESSES = [
    ("GET", "/s/{token:str}"),
    ("GET", "/join"),
    ("GET", "/join/{code:str}"),
    ("GET", "/withdraw"),
    ("GET", "/receipt"),
    ("POST", "/sms/inbound/twilio"),
    ("POST", "/sms/inbound/notify"),
    ("GET", "/you-said-we-did"),
    ("GET", "/api/v1/you-said-we-did"),
    ("GET", "/you-said-we-did.atom"),
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/schema/openapi.json"),
]

VERBS = [
    ("serve",),
    ("worker",),
    ("db", "upgrade"),
    ("db", "downgrade"),
    ("users", "create"),
    ("tokens", "create"),
    ("services", "add"),
    ("surveys", "validate"),
    ("surveys", "publish"),
    ("surveys", "list"),
    ("surveys", "diff"),
    ("links", "create"),
    ("keys", "init"),
    ("keys", "rotate"),
    ("keys", "list"),
    ("keys", "rewrap"),
    ("keys", "destroy"),
    ("themes", "evaluate"),
    ("themes", "retag"),
    ("sms", "outbox"),
    ("sms", "receive"),
]


def _routed(tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(Settings(data_dir=tmp_path))
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for method in route.methods
    }


def test_every_contract_address_is_routed(tmp_path: Path) -> None:
    routed = _routed(tmp_path)
    assert [address for address in ADDRESSES if address not in routed] == []


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_contract_verb_exists(verb: tuple[str, ...]) -> None:
    command: click.Command = main
    for name in verb:
        assert isinstance(command, click.Group), f"{command.name} has no sub-commands"
        found = command.commands.get(name)
        assert found is not None, f"feedback {' '.join(verb)} is missing"
        command = found
