"""Two-way threads end to end: a reply in an issue's Slack thread becomes a Redmine note.

Through the app's /slack/events route, signed like Slack signs, against the real Redmine
and the local Slack. The event bodies are written by hand after Slack's published samples
(slackapi/java-slack-sdk json-logs/samples/events/MessagePayload.json for a message,
MessageFileSharePayload.json for a message with `files` and subtype `file_share`, both
inside the Events API envelope with `event_id`, `event_time`, `team_id`, `api_app_id`);
a reply names its parent in `thread_ts` (api.slack.com/events/message, "threaded
messages"). Redeliveries carry `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`
(api.slack.com/apis/events-api, "Retries").
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.actions.follow_reply_edits import EDIT_REFUSED
from bot.app import create_app
from bot.cli import webhook_jobs
from bot.i18n import translator_for
from bot.people.identity import NO_MATCH
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, settings_for
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, ServerThread

WEBHOOK_SECRET = "threads-webhook-secret"


@pytest.fixture
def synced(redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[RunningService]:
    """The app as `redmine-slack web`, webhook nudges delivered at once; its database file
    is at `<tmp_path>/threads.sqlite3`."""
    settings = settings_for(
        redmine_seed,
        fake_slack,
        tmp_path / "threads.sqlite3",
        redmine_webhook_secret=WEBHOOK_SECRET,
    )
    server = ServerThread(create_app(settings, register_all, background=webhook_jobs)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake_slack, redmine_seed, http)
    finally:
        server.stop()


def thread_of(tmp_path: Path, channel: str, issue_id: int) -> str:
    """The card's ts, once the app has recorded it (just after posting it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with sqlite3.connect(tmp_path / "threads.sqlite3") as db:
            row = db.execute(
                "SELECT thread_ts FROM issue_threads WHERE channel_id = ? AND issue_id = ?",
                (channel, issue_id),
            ).fetchone()
        if row is not None:
            return str(row[0])
        time.sleep(0.05)
    raise AssertionError("the issue's card was not posted")


def nudge(service: RunningService, issue_id: int) -> None:
    answer = service.http.post(
        f"{service.url}/webhooks/redmine?token={WEBHOOK_SECRET}",
        json={"payload": {"issue": {"id": issue_id}}},
    )
    assert answer.status_code == 202


def issue_with_thread(
    service: RunningService, tmp_path: Path, channel: str = "CPUBLIC", **fields: Any
) -> tuple[int, str]:
    title = f"Threaded {uuid.uuid4().hex[:8]}"
    issue = rm.create_issue(service.seed, as_login="alice", subject=title, **fields)
    nudge(service, issue["id"])
    service.fake.wait_for("chat.postMessage", lambda c: title in str(c.args), timeout=20)
    return issue["id"], thread_of(tmp_path, channel, issue["id"])


@dataclass(frozen=True)
class TwoWayThread:
    """An issue's card in CPUBLIC, under a `replies:on` subscription to alpha."""

    issue_id: int
    thread_ts: str


@pytest.fixture
def two_way(synced: RunningService, tmp_path: Path) -> TwoWayThread:
    synced.command("subscribe alpha replies:on")
    synced.wait_response()
    return TwoWayThread(*issue_with_thread(synced, tmp_path))


def message_event(
    channel: str, user: str, text: str, thread_ts: str, ts: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts or f"{time.time():.6f}",
        "thread_ts": thread_ts,
        "parent_user_id": "UBOT",
        "team": "T1",
        "client_msg_id": str(uuid.uuid4()),
        "event_ts": f"{time.time():.6f}",
        "channel_type": "group" if channel.startswith("G") or channel == "CPRIVATE" else "channel",
        **extra,
    }


def send_event(
    service: RunningService,
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    retry: int | None = None,
) -> httpx.Response:
    started = time.monotonic()
    answer = service.event(event, event_id=event_id, retry=retry)
    assert answer.status_code == 200
    assert time.monotonic() - started < 3.0  # Slack's ack window
    return answer


