"""Run the real service against the real Redmine and the fake Slack, over real HTTP."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import create_app
from bot.config import Settings
from handlers import register_all
from tests.fixtures import load
from tests.redmine_server import Seed
from tests.support.fakeslack import BOT_TOKEN, FakeSlack, ServerThread, manifest_functions
from tests.support.signing import SIGNING_SECRET, command_body, interaction_body, signed_headers

SECRET_KEY = "test-secret-key-for-encrypting-personal-api-keys"

# Slack users the tests act as; their emails match the seeded Redmine users.
SLACK_USERS = {
    "UALICE": "alice@example.com",
    "UBOB": "bob@example.com",
    "UCAROL": "carol@example.com",  # locked in Redmine
    "UDAVE": "dave@example.com",  # active, in no project
    "UERIN": "erin@example.com",
    "USTRANGER": "stranger@example.com",  # no Redmine account
}


def add_slack_users(fake: FakeSlack) -> None:
    for user_id, email in SLACK_USERS.items():
        fake.add_user(user_id, email, name=email.split("@")[0].title())
    fake.add_user("UNOEMAIL", None, name="No Email")
    fake.add_channel("CPUBLIC")
    fake.add_channel("CPRIVATE", private=True)


def settings_for(seed: Seed, fake: FakeSlack, db_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.base_url + "api/",
        "redmine_url": seed.url,
        "redmine_api_key": seed.admin_key,
        "database_url": f"sqlite+aiosqlite:///{db_path}",
        "secret_key": SECRET_KEY,
        "poll_interval": 3600,
        # Personal DMs would add posts to every poller test; the tests about them
        # (tests/integration/notify/test_personal.py) turn them on.
        "personal_notifications": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class RunningService:
    url: str
    fake: FakeSlack
    seed: Seed
    http: httpx.Client
    sent: int = 0
    last_answer: dict[str, Any] | None = None

    def post(self, body: str, *, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(
            f"{self.url}/slack/events",
            content=body.encode(),
            headers=headers or signed_headers(body),
        )

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> httpx.Response:
        """An Events API callback as Slack sends it, JSON and signed: the envelope of
        api.slack.com/apis/events-api and slackapi/java-slack-sdk json-logs/samples/events;
        `retry` adds Slack's redelivery headers (X-Slack-Retry-Num / X-Slack-Retry-Reason)."""
        body = json.dumps(
            {
                "token": "legacy-unused",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "team_id": "T1",
                        "user_id": "UBOT",
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                "is_ext_shared_channel": False,
                "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
                "event": event,
            }
        )
        headers = signed_headers(body, content_type="application/json")
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(body, headers=headers)

    def command(
        self,
        text: str,
        *,
        user: str = "UALICE",
        channel: str = "CPUBLIC",
        trigger_id: str | None = None,
    ) -> httpx.Response:
        # Slack gives every command its own trigger_id, so no two commands are the same
        # bytes; the service refuses a repeated (timestamp, signature) as a replay.
        self.sent += 1
        trigger_id = trigger_id or f"T.trigger.{self.sent}"
        self.fake.issue_trigger(trigger_id)  # Slack issues it as it sends the command
        body = command_body(
            text,
            user_id=user,
            channel_id=channel,
            response_url=self.fake.response_url(channel=channel),
            trigger_id=trigger_id,
        )
        return self.post(body)

    def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        """Send an interaction payload as Slack would: options requests without state."""
        if payload.get("trigger_id"):
            self.fake.issue_trigger(str(payload["trigger_id"]))
        if payload.get("type") == "block_suggestion" and self.fake.options_without_state:
            payload = {**payload, "view": {**payload.get("view", {}), "state": {"values": {}}}}
        return self.post(interaction_body(payload))

    def choose(
        self, view_id: str, block_id: str, value: str, label: str, *, user: str
    ) -> httpx.Response:
        """The person picks an option in a select with `dispatch_action`: Slack records the
        choice in the view's state and sends block_actions with the whole view (shape as
        in java-slack-sdk json-logs/samples/api/block_actions... see
        tests/fixtures/block_actions__issue_project.json)."""
        # The app redraws a form after its ack, and the fake records a views.update call a
        # moment before it stores the view: wait for the block rather than race it.
        deadline = time.monotonic() + 15
        while True:
            view = self.fake.views[view_id]
            block = next((b for b in view["blocks"] if b.get("block_id") == block_id), None)
            if block is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert block is not None, f"no block {block_id} in view {view_id}"
        element = block["element"]
        chosen = {"text": {"type": "plain_text", "text": label}, "value": value}
        self.fake.enter(view_id, block_id, {"type": element["type"], "selected_option": chosen})
        payload: dict[str, Any] = load("block_actions__issue_project")
        payload["user"] = {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": "T1",
        }
        payload["container"]["view_id"] = view_id
        payload["view"] = {**payload["view"], **self.fake.view_payload(view_id), "hash": "h1"}
        payload["actions"] = [
            {
                "type": element["type"],
                "action_id": element["action_id"],
                "block_id": block_id,
                "selected_option": chosen,
                "action_ts": "1700000800.000100",
            }
        ]
        return self.interaction(payload)

    def submit(self, view_id: str, *, user: str) -> httpx.Response:
        """The person presses Submit: the view as Slack holds it, with what was entered."""
        payload: dict[str, Any] = load("view_submission__message_form")
        payload["user"] = {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": "T1",
        }
        payload["view"] = {**payload["view"], **self.fake.view_payload(view_id)}
        return self.interaction(payload)

    def run_step(self, callback_id: str, inputs: dict[str, Any]) -> str:
        """Slack runs a workflow's custom step: a signed `function_executed` event, shaped
        as bolt-python tests/scenario_tests_async/test_function.py sends it (the function
        as the manifest declares it, `inputs`, `function_execution_id`, `bot_access_token`).
        Returns the execution id, for `fake.step_ended`."""
        execution_id, token = self.fake.start_step(callback_id)
        declared = manifest_functions()[callback_id]

        def parameters(kind: str) -> list[dict[str, Any]]:
            return [{**p, "name": name} for name, p in declared[kind].items()]

        answer = self.event(
            {
                "type": "function_executed",
                "function": {
                    "id": "Fn" + callback_id[:8],
                    "callback_id": callback_id,
                    "title": declared["title"],
                    "description": declared["description"],
                    "type": "app",
                    "input_parameters": parameters("input_parameters"),
                    "output_parameters": parameters("output_parameters"),
                    "app_id": "A1",
                    "date_updated": 1700000000,
                },
                "inputs": inputs,
                "function_execution_id": execution_id,
                "workflow_execution_id": "Wx" + execution_id[2:],
                "event_ts": f"{time.time():.6f}",
                "bot_access_token": token,
            }
        )
        assert answer.status_code == 200, answer.text
        return execution_id

    def open_flexpane(self, issue_id: int, *, user: str, channel: str = "CPUBLIC") -> str:
        """Someone clicks an issue's Work Object: a signed `entity_details_requested`
        event shaped as docs.slack.dev/reference/events/entity_details_requested shows it.
        Returns its trigger_id, for `fake.presented`."""
        url = f"{self.seed.url}/issues/{issue_id}"
        trigger_id = self.fake.open_flexpane(str(issue_id))
        answer = self.event(
            {
                "type": "entity_details_requested",
                "user": user,
                "external_ref": {"id": str(issue_id), "type": "issue"},
                "entity_url": url,
                "link": {"url": url, "domain": "127.0.0.1"},
                "app_unfurl_url": url,
                "event_ts": f"{time.time():.6f}",
                "trigger_id": trigger_id,
                "user_locale": "en-US",
                "channel": channel,
                "message_ts": "1700000000.000001",
            }
        )
        assert answer.status_code == 200, answer.text
        return trigger_id

    def edit_flexpane(
        self, shown: str, issue_id: int, changes: dict[str, str | None], *, user: str
    ) -> str:
        """The person saves `changes` in the flexpane presented for trigger `shown`: a
        `work-object-edit` view_submission (docs.slack.dev/messaging/work-objects-overview)
        with the entity's `external_ref` and `entity_url`. Returns its trigger_id."""
        trigger_id = self.fake.open_flexpane(str(issue_id))  # the submission's own trigger
        url = f"{self.seed.url}/issues/{issue_id}"
        payload = {
            "type": "view_submission",
            "team": {"id": "T1", "domain": "test"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
            "api_app_id": "A1",
            "token": "legacy-unused",
            "trigger_id": trigger_id,
            "view": {
                "id": "VENTITY" + uuid.uuid4().hex[:6].upper(),
                "type": "entity_detail",
                "callback_id": "work-object-edit",
                "external_ref": {"id": str(issue_id), "type": "issue"},
                "entity_url": url,
                "app_unfurl_url": url,
                "state": self.fake.flexpane_edit(shown, changes),
            },
        }
        answer = self.post(interaction_body(payload))
        assert answer.status_code == 200, answer.text
        self.last_answer = answer.json() if answer.content else {}
        return trigger_id

    def responses(self) -> list[dict[str, Any]]:
        return [c.args for c in self.fake.of("response_url")]

    def wait_response(self, predicate: Any = lambda _: True) -> dict[str, Any]:
        return self.fake.wait_for("response_url", lambda c: predicate(c.args))[-1].args


def response_text(args: dict[str, Any]) -> str:
    """All the words a person sees in an answer: text plus every block's text."""
    return (args.get("text") or "") + "\n" + json.dumps(args.get("blocks") or [])


def run_service(settings: Settings, fake: FakeSlack, seed: Seed) -> Iterator[RunningService]:
    server = ServerThread(create_app(settings, register_all)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake, seed, http)
    finally:
        server.stop()
