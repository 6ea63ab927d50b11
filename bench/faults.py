"""Fault injection: the production shape under an operator's faults, and what survived.

    .venv/bin/python bench/faults.py [--submissions 1500] [--respondents 32]
        [--withdrawals 50] [--settle-minutes 5] [--admin-url postgresql://postgres@127.0.0.1/test]

Everything is its own: a PostgreSQL database `feedback_faults_<random>` (dropped at the end),
a redis-server on a free port (memory only), one `feedback serve` and two `feedback worker`
processes. `--respondents` browsers each walk single-use links the way a person does (link,
consent, questions, answers with free text) and, whatever went wrong (a refused connection,
a 5xx, the "not stored" page), send the same form again until it is answered. Withdrawals
by receipt code are asked for along the way. Meanwhile, by the share of submissions done:

- 20%: a worker is SIGKILLed while a job is in progress, and started again (a supervisor);
- 45%: Redis is SIGKILLed and, 5 s later, started again empty (no persistence);
- 70%: the web process is restarted (SIGTERM, then started again on the same port).

Then it waits up to `--settle-minutes` for every response to be tagged and every withdrawal
done, stops the processes and prints a table: submitted, receipts, stored, lost (a receipt
whose response is gone without a withdrawal), duplicates (stored beyond one per receipt),
5xx for stored answers (a 500 page, or no receipt, for an answer that was stored), deadlocks
(pg_stat_database for its database), workers alive after the Redis restart, untagged after
the wait, withdrawals done, counter mismatches (answer counters, report cells, emerging
phrases and danger flags recomputed from the responses that are left) and log lines that
hold a traceback, an answer or a receipt code. Exits 1 if any of those that must be zero is
not (the workers' survival of the Redis outage is `feedback worker`'s own, worker_process.py).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit import free_port, prepare  # noqa: E402 - a sibling module, found through sys.path

FEEDBACK = str(Path(sys.executable).parent / "feedback")
SENTENCES = (
    "My advocate phoned me every week and listened",
    "The waiting list was far too long",
    "The reception desk staff were kind to my children",
    "Nobody explained the court process to me",
    "I felt safe at the refuge",
    "The housing officer never called back",
    "Having an interpreter made a real difference",
    "The parking meter outside the office was broken",
)
RECEIPT = re.compile(r'class="receipt">([^<]+)<')
NOT_STORED = "Your answers were not stored"
GIVE_UP_SECONDS = 120.0  # a respondent keeps sending the same form for this long


def answers_for(number: int) -> dict[str, str]:
    """Valid answers that vary: counter rows shared in every combination, and free text."""
    form = {
        "q_felt_believed": str(1 + number % 5),
        "q_not_blamed": str(1 + number % 3),
        "q_had_to_repeat_story": "yes" if number % 3 == 0 else "no",
        "q_what_helped_most": f"{SENTENCES[number % 8]}. {SENTENCES[(number * 5 + 3) % 8]}.",
    }
    if number % 3 == 0:
        form["q_times_told_story"] = str(1 + number % 6)
    if number % 4 == 0:
        form["q_age_band"] = "prefer_not_to_say"
    return form


def receipt_digest(code: str) -> str:
    """intake.receipt_digest, the way the database keeps a code."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


# ---------------------------------------------------------------- processes


