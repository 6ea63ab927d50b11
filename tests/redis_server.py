"""A private redis-server for tests that kill Redis: on a free port, in memory only, killed
and restarted empty by the test (the shared Redis is never touched)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from types import TracebackType

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """`with RedisServer() as redis:` starts it; `kill()` is SIGKILL; `start()` again comes
    back empty on the same port (as a restarted Redis without persistence does)."""

    def __init__(self, *, start: bool = True) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed here")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None
        self._start_now = start

    def __enter__(self) -> RedisServer:
        if self._start_now:
            self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.kill()

    def start(self) -> None:
        assert self._process is None, "already running"
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False
