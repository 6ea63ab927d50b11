"""`feedback serve` as an operator runs it: a real process on a fresh, empty data folder."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

FEEDBACK = str(Path(sys.executable).parent / "feedback")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBACK_")}
    return {**env, "FEEDBACK_DATA_DIR": str(data_dir), **extra}


class Server:
    def __init__(self, process: subprocess.Popen[str], base_url: str) -> None:
        self.process = process
        self.base_url = base_url

    def output(self) -> str:
        self.process.terminate()
        out, _ = self.process.communicate(timeout=10)
        return out


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.base_url + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # waiting for a process to listen, not for a job
    server.process.kill()
    pytest.fail("feedback serve did not start: " + (server.process.communicate()[0] or ""))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    process = subprocess.Popen(
        [FEEDBACK, "serve", "--port", str(port)],
        cwd=tmp_path,
        text=True,
        env=_clean_environment(tmp_path / "var"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    _wait_until_healthy(server)
    yield server
    if process.poll() is None:
        process.kill()
        process.communicate()


def test_fresh_start_answers_health_ready_and_openapi(server: Server) -> None:
    assert httpx.get(server.base_url + "/health").json() == {"status": "ok"}
    assert httpx.get(server.base_url + "/ready").json()["database"] == "ok"
    assert httpx.get(server.base_url + "/schema/openapi.json").status_code == 200


def test_fresh_start_creates_owner_only_key_and_sqlite_database(
    server: Server, tmp_path: Path
) -> None:
    key = tmp_path / "var" / "master.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "var" / "feedback.db").exists()


def test_fresh_start_says_how_to_create_the_first_lead(server: Server) -> None:
    """The hint's address is where this server listens (--port), and its command runs."""
    out = server.output()
    assert f"sign in at {server.base_url}/staff/sign-in" in out
    command = re.search(r"^\s+(\S+) users create --role lead --email YOUR@EMAIL$", out, re.M)
    assert command is not None, out
    assert os.access(command.group(1), os.X_OK)
    assert "FEEDBACK_PUBLIC_BASE_URL" not in out  # the embedded default follows --port


def test_a_public_address_elsewhere_is_said_once_at_start_up(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [FEEDBACK, "serve", "--port", str(port)],
        cwd=tmp_path,
        text=True,
        env=_clean_environment(
            tmp_path / "var", FEEDBACK_PUBLIC_BASE_URL="https://feedback.example.org"
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    _wait_until_healthy(server)
    out = server.output()
    assert out.count("point at https://feedback.example.org (FEEDBACK_PUBLIC_BASE_URL)") == 1
    assert "sign in at https://feedback.example.org/staff/sign-in" in out


def test_without_a_terminal_users_create_says_what_works(tmp_path: Path) -> None:
    created = subprocess.run(
        [FEEDBACK, "users", "create", "--role", "lead", "--email", "lead@example.org"],
        stdin=subprocess.DEVNULL,
        text=True,
        env=_clean_environment(tmp_path / "var"),
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert created.returncode == 1
    assert "no terminal to ask for a password" in created.stderr
    assert "--password-stdin" in created.stderr and "--invite" in created.stderr
    assert "Aborted" not in created.stderr + created.stdout


def test_the_first_lead_created_by_cli_can_sign_in(server: Server, tmp_path: Path) -> None:
    env = _clean_environment(tmp_path / "var")
    created = subprocess.run(
        [
            FEEDBACK,
            "users",
            "create",
            "--role",
            "lead",
            "--email",
            "lead@example.org",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
        text=True,
        env=env,
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    with httpx.Client(base_url=server.base_url) as browser:
        page = browser.get("/staff/sign-in")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        response = browser.post(
            "/staff/sign-in",
            data={
                "_csrf_token": token.group(1),
                "email": "lead@example.org",
                "password": "a long enough passphrase",
            },
        )
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/staff/two-factor/setup"


def test_a_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [FEEDBACK, "serve"],
        env=_clean_environment(tmp_path / "var", FEEDBACK_SUPPRESSION_THRESHOLD="1"),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: FEEDBACK_SUPPRESSION_THRESHOLD: must be between 3 and 100 (got '1')"
    ]
    assert not (tmp_path / "var").exists()
