"""Slack reply -> Redmine note: how long from the reply's event to the note in Redmine.

    REDMINE_PORT=3145 .venv/bin/python -m bench.reply_to_note [--rounds 30]

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine, the fake
Slack Web API and the app in this process, each on loopback. Subscribes a channel to
`alpha` with `replies:on`, has the app post an issue's card (its thread), then, per
round, sends a signed `message` event replying in that thread (shape after
slackapi/java-slack-sdk json-logs/samples/events/MessagePayload.json) and times until
the ✅ reaction reaches Slack: the app adds it once Redmine has the note (written, and its
journal read back for the echo link). Prints p50/p95 of that, of the ack, and of
Redmine's own time for one note (`PUT /issues/:id.json` as the same user) to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.stats import percentile
from bot.app import create_app
from bot.cli import webhook_jobs
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import FakeSlack, ServerThread, start_fake_slack
from tests.support.signing import command_body, signed_headers

SECRET = "bench-webhook-secret"


def wait_reaction(fake: FakeSlack, ts: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not any(c.args.get("timestamp") == ts for c in fake.of("reactions.add")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no reaction on {ts}: the reply never became a note")
        time.sleep(0.002)


def thread_ts(db_path: Path, issue_id: int) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sqlite3.connect(db_path) as db:
            row = db.execute(
                "SELECT thread_ts FROM issue_threads WHERE issue_id = ?", (issue_id,)
            ).fetchone()
        if row:
            return str(row[0])
        time.sleep(0.05)
    raise RuntimeError("the issue's card was never posted")


def reply_body(thread: str, ts: str, text: str) -> str:
    event = {
        "type": "message",
        "channel": "CPUBLIC",
        "user": "UBOB",
        "text": text,
        "ts": ts,
        "thread_ts": thread,
        "event_ts": ts,
        "channel_type": "channel",
    }
    return json.dumps(
        {
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:12].upper(),
            "event_time": int(time.time()),
            "event": event,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3197")
    redmine_url, key = start_redmine()
    data = seed(redmine_url, key)
    fake, fake_server = start_fake_slack()
    add_slack_users(fake)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        settings = settings_for(data, fake, db_path, redmine_webhook_secret=SECRET)
        app = ServerThread(create_app(settings, register_all, background=webhook_jobs)).start()
        try:
            with httpx.Client(timeout=30) as http:
                body = command_body("subscribe alpha replies:on", response_url=fake.response_url())
                http.post(f"{app.url}/slack/events", content=body, headers=signed_headers(body))
                fake.wait_for("response_url", timeout=30)
                issue = rm.create_issue(data, as_login="alice", subject="bench replies")
                http.post(
                    f"{app.url}/webhooks/redmine?token={SECRET}",
                    json={"payload": {"issue": {"id": issue["id"]}}},
                ).raise_for_status()
                thread = thread_ts(db_path, issue["id"])
                to_note: list[float] = []
                acks: list[float] = []
                redmine_own: list[float] = []
                for n in range(args.rounds + 1):  # the first round warms caches
                    ts = f"{1800000000 + n}.000100"
                    body = reply_body(thread, ts, f"bench reply {n} *done*")
                    headers = signed_headers(body, content_type="application/json")
                    started = time.perf_counter()
                    http.post(f"{app.url}/slack/events", content=body, headers=headers)
                    acked = time.perf_counter() - started
                    wait_reaction(fake, ts)
                    took = time.perf_counter() - started
                    started = time.perf_counter()
                    with rm.admin(data) as admin:
                        admin.put(
                            f"/issues/{issue['id']}.json",
                            json={"issue": {"notes": f"direct {n}"}},
                            headers={"X-Redmine-Switch-User": "bob"},
                        ).raise_for_status()
                    own = time.perf_counter() - started
                    if n:
                        to_note.append(took)
                        acks.append(acked)
                        redmine_own.append(own)
        finally:
            app.stop()
            fake_server.stop()
    for name, values in (
        ("Slack reply -> Redmine note (✅ in Slack)", to_note),
        ("ack of the event", acks),
        ("Redmine's own PUT of a note", redmine_own),
    ):
        print(
            f"{name}: p50 {percentile(values, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(values, 0.95) * 1000:.0f} ms ({len(values)} rounds)"
        )


if __name__ == "__main__":
    main()