def notes_on(seed: Seed, issue_id: int, marker: str) -> list[dict[str, Any]]:
    return [j for j in rm.journals(seed, issue_id) if marker in (j.get("notes") or "")]


def wait_notes(seed: Seed, issue_id: int, marker: str, count: int = 1) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = notes_on(seed, issue_id, marker)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no note with {marker!r} on #{issue_id}")


def test_reply_becomes_a_note_as_its_author_with_its_file_and_no_echo(
    synced: RunningService, tmp_path: Path
) -> None:
    synced.command("subscribe alpha replies:on")
    assert "thread replies become Redmine notes" in synced.wait_response()["text"]
    issue_id, thread_ts = issue_with_thread(synced, tmp_path)
    synced.fake.add_file("F0LOG01", "build.log", b"line 1\nline 2\n")
    marker = uuid.uuid4().hex[:8]
    reply = message_event(
        "CPUBLIC",
        "UBOB",
        f"on it *{marker}*, see log attached",
        thread_ts,
        subtype="file_share",
        files=[{"id": "F0LOG01", "name": "build.log", "mimetype": "text/plain", "size": 14}],
    )
    send_event(synced, reply)
    [note] = wait_notes(synced.seed, issue_id, marker)
    assert note["user"]["name"].lower().startswith("bob")
    assert note["notes"] == f"on it *{marker}*, see log attached"  # Slack bold -> Textile bold
    assert note["private_notes"] is False
    assert any(
        d["property"] == "attachment" and d["new_value"] == "build.log" for d in note["details"]
    )
    [reaction] = synced.fake.wait_for("reactions.add")
    assert (reaction.args["channel"], reaction.args["timestamp"], reaction.args["name"]) == (
        "CPUBLIC",
        reply["ts"],
        "white_check_mark",
    )
    # Redmine now has the note; the next delivery of the issue must not post it back.
    posted_before = len(synced.fake.of("chat.postMessage"))
    nudge(synced, issue_id)
    time.sleep(2.0)
    assert [c for c in synced.fake.of("chat.postMessage") if marker in str(c.args)] == []
    assert len(synced.fake.of("chat.postMessage")) == posted_before


