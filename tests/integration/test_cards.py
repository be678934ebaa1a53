"""The actions on issue cards, end to end: the real Redmine, the local Slack, signed
interaction payloads through /slack/events.

Payload shapes follow Slack's recorded samples: a button clicked in a message is a
`block_actions` payload with `container` {type: "message", message_ts, channel_id,
is_ephemeral}, `channel`, `message`, `response_url` and `actions[]` {action_id,
block_id, value, type, action_ts} (slackapi/java-slack-sdk json-logs/samples/
app-backend/interactive-components/BlockActionPayload.json); a select's choice carries
`selected_option`; opening an external select sends `block_suggestion` with the
element's `action_id`, `block_id` and the typed `value` (BlockSuggestionPayload.json
there; bolt-python tests/scenario_tests_async/test_block_suggestion.py).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from handlers.cards import CARD_GONE
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, response_text
from tests.integration.test_app_home import open_home
from tests.redmine_server import redmine_version
from tests.support.signing import interaction_body

CHANNEL = "CPUBLIC"


def new_issue(service: RunningService, **fields: Any) -> dict[str, Any]:
    subject = f"Card {uuid.uuid4().hex[:8]}"
    return rm.create_issue(service.seed, subject=subject, **fields)


def watcher_ids(service: RunningService, issue_id: int) -> list[int]:
    answer = rm.get(service.seed, f"/issues/{issue_id}.json", include="watchers")
    return [w["id"] for w in answer["issue"]["watchers"]]


def show_card(service: RunningService, issue_id: int, user: str) -> list[dict[str, Any]]:
    """`/redmine show` as `user`: the ephemeral card's blocks."""
    assert service.command(f"show {issue_id}", user=user).status_code == 200
    answer = service.wait_response(lambda a: f"#{issue_id}" in response_text(a))
    blocks: list[dict[str, Any]] = answer["blocks"]
    return blocks


def actions_of(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(b for b in blocks if b["type"] == "actions" and b["block_id"].startswith("card."))


def click(
    service: RunningService,
    actions: dict[str, Any],
    action_id: str,
    *,
    user: str,
    ephemeral: bool = True,
    message_ts: str = "1700000100.000100",
    selected: str | None = None,
    container: dict[str, Any] | None = None,
) -> None:
    element = next(e for e in actions["elements"] if e["action_id"] == action_id)
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": actions["block_id"],
        "type": element["type"],
        "action_ts": f"{time.time():.6f}",
    }
    if "value" in element:
        action["value"] = element["value"]
    if selected is not None:
        action["selected_option"] = {"text": {"type": "plain_text", "text": "s"}, "value": selected}
    trigger = f"T.card.{uuid.uuid4().hex[:8]}"
    service.fake.issue_trigger(trigger)
    payload = {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "container": container
        or {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": CHANNEL,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger,
        "channel": {"id": CHANNEL, "name": "general"},
        "message": {"type": "message", "ts": message_ts, "text": "card", "blocks": []},
        "response_url": service.fake.response_url(f"card{uuid.uuid4().hex[:6]}", channel=CHANNEL),
        "actions": [action],
    }
    if payload["container"]["type"] == "view":  # App Home: the view instead of a message
        del payload["response_url"], payload["message"], payload["channel"]
        payload["view"] = {
            "id": "VHOME1",
            "type": "home",
            "callback_id": "",
            "blocks": [],
            "state": {"values": {}},
        }
    assert service.post(interaction_body(payload)).status_code == 200


def status_options(service: RunningService, actions: dict[str, Any], user: str) -> list[str]:
    payload = {
        "type": "block_suggestion",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": CHANNEL},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "action_id": "issue_status",
        "block_id": actions["block_id"],
        "value": "",
        "team": {"id": "T1", "domain": "test"},
        "channel": {"id": CHANNEL, "name": "general"},
    }
    answer = service.post(interaction_body(payload))
    assert answer.status_code == 200
    return [o["text"]["text"] for o in answer.json()["options"]]


def redrawn(service: RunningService, issue_id: int) -> dict[str, Any]:
    """The last response_url message that replaced a card with this issue's."""
    return service.wait_response(
        lambda a: a.get("replace_original") is True and f"#{issue_id}" in response_text(a)
    )


def told(service: RunningService, user: str) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in service.fake.of("chat.postEphemeral")
        if c.args.get("user") == user
    ]


