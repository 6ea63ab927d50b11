"""arq worker settings built from Settings; lists every domain's jobs and nothing else."""

from __future__ import annotations

import asyncio
from typing import Any

from arq import cron

from feedback.auth.jobs import purge_expired_sign_ins
from feedback.crypto.master import load_master_keys
from feedback.db.engine import create_engine
from feedback.errors import SettingsInvalid
from feedback.links.jobs import purge_wrong_guesses
from feedback.logs import configure_logging
from feedback.outcomes.jobs import expire_pairing_codes
from feedback.queue import ArqQueue, job_context, redis_settings
from feedback.reports.jobs import refresh_report_releases
from feedback.responses.jobs import sweep_withdrawals, withdraw_response
from feedback.settings import Settings
from feedback.sms.jobs import delete_expired_conversations, send_invitation
from feedback.themes.danger import load_danger_check
from feedback.themes.jobs import sweep_untagged, tag_response
from feedback.worker_process import ResilientWorker, run_until_stopped

FUNCTIONS: list[Any] = [withdraw_response, sweep_withdrawals, tag_response, sweep_untagged]
FUNCTIONS.append(send_invitation)
FUNCTIONS.append(refresh_report_releases)
FUNCTIONS.append(expire_pairing_codes)


def cron_jobs() -> list[Any]:
    """Fresh CronJob objects per worker: arq keeps each job's next run time on the object."""
    return [
        cron(purge_expired_sign_ins, minute=set(range(0, 60, 10)), run_at_startup=True),
        cron(purge_wrong_guesses, minute=set(range(3, 60, 10)), run_at_startup=True),
        cron(delete_expired_conversations, minute=set(range(5, 60, 10)), run_at_startup=True),
        cron(sweep_withdrawals, minute=set(range(2, 60, 10)), run_at_startup=True),
        cron(sweep_untagged, minute=set(range(1, 60, 5)), run_at_startup=True),
        cron(refresh_report_releases, second=30, run_at_startup=True),  # every minute
        # Daily, under the default job timeout like every cron here (arq applies the largest
        # function timeout to every in-progress key).
        cron(expire_pairing_codes, hour=3, minute=17, run_at_startup=True),
    ]


def build_worker(settings: Settings, **overrides: Any) -> ResilientWorker:
    """A worker on the configured Redis with every job registered (tests pass burst=True);
    it waits out Redis outages and stops cleanly on SIGTERM (worker_process.py)."""
    if settings.redis_url is None:
        raise SettingsInvalid(
            "FEEDBACK_REDIS_URL: must be set to run a worker; without it `feedback serve` "
            "runs jobs in-process"
        )
    load_danger_check()  # a missing or corrupt tagger model stops start-up, not a job

    async def startup(ctx: dict[str, Any]) -> None:
        ctx.update(job_context(settings, create_engine(settings), load_master_keys(settings)))
        ctx["queue"] = ArqQueue(settings, pool=ctx["redis"])

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["engine"].dispose()

    options: dict[str, Any] = {
        "functions": FUNCTIONS,
        "cron_jobs": cron_jobs(),
        "redis_settings": redis_settings(settings),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "handle_signals": True,
        "job_timeout": settings.job_timeout_seconds,
        "log_results": False,  # a job's return value may describe a response
    }
    options.update(overrides)
    return ResilientWorker(**options)


def run_worker(settings: Settings) -> None:
    configure_logging(settings)
    asyncio.run(_run(settings))


async def _run(settings: Settings) -> None:
    await run_until_stopped(build_worker(settings))  # built here: arq binds the running loop
