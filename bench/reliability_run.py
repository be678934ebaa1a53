"""The long reliability sequence of issue 22, in one service's life, and what it left.

    REDMINE_PORT=3122 .venv/bin/python -m bench.reliability_run [--storm 30] [--down 60]

Starts (or reuses) a real Redmine, the fake Slack in this process, a loopback proxy in
front of Redmine (stopped and started again to take Redmine down), and `redmine-slack
serve` as a subprocess (POLL_INTERVAL 2 s, SQLite, LOG_LEVEL DEBUG so slack_sdk's retry
lines show, its log kept). Then, in order: 60 fuzzed `/redmine` commands, the three
once-fatal malformed payloads (tests/support/malformed.py), 20 forged requests (bad
signature, stale timestamp); Redmine down for --down seconds while issues change; a
--storm second storm of HTTP 429 `Retry-After: 5` from chat.postMessage while issues
change; a `kill -9` and a restart while issues change. Prints, per phase, the seconds
until delivery resumed, then how many changes reached the channel zero, one and more
times, the tracebacks in the service's log, and what /readyz said.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import SECRET_KEY, add_slack_users
from tests.integration.test_readyz import redmine_proxy
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import BOT_TOKEN, FakeSlack, ServerThread, free_port, start_fake_slack
from tests.support.malformed import KNOWN_MALFORMED
from tests.support.signing import SIGNING_SECRET, command_body, signed_headers

VENV_BIN = Path(sys.executable).parent
RETRY_AFTER = 5
WORDS = ["show", "note", "log", "search", "create", "mine", "whoami", "help", "", "²", "#1e309"]


def serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(VENV_BIN / "redmine-slack"), "serve"],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
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


def in_channel(fake: FakeSlack, tag: str) -> list[str]:
    return [str(m.get("text")) for m in fake.messages_in("CPUBLIC") if tag in str(m.get("text"))]


def wait_for_text(fake: FakeSlack, text: str, timeout: float = 300) -> float:
    """Seconds until a message holding `text` is in the channel."""
    started = time.monotonic()
    while not any(text in t for t in in_channel(fake, text)):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"{text!r} not delivered within {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started


def readyz(url: str) -> str:
    try:
        answer = httpx.get(f"{url}/readyz", timeout=5)
    except httpx.HTTPError as error:
        return f"no answer ({type(error).__name__})"
    body: dict[str, Any] = answer.json()
    return f"{answer.status_code} notifier={body.get('notifier')} redmine={body.get('redmine')}"


def hostile(http: httpx.Client, url: str, fake: FakeSlack) -> int:
    """Fuzzed commands, the once-fatal payloads and forged requests; how many were sent."""
    chooser = random.Random(22)
    sent = 0
    for n in range(60):
        text = " ".join(chooser.choice(WORDS) for _ in range(chooser.randint(1, 3)))
        body = command_body(text, response_url=fake.response_url("run"), trigger_id=f"T.run.{n}")
        http.post(f"{url}/slack/events", content=body, headers=signed_headers(body))
        sent += 1
    for make in KNOWN_MALFORMED.values():
        payload = make()
        payload["response_url"] = fake.response_url("run")
        body = urlencode({"payload": json.dumps(payload)})
        http.post(f"{url}/slack/events", content=body, headers=signed_headers(body))
        sent += 1
    for n in range(20):
        body = command_body("whoami", trigger_id=f"T.forged.{n}")
        headers = signed_headers(body, secret="not-the-secret")
        if n % 2:
            headers = signed_headers(body, timestamp=int(time.time()) - 3600)
        http.post(f"{url}/slack/events", content=body, headers=headers)
        sent += 1
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storm", type=float, default=30.0)
    parser.add_argument("--down", type=float, default=60.0)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3198")
    redmine_url, key = start_redmine()
    data = seed(redmine_url, key)
    fake, fake_server = start_fake_slack()
    add_slack_users(fake)
    proxy_port = free_port()
    proxy = ServerThread(redmine_proxy(redmine_url), proxy_port, lifespan="off").start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    tag = f"run{uuid.uuid4().hex[:6]}"
    changes: list[str] = []
    rows: list[tuple[str, str]] = []

    def change(label: str) -> str:
        subject = f"{tag} {label} {len(changes):03d}"
        rm.create_issue(data, as_login="bob", subject=subject)
        changes.append(subject)
        return subject

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "service.log"
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"{fake.base_url}api/",
            "REDMINE_URL": f"http://127.0.0.1:{proxy_port}",
            "REDMINE_API_KEY": key,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/run.sqlite3",
            "SECRET_KEY": SECRET_KEY,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "POLL_INTERVAL": "2",
            "LOG_LEVEL": "DEBUG",
            "PERSONAL_NOTIFICATIONS": "false",
        }
        service = serve(env, log)
        try:
            wait_until_up(url)
            with httpx.Client(timeout=30) as http:
                body = command_body("subscribe alpha", response_url=fake.response_url("sub"))
                http.post(f"{url}/slack/events", content=body, headers=signed_headers(body))
                fake.wait_for("response_url", lambda c: c.args.get("key") == "sub", timeout=30)
                time.sleep(3)  # the first cycle sets the cursor
                rows.append(
                    ("payloads sent (fuzzed, once-fatal, forged)", str(hostile(http, url, fake)))
                )
                rows.append(
                    (
                        "delivery after the payloads (s)",
                        f"{wait_for_text(fake, change('after payloads')):.1f}",
                    )
                )

                proxy.stop()  # Redmine down
                down_at = time.monotonic()
                while time.monotonic() - down_at < args.down:
                    change("while Redmine down")
                    time.sleep(args.down / 6)
                rows.append(("/readyz with Redmine down", readyz(url)))
                proxy = ServerThread(redmine_proxy(redmine_url), proxy_port, lifespan="off").start()
                rows.append(
                    (
                        "delivery after Redmine came back (s)",
                        f"{wait_for_text(fake, changes[-1]):.1f}",
                    )
                )

                fake.fail(
                    "chat.postMessage",
                    "ratelimited",
                    status=429,
                    retry_after=RETRY_AFTER,
                    times=10**6,
                )
                storm_at = time.monotonic()
                while time.monotonic() - storm_at < args.storm:
                    change("in the storm")
                    time.sleep(args.storm / 6)
                rows.append(("/readyz in the storm", readyz(url)))
                before = len(in_channel(fake, tag))
                fake.failures.pop("chat.postMessage", None)  # the storm ends
                ended = time.monotonic()
                while len(in_channel(fake, tag)) == before:
                    time.sleep(0.05)
                first = time.monotonic() - ended
                label = f"first post after the storm ends (s; Retry-After {RETRY_AFTER})"
                rows.append((label, f"{first:.1f}"))
                stormed = [s for s in changes if "in the storm" in s]
                for subject in stormed:
                    wait_for_text(fake, subject)
                label = f"all {len(stormed)} changes of the storm in the channel (s)"
                rows.append((label, f"{time.monotonic() - ended:.1f}"))

                killed = change("before the kill")
                service.send_signal(signal.SIGKILL)
                service.wait()
                service = serve(env, log)
                wait_until_up(url)
                after_kill = change("after the kill")
                rows.append(
                    (
                        "delivery after kill -9 and restart (s)",
                        f"{wait_for_text(fake, after_kill):.1f}",
                    )
                )
                wait_for_text(fake, killed)
                time.sleep(6)  # a few more cycles: a repeat would show now
                rows.append(("/readyz at the end", readyz(url)))
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=30)
            proxy.stop()
            fake_server.stop()
        text = log.read_text(errors="replace")
        if os.environ.get("RUN_LOG"):
            Path(os.environ["RUN_LOG"]).write_text(text)
    counts = Counter(next((s for s in changes if s in t), "?") for t in in_channel(fake, tag))
    per_change = Counter(counts.get(s, 0) for s in changes)
    rows.append(("changes made", str(len(changes))))
    rows.append(("  never in the channel", str(per_change.get(0, 0))))
    rows.append(("  in the channel once", str(per_change.get(1, 0))))
    rows.append(("  more than once", str(sum(v for k, v in per_change.items() if k > 1))))
    rows.append(("tracebacks in the service's log", str(text.count("Traceback"))))
    rows.append(
        (
            "cycles cancelled by the watchdog (log lines)",
            str(text.count("without moving past its bound")),
        )
    )
    lookups = len(fake.of("conversations.history")) + len(fake.of("conversations.replies"))
    rows.append(("history look-ups", str(lookups)))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
