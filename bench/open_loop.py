"""Open-loop load, CPU per process and py-spy profiles, shared by the ack benchmarks.

Open loop: request n is sent at `start + n / rate` whether or not earlier ones were
answered, and its latency counts from that planned moment. A closed loop (send, wait,
send) slows down with the server and hides its worst answers (coordinated omission);
Slack does not wait for us before it sends the next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.stats import percentile

VENV_BIN = Path(sys.executable).parent
# A body and its headers, built when the request is sent (the signature holds the time).
Request = Callable[[int], tuple[str, dict[str, str]]]


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    # (n, latency) of each request, in the order they were planned.
    by_request: list[tuple[int, float]] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    # How far behind its plan the latest send went: a loaded client shows here.
    worst_lag: float = 0.0
    # The server's CPU seconds from the first planned send to the last answer.
    cpu: float | None = None
    # Meanwhile, the seconds its main thread (the event loop) was ready to run but
    # waited for a CPU the machine gave to others (/proc/<pid>/schedstat).
    waited: float | None = None

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 0.50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99)


async def open_loop(
    url: str,
    request: Request,
    *,
    rate: float,
    duration: float,
    warm_up: int = 20,
    start_at: float | None = None,
    pid: int | None = None,
) -> Outcome:
    """Send `rate` requests a second for `duration` seconds to `url`, on schedule
    (from `start_at`, a `time.time()`, when given); with `pid`, the CPU time that server
    process spent over the load (warm-up left out)."""
    outcome = Outcome()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def send(n: int, planned: float | None) -> None:
            body, headers = request(n)
            started = time.perf_counter()
            if planned is not None:
                outcome.worst_lag = max(outcome.worst_lag, started - planned)
            async with session.post(url, data=body.encode(), headers=headers) as response:
                await response.read()
            if planned is not None:
                latency = time.perf_counter() - planned
                outcome.latencies.append(latency)
                outcome.by_request.append((n, latency))
                outcome.statuses[response.status] += 1

        # Unmeasured: opens the connections Slack would keep open, warms the caches.
        for n in range(warm_up):
            await send(-1 - n, None)
        total = int(rate * duration)
        wait = 0.1 if start_at is None else max(0.0, start_at - time.time())
        start = time.perf_counter() + wait
        await asyncio.sleep(wait)
        cpu_before = cpu_seconds(pid) if pid is not None else 0.0
        waited_before = run_delay(pid) if pid is not None else 0.0
        tasks = []
        for n in range(total):
            planned = start + n / rate
            await asyncio.sleep(max(0.0, planned - time.perf_counter()))
            tasks.append(asyncio.create_task(send(n, planned)))
        await asyncio.gather(*tasks)
        if pid is not None:
            outcome.cpu = cpu_seconds(pid) - cpu_before
            outcome.waited = run_delay(pid) - waited_before
    return outcome


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    request: Request
    pid: int | None  # the server's process, for its CPU time


def in_turn(targets: list[Target], *, rate: float, duration: float) -> list[Outcome]:
    """Each target's open loop, one after the other, in this one run.

    Tried: both at the same moments, each from its own client process. On this shared
    2-core machine the two clients then fell seconds behind their plan (one alone: under
    100 ms), so each target is loaded alone, right after the other.
    """
    return [
        asyncio.run(
            open_loop(target.url, target.request, rate=rate, duration=duration, pid=target.pid)
        )
        for target in targets
    ]


def report(name: str, outcome: Outcome) -> None:
    ms = [value * 1000 for value in outcome.latencies]
    line = (
        f"{name:<16} n={len(ms):5d}  p50 {outcome.p50 * 1000:6.1f} ms  "
        f"p99 {outcome.p99 * 1000:6.1f} ms  max {max(ms):6.1f} ms  "
        f"mean {statistics.mean(ms):6.1f} ms"
    )
    if outcome.cpu is not None:
        line += f"  CPU {outcome.cpu * 1000 / len(ms):5.2f} ms/request"
    if outcome.waited is not None:
        line += f"  waited for a CPU {outcome.waited * 1000:.0f} ms"
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(outcome.statuses.items()))
    print(f"{line}  [{statuses}; client lag {outcome.worst_lag * 1000:.0f} ms]")
    worst = sorted(outcome.by_request, key=lambda pair: -pair[1])[:5]
    print("  slowest: " + ", ".join(f"#{n} {latency * 1000:.0f} ms" for n, latency in worst))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name the fields start at 3 (state): utime is 14, stime 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_delay(pid: int) -> float:
    """Seconds the process's main thread has waited, runnable, for a CPU."""
    fields = Path(f"/proc/{pid}/schedstat").read_text().split()
    return int(fields[1]) / 1e9


