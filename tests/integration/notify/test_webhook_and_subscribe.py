"""Subscribing from Slack, and the webhook intake, through the running app."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.actions.subscribe import NOT_IN_DMS
from bot.app import create_app, open_services
from bot.cli import webhook_jobs
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import make_poller
from tests.integration.slack_harness import RunningService, settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, ServerThread

WEBHOOK_SECRET = "webhook-secret-for-tests"


@pytest.fixture
def hooked(redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningService]:
    """The app with the webhook enabled and its queue consumed (as `redmine-slack web`)."""
    settings = settings_for(
        redmine_seed, fake_slack, tmp_path / "hooked.sqlite3", redmine_webhook_secret=WEBHOOK_SECRET
    )
    server = ServerThread(create_app(settings, register_all, background=webhook_jobs)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake_slack, redmine_seed, http)
    finally:
        server.stop()


def test_subscribe_list_and_unsubscribe_from_slack(service: RunningService) -> None:
    service.command("subscribe alpha trackers:Bug events:notes,status threads:off")
    text = service.wait_response()["text"]
    assert (
        "now gets changes to *Alpha*" in text and "trackers: Bug" in text and "no threads" in text
    )
    service.command("subscriptions")
    listed = service.fake.wait_for("response_url", count=2)[-1].args["text"]
    assert (
        "*Alpha* (`alpha`)" in listed
        and "events: notes, status" in listed
        and "<@UALICE>" in listed
    )
    service.command("unsubscribe alpha")
    assert (
        "no longer gets changes to *Alpha*"
        in service.fake.wait_for("response_url", count=3)[-1].args["text"]
    )
    service.command("unsubscribe alpha")
    assert (
        "has no subscription to `alpha`"
        in service.fake.wait_for("response_url", count=4)[-1].args["text"]
    )


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("subscribe alpha colour:red", "Unknown filter `colour`"),
        ("subscribe alpha events:everything", "Unknown event `everything`"),
        ("subscribe alpha threads:maybe", "use `threads:on` or `threads:off`"),
        ("subscribe secret", "can't find a project `secret`"),  # dave can't see it
    ],
)
def test_bad_subscriptions_are_explained(service: RunningService, text: str, answer: str) -> None:
    service.command(text, user="UDAVE")
    assert answer in service.wait_response()["text"]


def test_private_on_needs_a_private_channel_and_a_right_to_private_notes(
    service: RunningService,
) -> None:
    service.command("subscribe alpha private:on", channel="CPUBLIC")
    assert "only allowed in a private channel" in service.wait_response()["text"]
    service.command("subscribe alpha private:on", channel="CPRIVATE", user="UERIN")  # a Reporter
    assert (
        "can't see private notes" in service.fake.wait_for("response_url", count=2)[-1].args["text"]
    )
    service.command("subscribe alpha private:on", channel="CPRIVATE", user="UALICE")  # a Manager
    assert (
        "private notes and issues included"
        in service.fake.wait_for("response_url", count=3)[-1].args["text"]
    )


def test_bot_joins_a_public_channel_it_is_not_in(service: RunningService) -> None:
    service.fake.add_channel("COUTSIDE", member=False)
    service.command("subscribe alpha", channel="COUTSIDE")
    assert "I joined this channel" in service.wait_response()["text"]
    [join] = service.fake.of("conversations.join")
    assert join.args["channel"] == "COUTSIDE"


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        ("/webhooks/redmine?token=wrong", {}, b'{"payload": {"issue": {"id": 1}}}', 401),
        ("/webhooks/redmine", {}, b'{"payload": {"issue": {"id": 1}}}', 401),
        (f"/webhooks/redmine?token={WEBHOOK_SECRET}", {}, b"not json", 400),
        (f"/webhooks/redmine?token={WEBHOOK_SECRET}", {}, b'{"payload": {"issue": {}}}', 400),
        ("/webhooks/redmine", {"Authorization": f"Bearer {WEBHOOK_SECRET}"}, b"[]", 400),
    ],
)
def test_webhook_refuses_bad_secrets_and_bodies(
    hooked: RunningService, path: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    answer = hooked.http.post(hooked.url + path, content=body, headers=headers)
    assert answer.status_code == status
    time.sleep(0.3)
    assert hooked.fake.of("chat.postMessage") == []


async def test_webhook_and_poller_on_one_change_post_once(
    hooked: RunningService, tmp_path: Path
) -> None:
    seed = hooked.seed
    hooked.command("subscribe alpha")
    hooked.wait_response()
    await asyncio.sleep(1.02 - time.time() % 1)
    title = f"Hooked {uuid.uuid4().hex[:8]}"
    issue = rm.create_issue(seed, as_login="bob", subject=title)
    answer = hooked.http.post(
        f"{hooked.url}/webhooks/redmine",
        headers={"Authorization": f"Bearer {WEBHOOK_SECRET}"},
        json={"payload": {"action": "opened", "issue": {"id": issue["id"]}}},
    )
    assert answer.status_code == 202
    [card] = hooked.fake.wait_for("chat.postMessage", lambda c: title in c.args["text"], timeout=20)
    # The poller then sees the same change in its cycle: nothing more is posted.
    settings = settings_for(seed, hooked.fake, tmp_path / "hooked.sqlite3")
    async with open_services(settings) as services:
        poller = make_poller(services, since=None)
        async with services.sessions() as session:
            from datetime import UTC, datetime, timedelta

            from bot.store.repositories import PollerStateRepository

            await PollerStateRepository(session).set_cursor(
                datetime.now(UTC) - timedelta(minutes=1)
            )
            await session.commit()
        await poller.run_cycle()
    assert len([c for c in hooked.fake.of("chat.postMessage") if title in c.args["text"]]) == 1
    assert card.args["channel"] == "CPUBLIC"


@pytest.mark.parametrize("channel", ["DALICE", "GMPIM"])
def test_subscribing_in_a_direct_message_says_subscriptions_live_in_channels(
    service: RunningService, channel: str
) -> None:
    # Slack answers conversations.info in a DM or group DM with missing_scope unless the
    # app has im:read / mpim:read (api.slack.com/methods/conversations.info, scopes);
    # the fake does the same, from the manifest's scopes.
    service.fake.add_channel(channel, private=True)
    service.fake.channels[channel]["is_mpim"] = channel.startswith("G")
    service.command("subscribe alpha", channel=channel)
    assert NOT_IN_DMS in service.wait_response()["text"]
    service.command("subscriptions", channel=channel)
    listed = service.fake.wait_for("response_url", count=2)[-1].args["text"]
    assert "Alpha" not in listed


def redmine7_body(issue_id: int, subject: str, event: str = "issue.created") -> bytes:
    """A Redmine 7 webhook body, shaped after redmine/redmine app/models/webhook_payload.rb
    (`type`, `timestamp`, `data.issue` as issues/show.api.rsb renders it)."""
    issue = {"id": issue_id, "project": {"id": 1, "name": "Alpha"}, "subject": subject}
    payload = {"type": event, "timestamp": "2026-11-23T21:00:00Z", "data": {"issue": issue}}
    return json.dumps(payload).encode()


def test_signed_redmine7_webhook_posts_the_issue_without_a_token(hooked: RunningService) -> None:
    hooked.command("subscribe alpha")
    hooked.wait_response()
    title = f"Signed {uuid.uuid4().hex[:8]}"
    issue = rm.create_issue(hooked.seed, as_login="bob", subject=title)
    body = redmine7_body(issue["id"], title)
    # redmine/redmine app/models/webhook.rb, Executor#compute_signature.
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = hooked.http.post(
        f"{hooked.url}/webhooks/redmine",
        content=body,
        headers={"Content-Type": "application/json", "X-Redmine-Signature-256": signature},
    )
    assert answer.status_code == 202 and answer.json() == {"queued": issue["id"]}
    [card] = hooked.fake.wait_for("chat.postMessage", lambda c: title in c.args["text"], timeout=20)
    assert card.args["channel"] == "CPUBLIC"


@pytest.mark.parametrize(
    "signature",
    [None, "sha256=" + "0" * 64, "sha256=forged"],
    ids=["unsigned", "forged", "malformed"],
)
def test_unsigned_or_forged_redmine7_webhooks_get_401_and_post_nothing(
    hooked: RunningService, signature: str | None
) -> None:
    hooked.command("subscribe alpha")
    hooked.wait_response()
    title = f"Forged {uuid.uuid4().hex[:8]}"
    issue = rm.create_issue(hooked.seed, as_login="bob", subject=title)
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Redmine-Signature-256"] = signature
    # Even with the plugin token in the URL: a body that claims to be Redmine 7's must be signed.
    answer = hooked.http.post(
        f"{hooked.url}/webhooks/redmine?token={WEBHOOK_SECRET}",
        content=redmine7_body(issue["id"], title),
        headers=headers,
    )
    assert answer.status_code == 401
    time.sleep(1.0)
    assert [c for c in hooked.fake.of("chat.postMessage") if title in c.args["text"]] == []


def test_signed_redmine7_events_about_other_things_are_acknowledged(hooked: RunningService) -> None:
    # redmine/redmine app/models/webhook_payload.rb EVENTS: wiki_page, time_entry, news, version.
    body = json.dumps(
        {
            "type": "time_entry.created",
            "timestamp": "2026-11-23T21:00:00Z",
            "data": {"time_entry": {"id": 3}},
        }
    ).encode()
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = hooked.http.post(
        f"{hooked.url}/webhooks/redmine",
        content=body,
        headers={"Content-Type": "application/json", "X-Redmine-Signature-256": signature},
    )
    assert answer.status_code == 202 and answer.json() == {"ignored": "time_entry.created"}
