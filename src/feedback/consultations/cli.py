"""`feedback rounds ...` and `feedback schools ...`: consultation rounds and schools from the
command line (the operator acts with the lead's rights; class sessions are opened on the
school coordinator's pages, where the code is shown once)."""

from __future__ import annotations

from datetime import date

import click

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.consultations import progress as round_progress
from feedback.consultations import rounds as service
from feedback.consultations import schools as school_service
from feedback.links.models import CHANNELS


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: use YYYY-MM-DD", param_hint=name) from None


@click.group()
def rounds() -> None:
    """Open, list, follow and close consultation rounds."""


@rounds.command("create")
@click.option("--title", required=True)
@click.option("--purpose", required=True, help="Plain words shown to respondents.")
@click.option("--survey", "surveys", multiple=True, required=True, help="Survey slug. Repeatable.")
@click.option("--opens", required=True, help="Opening date, YYYY-MM-DD.")
@click.option("--closes", required=True, help="Closing date, YYYY-MM-DD (open all that day).")
@click.option("--service", "services", multiple=True, help="Service name. Repeatable.")
@click.option("--school", "schools", multiple=True, help="School name. Repeatable.")
@click.option(
    "--channel", "channels", multiple=True, type=click.Choice(CHANNELS), help="Repeatable."
)
@click.option("--young-free-text", is_flag=True, help="Show free text to pupils under 13.")
@click.option("--after", "previous", type=int, help="The round this one follows.")
@reports_errors
def create(
    title: str,
    purpose: str,
    surveys: tuple[str, ...],
    opens: str,
    closes: str,
    services: tuple[str, ...],
    schools: tuple[str, ...],
    channels: tuple[str, ...],
    young_free_text: bool,
    previous: int | None,
) -> None:
    """Open a round, pinning the latest version of each survey."""
    opened = run_with_session(
        load_settings(),
        lambda s: service.create_round(
            s,
            actor=None,
            title=title,
            purpose=purpose,
            survey_slugs=surveys,
            opens_on=_day(opens, "--opens"),
            closes_on=_day(closes, "--closes"),
            service_names=services,
            school_names=schools,
            channels=channels or ("web",),
            young_free_text=young_free_text,
            previous_round_id=previous,
        ),
    )
    pinned = ", ".join(f"{p.slug} v{p.version}" for p in opened.surveys)
    click.echo(f"round {opened.id} {opened.status}: {opened.title} ({pinned})")


@rounds.command("list")
@reports_errors
def list_() -> None:
    """Every round: id, status, dates, title."""
    for row in run_with_session(load_settings(), lambda s: service.list_rounds(s, actor=None)):
        click.echo(f"{row.id}\t{row.status}\t{row.opens_on}\t{row.closes_on}\t{row.title}")


@rounds.command("progress")
@click.argument("round_id", type=int)
@reports_errors
def progress(round_id: int) -> None:
    """Links and code places issued; responses in the round's months as the reports show
    them to the lead (c where they are withheld); class sessions per school."""
    settings = load_settings()
    found = run_with_session(
        settings,
        lambda s: round_progress.round_progress(s, round_id, actor=None, settings=settings),
    )
    click.echo("service\tchannel\tlinks\tcode places")
    for line in found.issued:
        click.echo(f"{line.service}\t{line.channel}\t{line.links_issued}\t{line.code_places}")
    click.echo(f"responses, {found.period_label}")
    for survey in found.surveys:
        for figure in survey.figures:
            where = "all" if figure.narrowed_by == "all" else f"{figure.narrowed_by} {figure.name}"
            click.echo(f"{survey.slug} v{survey.version}\t{where}\t{figure.shown}")
    for school in found.schools:
        click.echo(f"school {school.school}\t{school.sessions} class sessions")
    click.echo(found.legend)


@rounds.command("close")
@click.argument("round_id", type=int)
@reports_errors
def close(round_id: int) -> None:
    """Close a round now: its links and codes stop working."""
    closed = run_with_session(
        load_settings(), lambda s: service.close_round(s, round_id, actor=None)
    )
    click.echo(f"round {closed.id} closed")


@click.group()
def schools() -> None:
    """Add and list schools."""


@schools.command("add")
@click.argument("name")
@click.option("--borough", required=True, help="Borough slug.")
@click.option("--service", "service_name", required=True, help="Service that runs sessions there.")
@click.option("--coordinator", "coordinators", multiple=True, help="Coordinator email. Repeatable.")
@click.option("--parental-consent", is_flag=True, help="Explicit consent needed for under-13s.")
@reports_errors
def add(
    name: str,
    borough: str,
    service_name: str,
    coordinators: tuple[str, ...],
    parental_consent: bool,
) -> None:
    """Add a school NAME in a borough."""
    added = run_with_session(
        load_settings(),
        lambda s: school_service.add_school(
            s,
            actor=None,
            name=name,
            borough=borough,
            service_name=service_name,
            consent_for_under_13=parental_consent,
            coordinator_emails=coordinators,
        ),
    )
    click.echo(f"school {added.name!r} added ({added.borough})")


@schools.command("list")
@reports_errors
def list_schools() -> None:
    """Every school: name, borough, service, coordinators."""
    for row in run_with_session(
        load_settings(), lambda s: school_service.list_schools(s, actor=None)
    ):
        click.echo(f"{row.name}\t{row.borough}\t{row.service}\t{','.join(row.coordinators)}")
