"""Card click -> card redrawn: a person changes an issue's status from its card.

    .venv/bin/python -m bench.card_click [--clicks 30]

Starts an isolated local Redmine (REDMINE_PORT, default 3195) answering at its own
speed, the whole service on a loopback port and the local fake Slack. Bob shows an
issue (`/redmine show`), then `--clicks` times opens the card's status select (its
options read as him, not timed) and picks a status other than the current one: a
signed `block_actions` through /slack/events, timed until the redrawn card reaches the
action's response_url (replace_original). Each click reads the issue as Bob, checks the
card is current, writes the status and reads the issue back: 3 Redmine requests.

Then `--edits` times Bob clicks the card's Edit button (timed until the form replaces
the loading view: the issue with his allowed statuses, the priorities and the project's
assignable members, read as him) and saves it with another priority (timed until the
redrawn card reaches the response_url).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.stats import percentile
from tests.integration.slack_harness import (
    RunningService,
    add_slack_users,
    response_text,
    run_service,
    settings_for,
)
from tests.redmine_server import seed, start_redmine
from tests.support.fakeslack import start_fake_slack
from tests.support.signing import interaction_body

USER = "UBOB"
OPEN_STATUSES = {"New", "In Progress", "Feedback"}


def card_actions(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in blocks if b.get("block_id", "").startswith("card."))
    return found


def status_options(
    service: RunningService, actions: dict[str, Any], typed: str
) -> list[dict[str, Any]]:
    body = interaction_body(
        {
            "type": "block_suggestion",
            "user": {"id": USER, "username": "bob", "name": "bob", "team_id": "T1"},
            "container": {"type": "message", "message_ts": "1.1", "channel_id": "CPUBLIC"},
            "channel": {"id": "CPUBLIC", "name": "general"},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "token": "legacy-unused",
            "action_id": "issue_status",
            "block_id": actions["block_id"],
            # What was typed so far; it makes each request's bytes differ, as a person's do
            # (the service refuses a signed body it has already seen).
            "value": typed,
        }
    )
    answer = service.post(body)
    assert answer.status_code == 200, (answer.status_code, answer.text)
    options: list[dict[str, Any]] = answer.json()["options"]
    return options


def click(service: RunningService, action: dict[str, Any], key: str) -> None:
    """Bob's `action` on his ephemeral card: a signed block_actions with a fresh trigger."""
    trigger = f"T.card.{uuid.uuid4().hex[:8]}"
    service.fake.issue_trigger(trigger)
    payload = {
        "type": "block_actions",
        "user": {"id": USER, "username": "bob", "name": "bob", "team_id": "T1"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "trigger_id": trigger,
        "container": {
            "type": "message",
            "message_ts": "1.1",
            "channel_id": "CPUBLIC",
            "is_ephemeral": True,
        },
        "channel": {"id": "CPUBLIC"},
        "response_url": service.fake.response_url(key),
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    assert service.post(interaction_body(payload)).status_code == 200


def click_status(
    service: RunningService, actions: dict[str, Any], status_id: str, key: str
) -> None:
    chosen = {"text": {"type": "plain_text", "text": "s"}, "value": status_id}
    action = {
        "type": "external_select",
        "action_id": "issue_status",
        "block_id": actions["block_id"],
        "selected_option": chosen,
    }
    click(service, action, key)


def click_edit(service: RunningService, actions: dict[str, Any], key: str) -> None:
    ref = actions["block_id"]
    click(
        service, {"type": "button", "action_id": "issue_edit", "block_id": ref, "value": ref}, key
    )


def form_shown(service: RunningService, count: int) -> str:
    while True:
        forms = [
            c
            for c in service.fake.of("views.update")
            if c.args["view"].get("callback_id") == "issue_edit_modal"
        ]
        if len(forms) >= count:
            return str(forms[count - 1].args["view_id"])
        time.sleep(0.002)


def save_edit(service: RunningService, view_id: str, priority_id: int) -> None:
    chosen = {"text": {"type": "plain_text", "text": "p"}, "value": str(priority_id)}
    service.fake.enter(
        view_id, "edit_priority", {"type": "static_select", "selected_option": chosen}
    )
    assert service.submit(view_id, user=USER).status_code == 200


def redrawn(service: RunningService, key: str) -> dict[str, Any]:
    while True:
        for call in service.fake.of("response_url"):
            if call.args.get("key") == key and call.args.get("replace_original"):
                return call.args
        time.sleep(0.002)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3195")
    url, key = start_redmine()
    data = seed(url, key)
    fake, server = start_fake_slack()
    add_slack_users(fake)
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            contextlib.contextmanager(run_service)(
                settings_for(data, fake, Path(tmp) / "bench.sqlite3"), fake, data
            ) as service,
        ):
            with httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}) as admin:
                issue = admin.post(
                    "/issues.json",
                    json={
                        "issue": {"project_id": data.projects["alpha"], "subject": "click bench"}
                    },
                ).json()["issue"]
            service.command(f"show {issue['id']}", user=USER)
            card = service.wait_response(lambda a: f"#{issue['id']}" in response_text(a))
            actions = card_actions(card["blocks"])
            timings: list[float] = []
            for n in range(args.clicks):
                # Open statuses only: from Closed a Developer may go nowhere.
                options = [
                    o
                    for o in status_options(service, actions, typed=str(n))
                    if o["text"]["text"] in OPEN_STATUSES
                ]
                key_n = f"click{n}-{uuid.uuid4().hex[:6]}"
                started = time.perf_counter()
                click_status(service, actions, options[n % len(options)]["value"], key_n)
                answer = redrawn(service, key_n)
                timings.append((time.perf_counter() - started) * 1000)
                actions = card_actions(answer["blocks"])
            print(
                f"card click -> card redrawn, {args.clicks} status changes as Bob: "
                f"p50 {statistics.median(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms, "
                f"max {max(timings):.0f} ms (3 Redmine requests each: read as him, write, read back)"
            )
            opened, saved = [], []
            priorities = list(data.priorities.values())
            for n in range(args.edits):
                key_n = f"edit{n}-{uuid.uuid4().hex[:6]}"
                started = time.perf_counter()
                click_edit(service, actions, key_n)
                view_id = form_shown(service, n + 1)
                opened.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                save_edit(service, view_id, priorities[n % len(priorities)])
                answer = redrawn(service, key_n)
                saved.append((time.perf_counter() - started) * 1000)
                actions = card_actions(answer["blocks"])
            for label, values in (
                ("Edit click -> form shown", opened),
                ("Save -> card redrawn", saved),
            ):
                print(
                    f"{label}, {args.edits} edits as Bob: p50 {statistics.median(values):.0f} ms, "
                    f"p95 {percentile(values, 0.95):.0f} ms, max {max(values):.0f} ms"
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