def test_every_card_carries_the_actions_with_their_public_ids(service: RunningService) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    assert [e["action_id"] for e in actions["elements"]] == [
        "issue_assign_me",
        "issue_status",
        "issue_note",
        "issue_log_time",
        "issue_watch",
        "issue_edit",
    ]


def test_assign_to_me_runs_as_the_clicker_and_redraws_the_card(service: RunningService) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UALICE"))  # Alice drew the card
    click(service, actions, "issue_assign_me", user="UBOB")  # Bob clicks it
    card = redrawn(service, issue["id"])  # the work happens after the ack
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["assigned_to"]["id"] == service.seed.users["bob"].id
    journal = rm.journals(service.seed, issue["id"])[-1]
    assert journal["user"]["id"] == service.seed.users["bob"].id  # as Bob, not the admin
    assert "Bob Baker" in str(card["blocks"])


def test_someone_redmine_does_not_let_edit_gets_a_sentence_and_nothing_changes(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UALICE"))
    click(service, actions, "issue_assign_me", user="UERIN")  # a Reporter in alpha
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UERIN")
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert "assigned_to" not in after
    assert rm.journals(service.seed, issue["id"]) == []
    [sentence] = told(service, "UERIN")
    assert "may not change its assignee" in sentence
    assert "\n" not in sentence and "Traceback" not in sentence


def test_a_card_drawn_before_a_change_writes_nothing_and_is_redrawn(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    time.sleep(1.1)  # Redmine's updated_on has one-second steps
    rm.update_issue(service.seed, issue["id"], notes="changed meanwhile")
    click(service, actions, "issue_assign_me", user="UBOB")
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UBOB")
    card = redrawn(service, issue["id"])
    assert actions_of(card["blocks"])["block_id"] != actions["block_id"]  # drawn anew
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert "assigned_to" not in after
    assert len(rm.journals(service.seed, issue["id"])) == 1  # only the change meanwhile
    assert any("changed since this card was drawn" in t for t in told(service, "UBOB"))


def test_status_options_are_the_clickers_and_a_choice_moves_the_issue(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    offered = status_options(service, actions, "UBOB")
    assert "In Progress" in offered and "New" not in offered  # not the status it has
    in_progress = str(service.seed.statuses["In Progress"])
    click(service, actions, "issue_status", user="UBOB", selected=in_progress)
    card = redrawn(service, issue["id"])
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["status"]["name"] == "In Progress"
    assert "In Progress" in str(card["blocks"])


def test_a_status_the_workflow_refuses_is_told_and_not_written(service: RunningService) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UERIN"))
    offered = status_options(service, actions, "UERIN")  # Redmine's workflow for a Reporter
    as_erin = rm.admin(service.seed)
    with as_erin as http:
        allowed = http.get(
            f"/issues/{issue['id']}.json",
            params={"include": "allowed_statuses"},
            headers={"X-Redmine-Switch-User": "erin"},
        ).json()["issue"]["allowed_statuses"]
    assert offered == [s["name"] for s in allowed if s["name"] != "New"]
    refused = next(name for name in service.seed.statuses if name not in [*offered, "New"])
    click(
        service, actions, "issue_status", user="UERIN", selected=str(service.seed.statuses[refused])
    )
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UERIN")
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["status"]["name"] == "New"
    assert any("workflow" in t for t in told(service, "UERIN"))


def test_watch_toggles_for_the_clicker(service: RunningService) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UALICE"))
    click(service, actions, "issue_watch", user="UALICE")
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UALICE")
    watchers = rm.get(service.seed, f"/issues/{issue['id']}.json", include="watchers")
    assert service.seed.users["alice"].id in [w["id"] for w in watchers["issue"]["watchers"]]
    fresh = actions_of(redrawn(service, issue["id"])["blocks"])
    click(service, fresh, "issue_watch", user="UALICE")
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UALICE", count=2)
    watchers = rm.get(service.seed, f"/issues/{issue['id']}.json", include="watchers")
    assert service.seed.users["alice"].id not in [w["id"] for w in watchers["issue"]["watchers"]]
    texts = told(service, "UALICE")
    assert any("now watch" in t for t in texts) and any("no longer watch" in t for t in texts)
    # Only Alice sees her /redmine show card: its button says what a click will do.
    labels = [e["text"]["text"] for e in actions["elements"] if e["action_id"] == "issue_watch"] + [
        e["text"]["text"] for e in fresh["elements"] if e["action_id"] == "issue_watch"
    ]
    assert labels == ["Watch", "Unwatch"]
    redraws = service.fake.wait_for(
        "response_url", lambda c: c.args.get("replace_original") is True, count=2
    )
    after_unwatch = actions_of(redraws[-1].args["blocks"])
    [label] = [
        e["text"]["text"] for e in after_unwatch["elements"] if e["action_id"] == "issue_watch"
    ]
    assert label == "Watch"


def test_a_card_the_bot_posted_is_redrawn_with_chat_update(service: RunningService) -> None:
    issue = new_issue(service)
    blocks = show_card(service, issue["id"], "UBOB")
    ts = service.fake.add_message(CHANNEL, text=f"#{issue['id']}", blocks=blocks)  # the bot's
    click(
        service, actions_of(blocks), "issue_assign_me", user="UBOB", ephemeral=False, message_ts=ts
    )
    [update] = service.fake.wait_for("chat.update", lambda c: c.args.get("ts") == ts)
    assert update.args["channel"] == CHANNEL
    assert "Bob Baker" in str(update.args["blocks"])
    assert "Bob Baker" in str(service.fake.messages_in(CHANNEL)[-1]["blocks"])  # Slack took it
    # Everyone in the channel sees this card: its watch button fits them all.
    [label] = [
        e["text"]["text"]
        for e in actions_of(update.args["blocks"])["elements"]
        if e["action_id"] == "issue_watch"
    ]
    assert label == "Watch / Unwatch"


def test_a_card_posted_by_redmine_create_is_redrawn_with_chat_update(
    service: RunningService,
) -> None:
    title = f"Card {uuid.uuid4().hex[:8]}"
    assert service.command(f"create alpha {title}", user="UALICE").status_code == 200
    answer = service.wait_response(lambda a: title in response_text(a))
    # The in_channel answer is a message in the channel, the app's (Slack gives its ts only
    # in the payloads of actions on it).
    [card] = [m for m in service.fake.messages_in(CHANNEL) if title in m["text"]]
    [issue] = rm.issues_with_subject(service.seed, title)
    click(
        service,
        actions_of(answer["blocks"]),
        "issue_assign_me",
        user="UBOB",
        ephemeral=False,
        message_ts=card["ts"],
    )
    [update] = service.fake.wait_for("chat.update", lambda c: c.args.get("ts") == card["ts"])
    assert "Bob Baker" in str(update.args["blocks"])
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["assigned_to"]["id"] == service.seed.users["bob"].id


def test_a_card_deleted_in_slack_still_acts_and_tells_the_clicker(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    blocks = show_card(service, issue["id"], "UBOB")
    ts = service.fake.add_message(CHANNEL, text=f"#{issue['id']}", blocks=blocks)
    service.fake.delete_message(CHANNEL, ts)  # someone deletes the card as Bob clicks it
    click(
        service, actions_of(blocks), "issue_assign_me", user="UBOB", ephemeral=False, message_ts=ts
    )
    shown = service.wait_response(lambda a: CARD_GONE.format(id=issue["id"]) in response_text(a))
    assert shown["response_type"] == "ephemeral" and shown["replace_original"] is False
    assert "Bob Baker" in str(shown["blocks"])  # the card as it is now, for Bob alone
    [refused] = service.fake.of("chat.update")
    assert refused.args["ts"] == ts
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["assigned_to"]["id"] == service.seed.users["bob"].id  # the action was done
    assert service.fake.messages_in(CHANNEL) == []  # nothing posted for everyone


def test_a_card_in_a_message_the_bot_cannot_update_is_replaced_through_its_response_url(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    blocks = show_card(service, issue["id"], "UBOB")
    ts = service.fake.add_message(CHANNEL, user="UALICE", text="card", blocks=blocks)
    in_progress = str(service.seed.statuses["In Progress"])
    click(
        service,
        actions_of(blocks),
        "issue_status",
        user="UBOB",
        ephemeral=False,
        message_ts=ts,
        selected=in_progress,
    )
    card = redrawn(service, issue["id"])
    assert "In Progress" in str(card["blocks"])
    [refused] = service.fake.of("chat.update")
    assert refused.args["ts"] == ts
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["status"]["name"] == "In Progress"


def test_add_note_opens_the_note_form_for_that_issue(service: RunningService) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    click(service, actions, "issue_note", user="UBOB")
    [opened] = service.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "message_note_modal"
    assert str(issue["id"]) in str(view["blocks"])


def test_add_note_offers_private_only_to_someone_who_may_write_one(
    service: RunningService,
) -> None:
    # Redmine's default Developer role has "Set notes as private"; Reporter has not.
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    click(service, actions, "issue_note", user="UERIN")
    [update] = service.fake.wait_for("views.update")
    shown = update.args["view"]
    assert shown["callback_id"] == "message_note_modal"
    assert "private" not in [b.get("block_id") for b in shown["blocks"]]
    assert "Your role in Alpha may not write private notes" in str(shown["blocks"])
    click(service, actions, "issue_note", user="UBOB")
    [bobs] = service.fake.wait_for("views.open", count=2)[1:]
    assert "private" in [b.get("block_id") for b in bobs.args["view"]["blocks"]]
    time.sleep(1)  # the permission is read after the form opened: no second redraw came
    assert len(service.fake.of("views.update")) == 1


def test_a_row_of_app_home_acts_and_the_home_is_published_anew(service: RunningService) -> None:
    alice = service.seed.users["alice"].id
    issue = new_issue(service, assigned_to_id=alice)
    open_home(service, "UALICE")
    [home] = service.fake.wait_for("views.publish", lambda c: c.args["user_id"] == "UALICE")
    row = next(
        b
        for b in home.args["view"]["blocks"]
        if b["type"] == "actions" and b["block_id"].startswith(f"card.{issue['id']}.")
    )
    # An action in a view comes without a response_url: container {type: "view", view_id}
    # (java-slack-sdk json-logs/samples/app-backend/interactive-components/
    # BlockActionPayload.json, the App Home variant).
    click(
        service, row, "issue_watch", user="UALICE", container={"type": "view", "view_id": "VHOME1"}
    )
    service.fake.wait_for("views.publish", lambda c: c.args["user_id"] == "UALICE", count=2)
    watchers = rm.get(service.seed, f"/issues/{issue['id']}.json", include="watchers")
    assert alice in [w["id"] for w in watchers["issue"]["watchers"]]


def test_watch_refused_by_redmine_is_told_and_nothing_changes(service: RunningService) -> None:
    # Redmine's REST API adds a watcher only with the "Add watchers" permission
    # (WatchersController#create), which Redmine's default Developer role lacks.
    issue = new_issue(service)
    developer = rm.get(service.seed, f"/roles/{service.seed.roles['Developer']}.json")["role"]
    assert "add_issue_watchers" not in developer["permissions"]
    before = watcher_ids(service, issue["id"])
    # Redmine 6.x makes the author of a new issue its watcher when they may add watchers
    # (Issue#add_auto_watcher, the "issue_created" auto-watch preference); 5.0 does not.
    # The issue is the admin's (rm.create_issue), who may.
    author = issue["author"]["id"]
    assert before == ([author] if redmine_version().startswith("6.") else [])
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    click(service, actions, "issue_watch", user="UBOB")
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UBOB")
    assert watcher_ids(service, issue["id"]) == before
    assert service.seed.users["bob"].id not in before
    assert told(service, "UBOB") == [
        f"Redmine did not let you watch #{issue['id']}: your role in Alpha lacks the "
        "\u201cAdd watchers\u201d permission, which Redmine's API asks for even for yourself. "
        "Nothing was changed."
    ]
