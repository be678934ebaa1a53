"""Notification gap after `kill -9` and a restart, and that nothing is lost or repeated.

    REDMINE_PORT=3115 .venv/bin/python -m bench.notify_gap [--issues 40] [--kills 3]

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine, runs the
fake Slack Web API in this process and `redmine-slack serve` as a subprocess (poll
interval 1 s, SQLite). Subscribes a channel, then creates --issues issues in a burst.
Each time a few notifications have been posted, kills the service with SIGKILL in the
middle of its work and starts it again at once. Prints, per kill, the seconds from the
kill to the next notification posted (the restart included), then how many of the
issues were posted zero, one and more times, counted as messages in the channel's
history (a second chat.postMessage Slack refused would not count; one it took would),
and how many history look-ups the restarts made to find posts left pending.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import SECRET_KEY, add_slack_users
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import BOT_TOKEN, FakeSlack, free_port, start_fake_slack
from tests.support.signing import SIGNING_SECRET, command_body, signed_headers

VENV_BIN = Path(sys.executable).parent


def serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(VENV_BIN / "redmine-slack"), "serve"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def posts(fake: FakeSlack, tag: str) -> list[str]:
    return [str(c.args.get("text")) for c in fake.of("chat.postMessage") if tag in str(c.args)]


def in_channel(fake: FakeSlack, tag: str) -> list[str]:
    return [str(m.get("text")) for m in fake.messages_in("CPUBLIC") if tag in str(m.get("text"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3197")
    redmine_url, key = start_redmine()
    data = seed(redmine_url, key)
    fake, fake_server = start_fake_slack()
    add_slack_users(fake)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    tag = f"gap{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"{fake.base_url}api/",
            "REDMINE_URL": redmine_url,
            "REDMINE_API_KEY": key,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/gap.sqlite3",
            "SECRET_KEY": SECRET_KEY,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "POLL_INTERVAL": "1",
            "LOG_LEVEL": "WARNING",
        }
        service = serve(env)
        try:
            wait_until_up(url)
            body = command_body("subscribe alpha", response_url=fake.response_url())
            httpx.post(f"{url}/slack/events", content=body, headers=signed_headers(body))
            fake.wait_for("response_url", timeout=30)
            time.sleep(2)  # the first cycle sets the cursor

            def burst() -> None:
                for n in range(args.issues):
                    rm.create_issue(data, as_login="bob", subject=f"{tag} change {n:03d}")
                    time.sleep(0.1)

            creator = threading.Thread(target=burst)
            creator.start()
            gaps: list[float] = []
            for kill in range(args.kills):
                # Kill once a few more notifications went out, mid-burst.
                target = (kill + 1) * args.issues // (args.kills + 2)
                fake.wait_for(
                    "chat.postMessage", lambda c: tag in str(c.args), count=target, timeout=120
                )
                before = len(posts(fake, tag))
                service.send_signal(signal.SIGKILL)
                service.wait()
                killed_at = time.monotonic()
                service = serve(env)
                fake.wait_for(
                    "chat.postMessage",
                    lambda c: tag in str(c.args),
                    count=before + 1,
                    timeout=120,
                )
                gaps.append(time.monotonic() - killed_at)
                print(f"kill {kill + 1}: after {before} posts; next post {gaps[-1]:.1f} s later")
            creator.join()
            deadline = time.monotonic() + 120
            while len(set(posts(fake, tag))) < args.issues and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(3)  # a few more cycles: anything posted twice would show now
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=30)
            fake_server.stop()
    counts = Counter(
        next((f"{n:03d}" for n in range(args.issues) if f"{tag} change {n:03d}" in text), "?")
        for text in in_channel(fake, tag)
    )
    lookups = len(fake.of("conversations.history")) + len(fake.of("conversations.replies"))
    per_issue = Counter(counts.get(f"{n:03d}", 0) for n in range(args.issues))
    print(
        f"notification gap after kill -9 and restart: max {max(gaps):.1f} s "
        f"(each: {', '.join(f'{g:.1f}' for g in gaps)})"
    )
    print(
        f"{args.issues} issues: {per_issue.get(0, 0)} never posted, {per_issue.get(1, 0)} "
        f"posted once, {sum(v for k, v in per_issue.items() if k > 1)} posted more than once"
    )
    print(f"history look-ups for posts left pending by the kills: {lookups}")


if __name__ == "__main__":
    main()
