"""Real HTTP for browser tests: `feedback serve` in its own process on a free port, and a
tiny stand-in for the neutral exit sites (the real ones are out of reach offline)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyotp

from feedback import clock

FEEDBACK = str(Path(sys.executable).parent / "feedback")
NEUTRAL_PAGE = b"<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NeutralPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
        self.end_headers()
        self.wfile.write(NEUTRAL_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is for the test."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that leaves mid-response (it often does, on purpose) is no error."""


class ExitSite:
    """Serves the same neutral page at every path, on its own origin."""

    def __init__(self) -> None:
        self.httpd = _QuietServer(("127.0.0.1", free_port()), _NeutralPage)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.urls = (self.origin + "/weather", self.origin + "/search")
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class LiveServer:
    """`feedback serve` with its own FEEDBACK_* environment on a fresh data folder."""

    def __init__(self, data_dir: Path, settings_env: dict[str, str]) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        base = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBACK_")}
        self.env = {
            **base,
            "FEEDBACK_DATA_DIR": str(data_dir),
            "FEEDBACK_PUBLIC_BASE_URL": self.base_url,
            **settings_env,
        }
        self.cwd = data_dir.parent
        self.port = port
        # A file, not a pipe: nobody reads a pipe while tests run, and a full pipe (64 KiB of
        # request log lines) would block the server mid-request.
        self.output_path = self.cwd / f"serve-{port}.log"
        self._launch()

    def _launch(self) -> None:
        self.launched = time.monotonic()
        with self.output_path.open("a") as output:
            self.process = subprocess.Popen(
                [FEEDBACK, "serve", "--port", str(self.port)],
                cwd=self.cwd,
                env=self.env,
                text=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def restart_at(self, moment: datetime) -> None:
        """Stop the server and start it again on the same port and data, its clock (and the
        CLI's) now starting at `moment`: time passes between the two, as it does in a round."""
        self.close()
        self.env["FEEDBACK_CLOCK_START"] = moment.astimezone(UTC).isoformat()
        self._launch()

    def now(self) -> datetime:
        """The server's clock, near enough (its process starts it a moment after launch):
        FEEDBACK_CLOCK_START plus the time since, else this process's clock."""
        start = self.env.get("FEEDBACK_CLOCK_START")
        if not start:
            return clock.now_utc()
        elapsed = timedelta(seconds=time.monotonic() - self.launched)
        return clock.parse_instant(start) + elapsed

    def totp(self, secret: str) -> str:
        """The second-factor code the server accepts now (its clock, not this one)."""
        return pyotp.TOTP(secret).at(self.now())

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `feedback ARGS...` against this server's database and keys."""
        return subprocess.run(
            [FEEDBACK, *args],
            cwd=self.cwd,
            env=self.env,
            input=input,
            text=True,
            capture_output=True,
            timeout=120,
            check=False,
        )

    def close(self) -> str:
        """Stop the server; returns what it printed."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.output_path.read_text()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(self.url("/health"), timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)  # waiting for a process to listen, not for a job
        raise RuntimeError("feedback serve did not start:\n" + self.close())