def test_a_reply_from_someone_redmine_does_not_know_is_refused_to_them_only(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    marker = uuid.uuid4().hex[:8]
    send_event(synced, message_event("CPUBLIC", "USTRANGER", f"stranger {marker}", thread_ts))
    [told] = synced.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "USTRANGER" and told.args["thread_ts"] == thread_ts
    assert told.args["text"] == NO_MATCH.format(email="stranger@example.com")
    time.sleep(0.5)
    assert notes_on(synced.seed, issue_id, marker) == []
    assert synced.fake.of("reactions.add") == []


def test_a_retried_event_and_a_second_delivery_of_the_message_make_one_note(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    marker = uuid.uuid4().hex[:8]
    reply = message_event("CPUBLIC", "UBOB", f"once {marker}", thread_ts)
    send_event(synced, reply, event_id="EvRETRY" + marker)
    time.sleep(1.1)  # Slack signs a retry afresh, with a later timestamp
    send_event(synced, reply, event_id="EvRETRY" + marker, retry=1)
    send_event(synced, reply)  # the same message under another event id
    wait_notes(synced.seed, issue_id, marker)
    time.sleep(1.5)
    assert len(notes_on(synced.seed, issue_id, marker)) == 1


def test_bot_messages_and_messages_outside_issue_threads_are_never_imported(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    marker = uuid.uuid4().hex[:8]
    # java-slack-sdk json-logs/samples/events/MessageBotPayload.json: subtype bot_message, bot_id.
    send_event(
        synced,
        {**message_event("CPUBLIC", "UBOB", f"bot {marker}", thread_ts), "bot_id": "B0OTHER"},
    )
    send_event(
        synced,
        {
            **message_event("CPUBLIC", "UBOB", f"bot2 {marker}", thread_ts),
            "subtype": "bot_message",
            "bot_id": "B0OTHER",
        },
    )
    send_event(synced, message_event("CPUBLIC", "UBOB", f"elsewhere {marker}", "1699999999.000100"))
    time.sleep(1.5)
    assert notes_on(synced.seed, issue_id, marker) == []


def test_without_replies_on_nothing_is_imported(synced: RunningService, tmp_path: Path) -> None:
    synced.command("subscribe alpha")
    synced.wait_response()
    issue_id, thread_ts = issue_with_thread(synced, tmp_path)
    marker = uuid.uuid4().hex[:8]
    send_event(synced, message_event("CPUBLIC", "UBOB", f"not synced {marker}", thread_ts))
    time.sleep(1.5)
    assert notes_on(synced.seed, issue_id, marker) == []


def test_replies_in_a_private_on_channel_become_private_notes(
    synced: RunningService, tmp_path: Path
) -> None:
    synced.command("subscribe alpha private:on replies:on", channel="CPRIVATE")
    synced.wait_response()
    issue_id, thread_ts = issue_with_thread(synced, tmp_path, channel="CPRIVATE")
    marker = uuid.uuid4().hex[:8]
    send_event(synced, message_event("CPRIVATE", "UALICE", f"secret {marker}", thread_ts))
    [note] = wait_notes(synced.seed, issue_id, marker)
    assert note["private_notes"] is True


def changed_event(channel: str, user: str, before: dict[str, Any], text: str) -> dict[str, Any]:
    """message_changed after java-slack-sdk json-logs/samples/events/MessageChangedPayload.json."""
    edited_ts = f"{time.time():.6f}"
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "ts": edited_ts,
        "event_ts": edited_ts,
        "message": {**before, "text": text, "edited": {"user": user, "ts": edited_ts}},
        "previous_message": before,
    }


def deleted_event(channel: str, before: dict[str, Any]) -> dict[str, Any]:
    """message_deleted after java-slack-sdk json-logs/samples/events/MessageDeletedPayload.json."""
    now = f"{time.time():.6f}"
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "ts": now,
        "event_ts": now,
        "deleted_ts": before["ts"],
        "previous_message": before,
    }


def wait_until(check: Any, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(what)


def test_an_edit_and_a_delete_in_slack_follow_the_note(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    marker = uuid.uuid4().hex[:8]
    # alice is a Manager in alpha: her role may edit notes (see the refusal test for bob).
    reply = message_event("CPUBLIC", "UALICE", f"first {marker}", thread_ts)
    send_event(synced, reply)
    [note] = wait_notes(synced.seed, issue_id, marker)
    send_event(synced, changed_event("CPUBLIC", "UALICE", reply, f"second _{marker}_"))
    wait_until(
        lambda: (
            [j["notes"] for j in rm.journals(synced.seed, issue_id) if j["id"] == note["id"]]
            == [f"second _{marker}_"]
        ),
        "the edit did not follow",
    )
    send_event(synced, deleted_event("CPUBLIC", {**reply, "text": f"second _{marker}_"}))
    wait_until(
        lambda: all(j["id"] != note["id"] for j in rm.journals(synced.seed, issue_id)),
        "the deleted reply's journal is still there",
    )
    assert synced.fake.of("chat.postEphemeral") == []


def test_deleting_a_reply_whose_note_carries_a_file_marks_it(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    synced.fake.add_file("F0KEEP1", "keep.txt", b"kept in Redmine\n")
    marker = uuid.uuid4().hex[:8]
    reply = message_event(
        "CPUBLIC",
        "UALICE",
        f"with file {marker}",
        thread_ts,
        subtype="file_share",
        files=[{"id": "F0KEEP1"}],
    )
    send_event(synced, reply)
    [note] = wait_notes(synced.seed, issue_id, marker)
    send_event(synced, deleted_event("CPUBLIC", reply))
    wait_until(
        lambda: (
            [j["notes"] for j in rm.journals(synced.seed, issue_id) if j["id"] == note["id"]]
            == ["(deleted in Slack)"]
        ),
        "the journal with a file was not marked",
    )


def test_an_edit_redmine_refuses_is_told_to_the_author_and_the_note_stays(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    marker = uuid.uuid4().hex[:8]
    # bob is a Developer: Redmine 5's default Developer role may add notes but not edit
    # them (PUT /journals/:id.json answers 403 for him).
    reply = message_event("CPUBLIC", "UBOB", f"kept {marker}", thread_ts)
    send_event(synced, reply)
    wait_notes(synced.seed, issue_id, marker)
    send_event(synced, changed_event("CPUBLIC", "UBOB", reply, f"changed {marker}"))
    [told] = synced.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UBOB" and told.args["thread_ts"] == thread_ts
    assert told.args["text"] == EDIT_REFUSED.format(issue_id=issue_id)
    assert [n["notes"] for n in notes_on(synced.seed, issue_id, marker)] == [f"kept {marker}"]


def test_an_edit_of_a_note_deleted_in_redmine_is_told_to_the_author(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    marker = uuid.uuid4().hex[:8]
    reply = message_event("CPUBLIC", "UALICE", f"to be refused {marker}", thread_ts)
    send_event(synced, reply)
    [note] = wait_notes(synced.seed, issue_id, marker)
    # Meanwhile the note goes away in Redmine (deleted there by the admin).
    with rm.admin(synced.seed) as http:
        http.put(f"/journals/{note['id']}.json", json={"journal": {"notes": ""}}).raise_for_status()
    send_event(synced, changed_event("CPUBLIC", "UALICE", reply, f"edited {marker}"))
    [told] = synced.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UALICE" and told.args["thread_ts"] == thread_ts
    assert f"Your note on #{issue_id} no longer exists in Redmine" in told.args["text"]
    assert notes_on(synced.seed, issue_id, marker) == []


def test_a_file_over_redmines_limit_is_named_to_the_author_and_the_note_still_goes_in(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    issue_id, thread_ts = two_way.issue_id, two_way.thread_ts
    # Redmine's default attachment_max_size is 5 MB (REDMINE-FACTS, Uploads).
    synced.fake.add_file(
        "F0HUGE1", "huge.bin", b"\0" * (5 * 1024 * 1024 + 1), "application/octet-stream"
    )
    marker = uuid.uuid4().hex[:8]
    reply = message_event(
        "CPUBLIC",
        "UBOB",
        f"too big {marker}",
        thread_ts,
        subtype="file_share",
        files=[{"id": "F0HUGE1"}],
    )
    send_event(synced, reply)
    [note] = wait_notes(synced.seed, issue_id, marker)
    assert not any(d["property"] == "attachment" for d in note["details"])
    [told] = synced.fake.wait_for("chat.postEphemeral", timeout=30)
    assert told.args["user"] == "UBOB" and told.args["thread_ts"] == thread_ts
    assert told.args["text"].startswith(f"Your reply is a note on #{issue_id}, but some files")
    assert "`huge.bin`" in told.args["text"] and "5 MB" in told.args["text"]


def test_a_refused_reply_is_told_in_its_authors_slack_language(
    synced: RunningService, two_way: TwoWayThread
) -> None:
    # An event answers nobody in its request, so the door looks no one up for it; once the
    # reply is found to be in a thread we follow, its author is told in their own language
    # (users.info's `locale`, as test_languages reads it).
    synced.fake.add_user("UKENJI", "kenji@example.com", name="Kenji", locale="ja-JP")
    marker = uuid.uuid4().hex[:8]
    send_event(synced, message_event("CPUBLIC", "UKENJI", f"了解 {marker}", two_way.thread_ts))
    [told] = synced.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UKENJI"
    japanese = translator_for("ja-JP").gettext(NO_MATCH, email="kenji@example.com")
    assert told.args["text"] == japanese != NO_MATCH.format(email="kenji@example.com")
    assert notes_on(synced.seed, two_way.issue_id, marker) == []
