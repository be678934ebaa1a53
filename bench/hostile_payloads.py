"""Hostile input against the running service: the figures of issue 14, part A.

    .venv/bin/python -m bench.hostile_payloads [--payloads 120]

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine, the fake
Slack and the service in this process, then sends:
- malformed payloads, signed: every payload type with a field deleted or given a wrong
  value (a fixed pseudo-random choice, seed 14), as someone with no Redmine account;
- unsigned odd bodies (`payload=[]`, `payload=null`, `payload=7`, a JSON list, 100,000-deep
  nesting) and a signed one whose timestamp is `abc`;
- one unsigned 1 MB body, counting the bytes it writes to the log (INFO, the default);
- the same signed `/redmine create` three times, counting the issues it makes;
- the three Slack-shaped payloads that once ended in a traceback (tests/support/malformed.py),
  unchanged, counting tracebacks.
Prints one table. Run it on a checkout of the code before a change to compare.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.app import create_app
from handlers import register_all
from tests.fixtures import load
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import ServerThread, start_fake_slack
from tests.support.jsonpaths import json_paths
from tests.support.malformed import KNOWN_MALFORMED
from tests.support.signing import command_body, signed_headers

NOBODY = "USTRANGER"
HOSTILE: list[Any] = [None, 7, 1e300, "²", "1e309", "abc", [], {}, "x" * 100_000, True]
ACK_SECONDS = 3.0


class LogMeter(logging.Handler):
    """Counts what the service logs: bytes as formatted, and tracebacks."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        self.bytes = 0
        self.tracebacks = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "httpx" and "/slack/events" in record.getMessage():
            return  # the bench's own client
        text = self.format(record)
        self.bytes += len(text) + 1
        if record.exc_info or "Traceback" in text:
            self.tracebacks += 1


def bases(response_url: str) -> list[tuple[str, dict[str, Any]]]:
    """One payload of each type, in Slack's shape, as someone Redmine does not know."""
    search_more = load("block_actions__issue_project")
    search_more.pop("view")
    search_more["actions"] = [
        {
            "type": "button",
            "action_id": "search_more",
            "block_id": "more",
            "value": '{"q":"x","o":10}',
        }
    ]
    closed = load("view_submission__message_form")
    closed["type"] = "view_closed"
    link_shared = {
        "type": "event_callback",
        "event_id": "Ev0BENCH",
        "team_id": "T1",
        "event": {
            "type": "link_shared",
            "channel": "CPUBLIC",
            "user": NOBODY,
            "message_ts": "1.2",
            "links": [{"domain": "127.0.0.1", "url": "http://127.0.0.1/issues/1"}],
        },
    }
    found = [
        ("block_actions", load("block_actions__issue_project")),
        ("block_actions:more", search_more),
        ("block_suggestion", load("block_suggestion__issue_project")),
        ("view_submission", load("view_submission__message_form")),
        ("view_closed", closed),
        ("message_action", load("message_action__with_files")),
        ("shortcut", load("shortcut__global")),
        ("event_callback", link_shared),
    ]
    for _, payload in found:
        if isinstance(payload.get("user"), dict):
            payload["user"]["id"] = NOBODY
        payload["response_url"] = response_url
    return found


def malformed(count: int, response_url: str) -> list[tuple[str, str]]:
    """(content type, body) pairs: each a payload with one field deleted or made wrong."""
    chooser = random.Random(14)
    everything = bases(response_url)
    bodies: list[tuple[str, str]] = []
    for index in range(count):
        kind, base = everything[index % len(everything)]
        payload = copy.deepcopy(base)
        path = chooser.choice(sorted(json_paths(payload), key=repr))
        parent: Any = payload
        for step in path[:-1]:
            parent = parent[step]
        if chooser.random() < 0.4:
            del parent[path[-1]]
        else:
            parent[path[-1]] = chooser.choice(HOSTILE)
        if kind == "event_callback":
            payload["event_id"] = f"Ev0BENCH{index}"
            bodies.append(("application/json", json.dumps(payload)))
        else:
            bodies.append(
                ("application/x-www-form-urlencoded", urlencode({"payload": json.dumps(payload)}))
            )
    return bodies