class Redis:
    """A redis-server of our own: SIGKILL, then back empty on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
            ).stdout.strip()
            != b"PONG"
        ):
            if time.monotonic() > deadline:
                raise SystemExit(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def in_progress(self) -> bool:
        """Some job is being run by a worker right now."""
        found = subprocess.run(
            ["redis-cli", "-p", str(self.port), "--scan", "--pattern", "arq:in-progress:*"],
            capture_output=True,
            check=False,
        )
        return bool(found.stdout.strip())


@dataclass
class Processes:
    env: dict[str, str]
    logs: Path
    web_port: int
    web: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.logs / f"{self.started:02d}-{args[0]}.log").open("wb")
        return subprocess.Popen(
            [FEEDBACK, *args], env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def start_web(self) -> None:
        self.web = self._spawn("serve", "--port", str(self.web_port))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.web_port}/health", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("feedback serve did not start")

    def restart_web(self) -> None:
        assert self.web is not None
        self.web.send_signal(signal.SIGTERM)
        self.web.wait(timeout=60)
        self.start_web()

    def start_worker(self) -> None:
        self.workers.append(self._spawn("worker"))

    def workers_alive(self) -> int:
        return sum(worker.poll() is None for worker in self.workers)

    def stop(self) -> list[int | None]:
        """SIGTERM everything; the workers' exit statuses."""
        running = [p for p in [self.web, *self.workers] if p is not None and p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return [worker.returncode for worker in self.workers]


# ---------------------------------------------------------------- respondents


@dataclass
class Form:
    number: int
    token: str
    receipt: str | None = None
    errors_500: int = 0
    not_stored_pages: int = 0
    turned_away: bool = False


def _field(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else None


async def _patiently(send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """One request, sent again on a refused connection or a 502/503/504 (a restarting
    web process), as a person would press again after a moment."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while True:
        try:
            response = await send()
            if response.status_code not in (502, 503, 504) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.5)


async def _question_page(client: httpx.AsyncClient, token: str) -> str:
    await _patiently(lambda: client.get(f"/s/{token}"))
    consent = await _patiently(lambda: client.get("/s"))
    csrf = _field(consent.text, "_csrf_token") or ""
    page = await _patiently(
        lambda: client.post("/s/consent", data={"_csrf_token": csrf, "choice": "agree"})
    )
    return page.text


async def answer(base_url: str, form: Form) -> None:
    """Walk the link and send the answers until the page says what happened to them."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30, follow_redirects=True) as client:
        page = await _question_page(client, form.token)
        sent = {
            "_csrf_token": _field(page, "_csrf_token") or "",
            "form_nonce": _field(page, "form_nonce") or "",
            "entry": _field(page, "entry") or "",
            **answers_for(form.number),
        }
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while time.monotonic() < deadline:
            try:
                reply = await client.post("/s/answers", data=sent)
            except httpx.TransportError:
                await asyncio.sleep(0.5)
                continue
            found = RECEIPT.search(reply.text)
            if reply.status_code == 200 and found:
                form.receipt = found.group(1).strip()
                return
            if reply.status_code == 503 and NOT_STORED in reply.text:
                form.not_stored_pages += 1  # the page asks to send again: same form
            elif reply.status_code >= 500:
                form.errors_500 += 1
            else:
                form.turned_away = True  # the link page: used by another form, or gone
                return
            await asyncio.sleep(0.5)


async def withdraw(base_url: str, code: str) -> bool:
    async with httpx.AsyncClient(base_url=base_url, timeout=30, follow_redirects=True) as client:
        page = await _patiently(lambda: client.get("/withdraw"))
        csrf = _field(page.text, "_csrf_token") or ""
        asked = await _patiently(
            lambda: client.post("/withdraw", data={"_csrf_token": csrf, "code": code})
        )
        return asked.status_code == 200


# ---------------------------------------------------------------- the run


@dataclass
class Run:
    forms: list[Form]
    withdrawn: list[str] = field(default_factory=list)
    done: int = 0
    workers_after_redis: int = 0
    faults: list[str] = field(default_factory=list)


async def respondents(base_url: str, run: Run, concurrency: int) -> None:
    queue: asyncio.Queue[Form] = asyncio.Queue()
    for form in run.forms:
        queue.put_nowait(form)

    async def respondent() -> None:
        while not queue.empty():
            form = queue.get_nowait()
            await answer(base_url, form)
            run.done += 1

    await asyncio.gather(*(respondent() for _ in range(concurrency)))


async def withdrawals(base_url: str, run: Run, count: int) -> None:
    """Ask for `count` withdrawals spread over the run, each of a receipt already shown."""
    every = max(1, len(run.forms) // (count + 1))
    chooser = random.Random(7)
    asked: set[str] = set()
    while len(run.withdrawn) < count:
        await asyncio.sleep(0.2)
        if run.done < every * (len(run.withdrawn) + 1) and run.done < len(run.forms):
            continue
        codes = [f.receipt for f in run.forms if f.receipt and f.receipt not in asked]
        if not codes:
            if run.done >= len(run.forms):
                return
            continue
        code = chooser.choice(codes)
        asked.add(code)
        if await withdraw(base_url, code):
            run.withdrawn.append(code)


async def faults(processes: Processes, redis: Redis, run: Run) -> None:
    total = len(run.forms)

    async def at(share: float) -> None:
        while True:
            if run.done >= share * total:
                return
            await asyncio.sleep(0.1)

    await at(0.20)
    for _poll in range(100):  # mid-job: while a job is in progress
        if redis.in_progress():
            break
        await asyncio.sleep(0.05)
    victim = processes.workers.pop(0)
    victim.kill()
    victim.wait()
    processes.start_worker()
    run.faults.append(f"worker SIGKILLed mid-job at {run.done} submissions, started again")
    await at(0.45)
    redis.kill()
    await asyncio.sleep(5)
    redis.start()
    run.faults.append(f"Redis SIGKILLed at {run.done}, back empty 5 s later")
    await at(0.70)
    await asyncio.to_thread(processes.restart_web)
    run.faults.append(f"web process restarted at {run.done}")
    run.workers_after_redis = processes.workers_alive()


async def settle(database_url: str, withdrawn: list[str], minutes: float) -> tuple[int, float]:
    """Wait for tagging and withdrawals to finish; (untagged left, minutes waited)."""
    started = time.monotonic()
    digests = [receipt_digest(code) for code in withdrawn]
    connection = await asyncpg.connect(database_url)
    try:
        while True:
            untagged = await connection.fetchval(
                "SELECT count(*) FROM responses r LEFT JOIN response_tagging t "
                "ON t.response_id = r.id WHERE t.response_id IS NULL"
            )
            waiting = await connection.fetchval(
                "SELECT count(*) FROM responses WHERE receipt_digest = ANY($1::varchar[])",
                digests,
            )
            waited = (time.monotonic() - started) / 60
            if (untagged == 0 and waiting == 0) or waited >= minutes:
                return int(untagged), waited
            await asyncio.sleep(5)
    finally:
        await connection.close()


# ---------------------------------------------------------------- the checks


async def recount(env: dict[str, str]) -> int:
    """Counter cells that differ from a recount of the responses that are left: answer
    counters and report cells, and for tagged responses emerging phrases and danger flags."""
    import msgspec
    from sqlalchemy import select

    from feedback.crypto.master import load_master_keys
    from feedback.crypto.opening import load_opening_key, open_sealed
    from feedback.crypto.sealing import response_associated_data
    from feedback.db.engine import create_engine, session_factory
    from feedback.responses.answers import counted_options
    from feedback.responses.models import AnswerCount, Response
    from feedback.settings import Settings
    from feedback.surveys.definition import PublishedSurvey
    from feedback.surveys.models import SurveyVersion
    from feedback.themes.models import DangerFlagCount, EmergingPhraseCount, ResponseTagging
    from feedback.themes.opening import free_text_answers
    from feedback.themes.pipeline import tag_text
    from feedback.themes.tagging import PHRASE_LIMIT, UNREADABLE, phrase_key

    settings = Settings.from_env(env)
    master_keys = load_master_keys(settings)
    engine = create_engine(settings)
    counters: Counter[tuple[Any, ...]] = Counter()
    cells: Counter[tuple[Any, ...]] = Counter()
    phrases: Counter[tuple[Any, ...]] = Counter()
    danger: Counter[tuple[Any, ...]] = Counter()
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(
                Response.__table__,
                SurveyVersion.survey_id,
                SurveyVersion.definition,
                ResponseTagging.review_reason,
                ResponseTagging.response_id.label("tagged"),
            )
            .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
            .outerjoin(ResponseTagging, ResponseTagging.response_id == Response.id)
        )
        keys: dict[int, Any] = {}
        for row in rows:
            if row.key_period_id not in keys:
                keys[row.key_period_id] = await load_opening_key(
                    session, row.key_period_id, master_keys=master_keys
                )
            plain = open_sealed(
                keys[row.key_period_id],
                row.sealed,
                response_associated_data(row.id, row.survey_version_id),
            )
            answers = msgspec.json.decode(plain)["answers"]
            definition = msgspec.json.decode(row.definition, type=PublishedSurvey).definition
            month = row.submitted_on.strftime("%Y-%m")
            cell = (row.survey_version_id, row.service_id, row.borough, month, row.channel)
            cells[cell] += 1
            for question, option in counted_options(definition, answers):
                counters[(*cell, question, option)] += 1
            if row.tagged is None or row.review_reason == UNREADABLE:
                continue
            tagged = [tag_text(t) for t in free_text_answers(row.definition, answers).values()]
            used = {p[:PHRASE_LIMIT] for text in tagged for p in text.emerging_phrases}
            for phrase in used:
                phrases[(row.survey_id, month, phrase_key(master_keys, phrase))] += 1
            if any(text.immediate_danger for text in tagged):
                danger[(row.survey_version_id, month)] += 1
        kept_counters = Counter(
            {
                (r.survey_version_id, r.service_id, r.borough, r.month, r.channel, r.question_id)
                + (r.option,): r.count
                for r in await session.scalars(select(AnswerCount))
            }
        )
        kept_phrases = Counter(
            {
                (r.survey_id, r.month, r.phrase_key): r.responses
                for r in await session.scalars(select(EmergingPhraseCount))
            }
        )
        kept_danger = Counter(
            {
                (r.survey_version_id, r.month): r.count
                for r in await session.scalars(select(DangerFlagCount))
            }
        )
    await engine.dispose()
    connection = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    kept_cells = Counter(
        {
            (r[0], r[1], r[2], r[3], r[4]): r[5]
            for r in await connection.fetch(
                "SELECT survey_version_id, service_id, borough, month, channel, responses "
                "FROM report_cells WHERE responses <> 0"
            )
        }
    )
    await connection.close()
    return sum(
        _differing(expected, kept)
        for expected, kept in (
            (counters, kept_counters),
            (cells, kept_cells),
            (phrases, kept_phrases),
            (danger, kept_danger),
        )
    )


def _differing(expected: Counter[Any], kept: Counter[Any]) -> int:
    return sum(expected[key] != kept[key] for key in set(expected) | set(kept))


def dirty_log_lines(logs: Path, forms: list[Form]) -> tuple[int, int]:
    """(lines in a traceback, lines holding a receipt code or a free-text answer)."""
    secrets_seen = {f.receipt for f in forms if f.receipt} | set(SENTENCES)
    tracebacks = leaks = 0
    for path in logs.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            tracebacks += line.startswith("Traceback")
            leaks += any(secret in line for secret in secrets_seen)
    return tracebacks, leaks


async def deadlocks(admin_url: str, database: str) -> int:
    connection = await asyncpg.connect(admin_url)
    try:
        found = await connection.fetchval(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = $1", database
        )
    finally:
        await connection.close()
    return int(found or 0)


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1500)
    parser.add_argument("--respondents", type=int, default=32)
    parser.add_argument("--withdrawals", type=int, default=50)
    parser.add_argument("--settle-minutes", type=float, default=5.0)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1/test")
    options = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("bench/faults.py needs redis-server (apt-get install redis-server)")
    sys.exit(asyncio.run(bench(options)))


async def bench(options: argparse.Namespace) -> int:
    database = f"feedback_faults_{secrets.token_hex(4)}"
    database_url = options.admin_url.rsplit("/", 1)[0] + f"/{database}"
    scratch = Path(tempfile.mkdtemp(prefix="feedback-faults-"))
    redis = Redis(scratch)
    redis.start()
    web_port = free_port()
    env = {
        "FEEDBACK_DATABASE_URL": database_url.replace("postgresql://", "postgresql+asyncpg://"),
        "FEEDBACK_MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FEEDBACK_REDIS_URL": redis.url,
        "FEEDBACK_DATA_DIR": str(scratch),
        "FEEDBACK_PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
    }
    processes = Processes(env=env, logs=scratch, web_port=web_port)
    try:
        tokens = await prepare(options.admin_url, database, options.submissions, env)
        run = Run(forms=[Form(number=n, token=t) for n, t in enumerate(tokens)])
        processes.start_web()
        processes.start_worker()
        processes.start_worker()
        base_url = f"http://127.0.0.1:{web_port}"
        started = time.monotonic()
        await asyncio.gather(
            respondents(base_url, run, options.respondents),
            withdrawals(base_url, run, options.withdrawals),
            faults(processes, redis, run),
        )
        submitting = time.monotonic() - started
        untagged, waited = await settle(database_url, run.withdrawn, options.settle_minutes)
        alive = processes.workers_alive()
        statuses = processes.stop()
        table = await outcome(options, database, database_url, env, run, processes)
        table["workers alive"] = (
            f"{alive}/2 (after the Redis restart: "
            f"{run.workers_after_redis}/2; exit on SIGTERM: {statuses})"
        )
        table["untagged after wait"] = f"{untagged} (waited {waited:.1f} min)"
        for fault in run.faults:
            print(f"fault: {fault}")
        print(f"submitting took {submitting:.0f} s; logs in {scratch}")
        return report(table, alive=alive, untagged=untagged)
    finally:
        processes.stop()
        redis.kill()
        admin = await asyncpg.connect(options.admin_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


async def outcome(
    options: argparse.Namespace,
    database: str,
    database_url: str,
    env: dict[str, str],
    run: Run,
    processes: Processes,
) -> dict[str, Any]:
    connection = await asyncpg.connect(database_url)
    kept = {
        r["receipt_digest"] for r in await connection.fetch("SELECT receipt_digest FROM responses")
    }
    await connection.close()
    receipted = {receipt_digest(f.receipt): f for f in run.forms if f.receipt}
    withdrawn = {receipt_digest(code) for code in run.withdrawn}
    done = withdrawn - kept
    stored = len(kept) + len(done)
    tracebacks, leaks = dirty_log_lines(processes.logs, run.forms)
    return {
        "submitted": len(run.forms),
        "receipts": len(receipted),
        "stored": stored,
        "lost": len(set(receipted) - kept - done),
        "duplicates": max(0, stored - len(receipted)),
        "5xx for stored answers": len(kept - set(receipted))
        + sum(1 for d, f in receipted.items() if f.errors_500 and (d in kept or d in done)),
        "'not stored' pages, sent again": sum(f.not_stored_pages for f in run.forms),
        "turned away": sum(f.turned_away for f in run.forms),
        "deadlocks": await deadlocks(options.admin_url, database),
        "withdrawals done": f"{len(done)}/{len(run.withdrawn)}",
        "counter mismatches": await recount(env),
        "log lines: tracebacks, answers or codes": f"{tracebacks}, {leaks}",
    }


MUST_BE_ZERO = ("lost", "duplicates", "5xx for stored answers", "deadlocks", "counter mismatches")


def report(table: dict[str, Any], *, alive: int, untagged: int) -> int:
    width = max(len(name) for name in table)
    for name, value in table.items():
        print(f"{name:<{width}}  {value}")
    done, asked = (int(n) for n in str(table["withdrawals done"]).split("/"))
    tracebacks, leaks = (
        int(n) for n in str(table["log lines: tracebacks, answers or codes"]).split(",")
    )
    failed = [name for name in MUST_BE_ZERO if table[name]]
    failed += ["workers alive"] * (alive < 2) + ["untagged"] * (untagged > 0)
    failed += ["withdrawals"] * (done < asked) + ["logs"] * (tracebacks + leaks > 0)
    print("result:", "OK" if not failed else "FAILED: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    main()
