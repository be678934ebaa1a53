"""Linking a Slack thread to an existing issue, and unlinking it, end to end.

The shortcut payload follows tests/fixtures/message_action__plain.json (itself after
slackapi/java-slack-sdk json-logs/samples/api/message_action); the submission is the view
as the local Slack holds it, with what the person entered (checkbox state as
`selected_options`, docs.slack.dev/reference/block-kit/block-elements/checkboxes-element).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from bot.actions.link_thread import CANNOT_SEE, NOT_AN_ISSUE
from bot.blocks.thread_link import ISSUE_BLOCK, LINK_VIEW, UNLINK_VIEW
from tests.fixtures import load
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.integration.threads.test_replies_to_notes import (
    message_event,
    notes_on,
    send_event,
    wait_notes,
)

PARENT_TS = "1700000500.000600"  # the message in message_action__plain.json


def shortcut(user: str = "UALICE") -> dict[str, Any]:
    payload: dict[str, Any] = load("message_action__plain")
    payload["callback_id"] = "connect_thread"
    payload["trigger_id"] = f"T.link.{uuid.uuid4().hex[:8]}"
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"}
    return payload


def thread_in_slack(service: RunningService, marker: str) -> None:
    """conversations.replies answers with these (shape as Slack's replies: ts, user, text)."""
    service.fake.channels["CPUBLIC"]["replies"] = [
        {"type": "message", "ts": PARENT_TS, "user": "UALICE", "text": f"parent {marker}"},
        {"type": "message", "ts": "1700000501.000100", "user": "UBOB", "text": f"keep {marker}"},
        {"type": "message", "ts": "1700000502.000100", "user": "UBOB", "text": f"drop {marker}"},
    ]


def test_link_copies_the_chosen_messages_then_replies_sync_until_unlinked(
    service: RunningService,
) -> None:
    marker = uuid.uuid4().hex[:8]
    thread_in_slack(service, marker)
    issue = rm.create_issue(service.seed, as_login="alice", subject=f"Linked {marker}")
    assert service.interaction(shortcut()).status_code == 200
    # The form opens after the ack, once the thread is read: wait for it, as Slack would.
    service.fake.wait_for("views.open", lambda c: c.args["view"].get("callback_id") == LINK_VIEW)
    view_id = service.fake.view_id(LINK_VIEW)
    service.fake.enter(view_id, ISSUE_BLOCK, {"type": "plain_text_input", "value": "not a number"})
    refused = service.submit(view_id, user="UALICE")
    assert refused.json() == {"response_action": "errors", "errors": {ISSUE_BLOCK: NOT_AN_ISSUE}}
    service.fake.enter(
        view_id, ISSUE_BLOCK, {"type": "plain_text_input", "value": f"#{issue['id']}"}
    )
    ticked = service.fake.views[view_id]["blocks"][2]["element"]["options"][:2]
    assert [
        o["value"] for o in service.fake.views[view_id]["blocks"][2]["element"]["initial_options"]
    ] == [
        PARENT_TS,
        "1700000501.000100",
        "1700000502.000100",
    ]  # all ticked when the modal opens
    service.fake.enter(
        view_id, "thread_messages_0", {"type": "checkboxes", "selected_options": ticked}
    )
    assert service.submit(view_id, user="UALICE").status_code == 200
    [posted] = service.fake.wait_for(
        "chat.postMessage", lambda c: "This thread is linked to" in str(c.args.get("text"))
    )
    assert posted.args["thread_ts"] == PARENT_TS and "<@UALICE>" in posted.args["text"]
    [note] = wait_notes(service.seed, issue["id"], f"keep {marker}")
    assert f"parent {marker}" in note["notes"] and f"drop {marker}" not in note["notes"]
    assert note["user"]["name"].lower().startswith("alice")
    # From now on the thread's replies become notes, with no subscription at all.
    send_event(service, message_event("CPUBLIC", "UBOB", f"later {marker}", PARENT_TS))
    [later] = wait_notes(service.seed, issue["id"], f"later {marker}")
    assert later["user"]["name"].lower().startswith("bob")
    # The same shortcut on a linked thread offers to unlink it.
    assert service.interaction(shortcut()).status_code == 200
    unlink_id = service.fake.view_id(UNLINK_VIEW)
    assert service.submit(unlink_id, user="UALICE").status_code == 200
    service.fake.wait_for(
        "chat.postMessage", lambda c: "unlinked this thread" in str(c.args.get("text"))
    )
    send_event(service, message_event("CPUBLIC", "UBOB", f"after {marker}", PARENT_TS))
    time.sleep(1.5)
    assert notes_on(service.seed, issue["id"], f"after {marker}") == []


def test_linking_to_an_issue_the_person_cannot_see_is_refused_to_them(
    service: RunningService,
) -> None:
    marker = uuid.uuid4().hex[:8]
    thread_in_slack(service, marker)
    hidden = rm.create_issue(
        service.seed, subject=f"Hidden {marker}", project_id=service.seed.projects["secret"]
    )
    service.interaction(shortcut(user="UDAVE"))
    service.fake.wait_for("views.open", lambda c: c.args["view"].get("callback_id") == LINK_VIEW)
    view_id = service.fake.view_id(LINK_VIEW)
    service.fake.enter(
        view_id, ISSUE_BLOCK, {"type": "plain_text_input", "value": str(hidden["id"])}
    )
    service.submit(view_id, user="UDAVE")
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UDAVE"
    assert told.args["text"] == CANNOT_SEE.format(issue_id=hidden["id"])
    assert notes_on(service.seed, hidden["id"], marker) == []
    assert not [c for c in service.fake.of("chat.postMessage") if "linked" in str(c.args)]


def test_a_thread_linked_to_a_private_issue_writes_private_notes_even_in_a_public_channel(
    service: RunningService,
) -> None:
    marker = uuid.uuid4().hex[:8]
    thread_in_slack(service, marker)
    issue = rm.create_issue(
        service.seed, as_login="alice", subject=f"Private {marker}", is_private=True
    )
    service.interaction(shortcut())
    service.fake.wait_for("views.open", lambda c: c.args["view"].get("callback_id") == LINK_VIEW)
    view_id = service.fake.view_id(LINK_VIEW)
    service.fake.enter(
        view_id, ISSUE_BLOCK, {"type": "plain_text_input", "value": str(issue["id"])}
    )
    service.submit(view_id, user="UALICE")
    [copied] = wait_notes(service.seed, issue["id"], f"keep {marker}")
    assert copied["private_notes"] is True
    send_event(service, message_event("CPUBLIC", "UALICE", f"reply {marker}", PARENT_TS))
    [reply] = wait_notes(service.seed, issue["id"], f"reply {marker}")
    assert reply["private_notes"] is True