def start(
    args: list[str], env: dict[str, str] | None = None, *, nice: int = 0
) -> subprocess.Popen[bytes]:
    """`nice` > 0 starts it in the background's share of the CPU (the harness's helpers)."""
    return subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        preexec_fn=functools.partial(os.nice, nice) if nice else None,
    )


def listening_pids(port: int) -> list[int]:
    """The processes listening on 127.0.0.1:`port` (from /proc: no ss or lsof needed)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                pids.append(int(entry.name))
    return pids


def into_background(pid: int, nice: int) -> None:
    """Lower every thread of `pid` to `nice` (Linux keeps a nice value per thread)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, int(task.name), nice)


class Profiled:
    """`redmine-slack web` run under py-spy, sampling without pausing it.

    py-spy here cannot attach to a running process (it finds no Python in it), but it
    can start one: so the service is started by it, and stopped with SIGINT to py-spy,
    which then writes its samples and ends the service. `native` adds C frames, but
    py-spy must then stop the process for every sample, which slows it many times over
    (the acks measured with it say more about py-spy than about the service).
    """

    def __init__(self, output: Path, env: dict[str, str], *, native: bool = False) -> None:
        self.output = output
        how = ["--native"] if native else ["--nonblocking"]
        self.process = start(
            [
                str(VENV_BIN / "py-spy"),
                "record",
                *how,
                "--rate",
                "100",
                "--format",
                "raw",
                "--output",
                str(output),
                "--",
                str(VENV_BIN / "redmine-slack"),
                "web",
            ],
            env,
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)


LINE_NUMBER = re.compile(r":\d+\)$")
# Frames only start-up runs: imports, the app's factory and its lifespan (which also shuts down).
START_UP = (
    "<frozen importlib._bootstrap>",
    "create_app (bot/app.py)",
    "create_app.<locals>.lifespan (bot/app.py)",  # start-up and shut-down
)


def top_entries(
    raw: Path, only: Callable[[str], bool], *, within: str = "", count: int = 12
) -> list[str]:
    """The functions most samples were in (inclusive), and where samples ended (self).

    With `within`, only the samples whose stack holds a frame containing it count.
    Start-up (imports, the app's construction) is left out: the samples cover the
    process's whole life, and what it did before it served is not what the load costs.
    """
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = start_up = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        n = int(samples)
        frames = [LINE_NUMBER.sub(")", frame) for frame in stack.split(";")]
        if any(marker in frame for frame in frames for marker in START_UP):
            start_up += n
            continue
        total += n
        if within and not any(within in frame for frame in frames):
            continue
        own[frames[-1]] += n
        for frame in set(frames):
            if only(frame):
                inclusive[frame] += n
    lines = [
        f"{total} samples ({start_up} of start-up left out); inclusive (share of samples "
        "with the function on the stack):"
    ]
    total = total or 1
    lines += [f"  {n * 100 / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(count)]
    lines.append("self (where the samples were):")
    lines += [f"  {n * 100 / total:5.1f}%  {frame}" for frame, n in own.most_common(count)]
    return lines


def ours_or_libraries(frame: str) -> bool:
    """Frames worth naming: the app's and its libraries', not asyncio's loop plumbing."""
    return any(
        part in frame
        for part in ("bot/", "handlers/", "slack_bolt/", "slack_sdk/", "sqlalchemy/", "starlette/")
    )


# The ack's path: the route's handler and everything it awaits until the answer.
ACK_PATH = "handle (bot/slack/door/route.py)"
# The event loop's thread: whatever runs there (the work after acks too) delays acks.
LOOP = "main (bot/cli.py)"


def print_profile(output: Path) -> None:
    keep = os.environ.get("BENCH_PROFILE_RAW")
    if keep:  # py-spy's raw samples, for a closer look than the top entries
        Path(keep).write_bytes(output.read_bytes())
    print(f"py-spy, the ack's path (samples under {ACK_PATH}):")
    print("\n".join(top_entries(output, ours_or_libraries, within=ACK_PATH)))
    print(f"py-spy, the event loop's thread, whatever it ran (samples under {LOOP}):")
    print("\n".join(top_entries(output, ours_or_libraries, within=LOOP)))
