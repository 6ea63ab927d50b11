"""Submission throughput: the real POST /s/answers next to a minimal floor, same run.

    .venv/bin/python bench/submit.py [--rounds 3] [--links 2000] [--floor-requests 8000]
        [--connections 64] [--seconds 20] [--profile out.txt]
        [--admin-url postgresql://postgres@127.0.0.1/test] [--redis-url redis://127.0.0.1:6379/13]

Creates a throw-away PostgreSQL database `feedback_bench_<random>` (dropped at the end), runs
the real migrations, publishes surveys/service-satisfaction.yaml, adds a service, makes this
period's sealing keys and `rounds x links` single-use links. Each link is then walked the
way a browser walks it (GET /s/{token}, GET /s, POST /s/consent, GET /s/questions), so each
timed request carries its own entry cookie, CSRF cookie and token, and form nonce; only
POST /s/answers is timed.

Two uvicorn servers run in subprocesses on free loopback ports, one worker each, access log
off: the real app (create_app, jobs to Redis as in production) and the floor (a Litestar app
that decodes the JSON answers with msgspec, seals them with AES-GCM and does one asyncpg
INSERT). wrk (`apt-get install wrk`) drives both, rounds alternating, each round a bounded
number of requests with a time cap. Figures are medians over the rounds. Afterwards the
database is checked: one response per burned link, counters equal to responses.

--profile FILE runs one more real round with cProfile on in the server (bench/submit_profile.py)
and writes the costliest functions to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

import asyncpg
import httpx
from redis import Redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_profile import PROFILE_ENV, profile_round  # noqa: E402
from submit_servers import (  # noqa: E402 - a sibling module, found through sys.path
    ANSWERS,
    FLOOR_TABLE,
    serve,
)

LUA = Path(__file__).resolve().parent / "submit_load.lua"
TARGET = 0.5
ENTRY_COOKIE = "feedback-entry"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def prepare(admin_url: str, database: str, links: int, env: dict[str, str]) -> list[str]:
    """The benchmark database: schema, survey, service, keys, the floor's table, and `links`
    single-use links, whose tokens are returned (create_links shows them once)."""
    from feedback.crypto.service import rotate_keys
    from feedback.db.engine import create_engine, session_factory
    from feedback.db.migrate import upgrade
    from feedback.links.service import create_links
    from feedback.organisations.service import add_service
    from feedback.settings import Settings
    from feedback.surveys.service import publish_surveys

    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{database}"')
    await admin.close()
    settings = Settings.from_env(env)
    await asyncio.to_thread(upgrade, settings)
    engine = create_engine(settings)
    async with session_factory(engine)() as session:
        await publish_surveys(session, [ROOT / "surveys" / "service-satisfaction.yaml"])
        await add_service(session, "Advocacy Service", boroughs=["westminster"])
        await rotate_keys(session, settings=settings)
    await engine.dispose()
    connection = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    await connection.execute(f"CREATE TABLE {FLOOR_TABLE} (id uuid PRIMARY KEY, sealed bytea)")
    await connection.close()
    issued: list[str] = []
    engine = create_engine(settings)
    async with session_factory(engine)() as session:
        for start in range(0, links, 10_000):
            batch = await create_links(
                session,
                survey_slug="service-satisfaction",
                service_name="Advocacy Service",
                count=min(10_000, links - start),
                base_url="http://127.0.0.1",
            )
            issued += [link.url.rsplit("/", 1)[1] for link in batch.links]
    await engine.dispose()
    return issued


def _cookies(response: httpx.Response, jar: dict[str, str]) -> None:
    for header in response.headers.get_list("set-cookie"):
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip().strip('"')


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    if not found:
        raise SystemExit(f"warm-up: the page has no {name} field (status page changed?)")
    return found.group(1)


async def browser_walk(client: httpx.AsyncClient, token: str) -> str:
    """One link walked like a browser: the request line the timed POST will send."""
    jar: dict[str, str] = {}

    def header() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}

    _cookies(await client.get(f"/s/{token}", headers=header()), jar)
    consent = await client.get("/s", headers=header())
    _cookies(consent, jar)
    agreed = await client.post(
        "/s/consent",
        headers=header() | {"Content-Type": "application/x-www-form-urlencoded"},
        content=urlencode({"_csrf_token": _field(consent.text, "_csrf_token"), "choice": "agree"}),
    )
    _cookies(agreed, jar)
    page = await client.get("/s/questions", headers=header())
    _cookies(page, jar)
    if page.status_code != 200:
        raise SystemExit(f"warm-up: GET /s/questions answered {page.status_code}")
    body = urlencode(
        {
            "_csrf_token": _field(page.text, "_csrf_token"),
            "form_nonce": _field(page.text, "form_nonce"),
            "entry": _field(page.text, "entry"),
            **ANSWERS,
        }
    )
    return f"{header()['Cookie']}\t{body}"


async def walk_all(base_url: str, tokens: list[str]) -> list[str]:
    blocked = httpx.Cookies()  # each walk keeps its own cookies, as separate browsers would
    blocked.jar.set_policy(DefaultCookiePolicy(blocked_domains=[], allowed_domains=[]))
    limit = asyncio.Semaphore(32)
    async with httpx.AsyncClient(base_url=base_url, cookies=blocked, timeout=60) as client:

        async def one(token: str) -> str:
            async with limit:
                return await browser_walk(client, token)

        return list(await asyncio.gather(*(one(token) for token in tokens)))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the server process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float:
    """User + system CPU time of every PostgreSQL process on this machine so far: it
    competes with the server for the same cores, so it is printed beside the server's."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, fields = text.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            parts = fields.split()
            total += (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_wrk(
    port: int, options: argparse.Namespace, env: dict[str, str], pid: int
) -> dict[str, float]:
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
    ]
    run_env = os.environ | env | {"BENCH_THREADS": str(options.threads)}
    cpu_before, database_before = cpu_seconds(pid), database_cpu_seconds()
    output = subprocess.run(command, env=run_env, capture_output=True, text=True, check=True)
    cpu = cpu_seconds(pid) - cpu_before
    database_cpu = database_cpu_seconds() - database_before
    line = [x for x in output.stdout.splitlines() if x.startswith("{")][-1]
    figures = json.loads(line)
    figures["rate"] = figures["ok"] / (figures["elapsed_us"] / 1e6)
    figures["cpu_ms"] = 1000 * cpu / max(1, figures["answered"])
    figures["db_cpu_ms"] = 1000 * database_cpu / max(1, figures["answered"])
    return figures