def post(http: httpx.Client, url: str, body: str, headers: dict[str, Any]) -> tuple[int, float]:
    started = time.monotonic()
    try:
        status = http.post(url, content=body.encode(), headers=headers).status_code
    except httpx.TransportError:  # no answer at all (timed out, or the connection dropped)
        status = 0
    return status, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payloads", type=int, default=120)
    args = parser.parse_args()

    data = seed(*start_redmine())
    fake, fake_server = start_fake_slack()
    add_slack_users(fake)
    meter = LogMeter()
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(meter)
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(data, fake, Path(tmp) / "bench.sqlite3")
        server = ServerThread(create_app(settings, register_all)).start()
        url = f"{server.url}/slack/events"
        try:
            with httpx.Client(timeout=10.0) as http:
                rows = run(http, url, fake.response_url("bench"), args.payloads, meter, data)
        finally:
            server.stop()
            fake_server.stop()
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def run(
    http: httpx.Client, url: str, response_url: str, count: int, meter: LogMeter, data: Any
) -> list[tuple[str, str]]:
    sent = five_xx = unacked = 0
    meter.tracebacks = 0
    for content_type, body in malformed(count, response_url):
        status, elapsed = post(http, url, body, signed_headers(body, content_type=content_type))
        sent += 1
        five_xx += status >= 500
        # Bolt answers 404 when no ack came within its three seconds; 0 is no answer at all.
        unacked += status in (0, 404) or elapsed >= ACK_SECONDS
    time.sleep(2.0)  # listeners go on after their ack
    tracebacks = meter.tracebacks

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    unsigned = [
        ("payload=[]", form),
        ("payload=null", form),
        ("payload=7", form),
        ("[1, 2, 3]", {"Content-Type": "application/json"}),
        ("[" * 100_000 + "]" * 100_000, {"Content-Type": "application/json"}),
    ]
    stale = command_body("whoami", response_url=response_url)
    abc = signed_headers(stale) | {"X-Slack-Request-Timestamp": "abc"}
    unauthenticated = [post(http, url, body, headers)[0] for body, headers in unsigned]
    unauthenticated.append(post(http, url, stale, abc)[0])

    time.sleep(0.5)
    before = meter.bytes
    post(http, url, "x" * 1_000_000, form)
    time.sleep(0.5)
    megabyte_log = meter.bytes - before

    subject = f"Replayed {uuid.uuid4().hex[:8]}"
    create = command_body(f"create alpha {subject}", response_url=response_url)
    headers = signed_headers(create)
    for _ in range(3):
        post(http, url, create, headers)
    time.sleep(3.0)
    issues = len(rm.issues_with_subject(data, subject))

    meter.tracebacks = 0
    for make in KNOWN_MALFORMED.values():
        payload = make()
        payload["user"]["id"] = NOBODY
        payload["response_url"] = response_url
        body = urlencode({"payload": json.dumps(payload)})
        post(http, url, body, signed_headers(body, content_type=form["Content-Type"]))
    time.sleep(2.0)
    known_tracebacks = meter.tracebacks

    return [
        ("malformed payloads sent", str(sent)),
        ("  HTTP 5xx", str(five_xx)),
        ("  tracebacks in the log", str(tracebacks)),
        ("  un-acked (no answer in 3 s)", str(unacked)),
        ("unauthenticated requests sent", str(len(unauthenticated))),
        ("  HTTP 5xx", str(sum(s >= 500 for s in unauthenticated))),
        ("log bytes for an unsigned 1 MB body", str(megabyte_log)),
        ("issues from 3 identical signed creates", str(issues)),
        ("once-fatal payloads sent (issue 22)", str(len(KNOWN_MALFORMED))),
        ("  tracebacks in the log", str(known_tracebacks)),
    ]


if __name__ == "__main__":
    main()
