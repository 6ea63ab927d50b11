"""`feedback rounds ...` and `feedback schools ...` through click's runner."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Cli
from tests.consultations.conftest import People, today


def test_rounds_and_schools_from_the_command_line(people: People, cli: Cli) -> None:
    added = cli(
        "schools",
        "add",
        "Riverside School",
        "--borough",
        "westminster",
        "--service",
        "Schools Programme",
        "--coordinator",
        people.coordinator.email,
    )
    assert added.exit_code == 0, added.output
    assert cli("schools", "list").output.startswith("Riverside School\twestminster")
    created = cli(
        "rounds",
        "create",
        "--title",
        "Winter round",
        "--purpose",
        "To hear from you.",
        "--survey",
        "service-satisfaction",
        "--survey",
        "young-person-consultation",
        "--opens",
        today().isoformat(),
        "--closes",
        (today() + timedelta(days=5)).isoformat(),
        "--service",
        "Advocacy Service",
        "--school",
        "Riverside School",
        "--channel",
        "web",
        "--channel",
        "class",
    )
    assert created.exit_code == 0, created.output
    assert (
        "open: Winter round (service-satisfaction v1, young-person-consultation v1)"
        in created.output
    )
    round_id = created.output.split()[1]
    assert f"{round_id}\topen\t" in cli("rounds", "list").output
    # Responses are the reports' figures for the round's months, as the lead reads them.
    progress = cli("rounds", "progress", round_id).output.splitlines()
    assert "service-satisfaction v1\tall\t0" in progress
    assert "young-person-consultation v1\tchannel class\t0" in progress
    assert cli("rounds", "close", round_id).exit_code == 0
    assert f"{round_id}\tclosed\t" in cli("rounds", "list").output


def test_a_bad_round_is_one_line_and_a_non_zero_exit(people: People, cli: Cli) -> None:
    result = cli(
        "rounds",
        "create",
        "--title",
        "X",
        "--purpose",
        "Y",
        "--survey",
        "nope",
        "--opens",
        today().isoformat(),
        "--closes",
        today().isoformat(),
        "--service",
        "Advocacy Service",
    )
    assert result.exit_code == 1
    assert "surveys: 'nope' has no published version" in result.output
