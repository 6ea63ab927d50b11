"""`feedback services` through click's runner: a service is added in known boroughs only."""

from __future__ import annotations

from feedback.organisations.models import Service
from feedback.settings import Settings
from tests.conftest import Cli
from tests.support.cli import assert_one_line_error, count

KNOWN_BOROUGHS = ("hammersmith-fulham", "kensington-chelsea", "westminster")


def test_services_add_creates_a_service_in_its_boroughs(cli: Cli, settings: Settings) -> None:
    result = cli(
        "services",
        "add",
        "Advocacy Service",
        "--borough",
        "westminster",
        "--borough",
        "kensington-chelsea",
    )

    assert result.exit_code == 0, result.output
    assert "Advocacy Service" in result.stdout
    assert count(settings, Service) == 1
    listed = cli("services", "list")
    assert listed.stdout.strip() == "Advocacy Service\tkensington-chelsea,westminster"


def test_services_add_with_unknown_borough_names_it_and_the_known_ones(
    cli: Cli, settings: Settings
) -> None:
    message = assert_one_line_error(
        cli(
            "services", "add", "Advocacy Service", "--borough", "westminster", "--borough", "camden"
        )
    )

    assert "camden" in message
    assert all(slug in message for slug in KNOWN_BOROUGHS)
    assert count(settings, Service) == 0