def start_server(kind: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port)],
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def summary(name: str, rounds: list[dict[str, float]]) -> dict[str, float]:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    figures = {key: median(key) for key in ("rate", "p50_us", "p95_us", "cpu_ms", "db_cpu_ms")}
    each = ", ".join(f"{r['rate']:.0f}" for r in rounds)
    print(
        f"{name:6s} {figures['rate']:8.0f} req/s (rounds: {each})   "
        f"p50 {figures['p50_us'] / 1000:6.1f} ms   p95 {figures['p95_us'] / 1000:6.1f} ms   "
        f"CPU/request: server {figures['cpu_ms']:4.2f} ms, "
        f"PostgreSQL {figures['db_cpu_ms']:4.2f} ms"
    )
    return figures


async def check(database_url: str) -> None:
    """Guarantees under load: one response per burned link, counters exact."""
    connection = await asyncpg.connect(database_url)
    responses = await connection.fetchval("SELECT count(*) FROM responses")
    burned = await connection.fetchval("SELECT count(*) FROM links WHERE used")
    sums = await connection.fetch(
        "SELECT question_id, sum(count) AS n FROM answer_counts GROUP BY question_id"
    )
    await connection.close()
    counters = {row["question_id"]: row["n"] for row in sums}
    fine = burned == responses and all(n == responses for n in counters.values())
    print(
        f"check: {responses} responses, {burned} links burned, counter sums {counters} "
        f"-> {'OK' if fine else 'MISMATCH'}"
    )


