"""One more real round with cProfile switched on inside the server process (SIGUSR1 starts
it, SIGUSR2 stops it and writes the stats): deterministic, so SQLAlchemy's greenlets do not
scatter the stacks the way a sampling profiler's are. Costs are inflated by the profiler;
read them as proportions."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROFILE_ENV = "BENCH_PROFILE"


def install_profiler() -> None:
    """In the server process: let the benchmark switch a profiler on and off by signal."""
    path = os.environ.get(PROFILE_ENV)
    if not path:
        return
    # CPU time of this process, not wall time: on a shared machine a preempted call would
    # otherwise be charged for the time other processes ran.
    profiler = cProfile.Profile(time.process_time)

    def start(*_: Any) -> None:
        profiler.enable()

    def stop(*_: Any) -> None:
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def profile_round(pid: int, stats_path: Path, out: Path, load: Callable[[], Any]) -> None:
    os.kill(pid, signal.SIGUSR1)
    try:
        load()
    finally:
        os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + 30
    while not stats_path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    text = io.StringIO()
    shutil.copyfile(stats_path, out.with_suffix(".prof"))  # for pstats / snakeviz afterwards
    stats = pstats.Stats(str(stats_path), stream=text)
    stats.sort_stats("cumulative").print_stats(80)
    stats.sort_stats("tottime").print_stats(50)
    out.write_text(text.getvalue())
    print(f"profile of one real round: {out} (raw stats: {out.with_suffix('.prof')})")
