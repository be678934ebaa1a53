"""Redmine webhook -> Slack message: how long from Redmine 7's signed POST to the post.

    REDMINE_PORT=3145 .venv/bin/python -m bench.webhook_to_slack [--rounds 30]

Starts (or reuses, via REDMINE_TEST_URL/REDMINE_TEST_API_KEY) a real Redmine, the fake
Slack Web API and the app (as `redmine-slack web`: webhook nudges consumed at once, no
poll schedule) in this process, each on loopback. Subscribes a channel to `alpha`; then,
per round, creates an issue in Redmine (not timed) and sends the signed Redmine 7 body
`issue.created` for it (shape after redmine/redmine app/models/webhook_payload.rb,
signature after app/models/webhook.rb), timing until the issue's card reaches Slack. Rounds are over a second apart, since
delivery paces posts to one channel a second apart (the figure without that spacing is
the pacing: about 0.9 s).
Prints p50/p95 of that, and of Redmine's own `GET /issues/:id.json?include=journals`
(the one read the app makes per nudge) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.stats import percentile
from bot.app import create_app
from bot.cli import webhook_jobs
from bot.notify.webhook import signature_for
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import add_slack_users, settings_for
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import FakeSlack, ServerThread, start_fake_slack
from tests.support.signing import command_body, signed_headers

SECRET = "bench-webhook-secret"


def wait_post(fake: FakeSlack, title: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not any(title in str(c.args.get("text")) for c in fake.of("chat.postMessage")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{title!r} never reached Slack")
        time.sleep(0.002)


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
        settings = settings_for(
            data, fake, Path(tmp) / "bench.sqlite3", redmine_webhook_secret=SECRET
        )
        app = ServerThread(create_app(settings, register_all, background=webhook_jobs)).start()
        try:
            body = command_body("subscribe alpha", response_url=fake.response_url())
            httpx.post(f"{app.url}/slack/events", content=body, headers=signed_headers(body))
            fake.wait_for("response_url", timeout=30)
            to_slack: list[float] = []
            redmine_read: list[float] = []
            with httpx.Client(timeout=30) as http:
                for n in range(args.rounds + 1):  # the first round warms caches
                    # Delivery posts to one channel about a second apart (Slack allows
                    # chat.postMessage about once per second per channel): rounds closer
                    # than that would time the pacing, not the path.
                    time.sleep(1.05)
                    title = f"bench {uuid.uuid4().hex[:8]} {n}"
                    issue = rm.create_issue(data, as_login="bob", subject=title)
                    started = time.perf_counter()
                    rm.get(data, f"/issues/{issue['id']}.json", include="journals")
                    read = time.perf_counter() - started
                    hook = json.dumps(
                        {
                            "type": "issue.created",
                            "timestamp": issue["created_on"],
                            "data": {"issue": issue},
                        }
                    ).encode()
                    started = time.perf_counter()
                    answer = http.post(
                        f"{app.url}/webhooks/redmine",
                        content=hook,
                        headers={
                            "Content-Type": "application/json",
                            "X-Redmine-Signature-256": signature_for(SECRET.encode(), hook),
                        },
                    )
                    answer.raise_for_status()
                    wait_post(fake, title)
                    if n:
                        to_slack.append(time.perf_counter() - started)
                        redmine_read.append(read)
        finally:
            app.stop()
            fake_server.stop()
    for name, values in (("webhook -> Slack message", to_slack), ("Redmine read", redmine_read)):
        print(
            f"{name}: p50 {percentile(values, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(values, 0.95) * 1000:.0f} ms ({len(values)} rounds)"
        )


if __name__ == "__main__":
    main()