def main() -> None:  # noqa: C901 - the benchmark's script, top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", choices=("real", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--links", type=int, default=2000, help="real requests per round")
    parser.add_argument("--floor-requests", type=int, default=8000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20, help="time cap per round")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, options.port)
        return
    asyncio.run(bench(options))


async def bench(options: argparse.Namespace) -> None:  # noqa: C901 - the run, top to bottom
    database = f"feedback_bench_{secrets.token_hex(4)}"
    database_url = options.admin_url.rsplit("/", 1)[0] + f"/{database}"
    env = {
        "FEEDBACK_DATABASE_URL": database_url.replace("postgresql://", "postgresql+asyncpg://"),
        "FEEDBACK_MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FEEDBACK_REDIS_URL": options.redis_url,
        "FEEDBACK_PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    redis = Redis.from_url(options.redis_url)
    if redis.dbsize():
        raise SystemExit(f"{options.redis_url} is not empty: pick an unused Redis database")
    rounds = options.rounds + 1 + (1 if options.profile else 0)  # + a warm-up round
    servers: list[subprocess.Popen[bytes]] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    try:
        print(f"preparing {database}: {rounds} x {options.links} links ...", flush=True)
        issued = await prepare(options.admin_url, database, rounds * options.links, env)
        ports = {"real": free_port(), "floor": free_port()}
        stats_path = workdir / "server.prof"
        if options.profile:
            env[PROFILE_ENV] = str(stats_path)
        servers += [start_server(kind, port, env) for kind, port in ports.items()]
        wait_ready(ports["real"], "/health")
        wait_ready(ports["floor"], "/ping")
        started = time.perf_counter()
        lines = await walk_all(f"http://127.0.0.1:{ports['real']}", issued)
        print(f"walked {len(lines)} links like a browser in {time.perf_counter() - started:.0f} s")
        files = []
        for number in range(rounds):
            path = workdir / f"round-{number}.txt"
            chunk = lines[number * options.links : (number + 1) * options.links]
            path.write_text("\n".join(chunk) + "\n")
            files.append(path)
        real_env = {
            "BENCH_PATH": "/s/answers",
            "BENCH_CTYPE": "application/x-www-form-urlencoded",
        }
        floor_env = {
            "BENCH_PATH": "/floor",
            "BENCH_CTYPE": "application/json",
            "BENCH_BODY": json.dumps({"answers": ANSWERS, "language": "en"}),
            "BENCH_COUNT": str(options.floor_requests),
        }
        real, floor = [], []
        for number in range(options.rounds + 1):
            f = run_wrk(ports["floor"], options, floor_env, servers[1].pid)
            r = run_wrk(
                ports["real"],
                options,
                real_env | {"BENCH_FILE": str(files[number])},
                servers[0].pid,
            )
            for name, got in (("floor", f), ("real", r)):
                if got["status_errors"] or got["socket_errors"] or not got["bounded"]:
                    print(f"  note: {name} round {number}: {got}")
            if number:  # round 0 warms both servers up and is not counted
                floor.append(f)
                real.append(r)
        print(f"\n{options.connections} connections, {options.threads} wrk threads, medians:")
        floor_figures = summary("floor", floor)
        real_figures = summary("real", real)
        ratio = real_figures["rate"] / floor_figures["rate"]
        verdict = "met" if ratio >= TARGET else "NOT met"
        print(f"ratio real/floor {ratio:.2f}   target >= {TARGET:.2f}: {verdict}")
        await check(database_url)
        if options.profile:
            profile_round(
                servers[0].pid,
                stats_path,
                options.profile,
                lambda: run_wrk(
                    ports["real"],
                    options,
                    real_env | {"BENCH_FILE": str(files[-1])},
                    servers[0].pid,
                ),
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        redis.flushdb()
        shutil.rmtree(workdir, ignore_errors=True)
        admin = await asyncpg.connect(options.admin_url)
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    main()
