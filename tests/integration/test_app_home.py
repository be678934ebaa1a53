"""App Home over real HTTP: the Home tab read as the person from the real Redmine, the
list switch and the notification toggles, and what an unmapped person sees."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bot.blocks.home import HOME_LIST_ACTION, HOME_NOTIFY_ACTION, NOT_CONNECTED_TITLE
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService


def open_home(service: RunningService, user: str, **event: Any) -> None:
    """The app_home_opened event inside the Events API envelope, as in the API reference
    (docs.slack.dev/reference/events/app_home_opened) and java-slack-sdk
    json-logs/samples/events/AppHomeOpenedPayload.json; without `view` the first time."""
    answer = service.event(
        {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user,
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
            **event,
        }
    )
    assert answer.status_code == 200


def as_slack_sends(service: RunningService, user: str) -> dict[str, Any]:
    """The published Home view as Slack sends it back in events and actions (the view
    object of docs.slack.dev/reference/events/app_home_opened: id, type, blocks,
    callback_id, hash, state...)."""
    home = service.fake.homes[user]
    return {
        "id": home["id"],
        "team_id": "T1",
        "type": "home",
        "blocks": home["blocks"],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": "h1",
        "app_id": "A1",
        "bot_id": "BBOT",
    }


def home_action(service: RunningService, user: str, action: dict[str, Any]) -> None:
    """A block_actions payload from the Home tab: container type `view`, the home view
    with its id and hash (docs.slack.dev/reference/interaction-payloads/block_actions-payload;
    a checkboxes action carries `selected_options`, a static_select `selected_option`)."""
    home = service.fake.homes[user]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "container": {"type": "view", "view_id": home["id"]},
        "trigger_id": f"T.home.{uuid.uuid4().hex[:8]}",
        "team": {"id": "T1", "domain": "test"},
        "view": as_slack_sends(service, user),
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    assert service.interaction(payload).status_code == 200


def published(service: RunningService, user: str, count: int) -> dict[str, Any]:
    calls = service.fake.wait_for(
        "views.publish", lambda c: c.args.get("user_id") == user, count=count
    )
    view: dict[str, Any] = calls[-1].args["view"]
    assert view["type"] == "home"
    return view


def texts(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"])


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    found: dict[str, Any] = block["elements"][0]
    return found


def test_a_mapped_person_sees_their_own_issues_and_can_switch_the_list(
    service: RunningService,
) -> None:
    seed = service.seed
    mine = f"Home assigned {uuid.uuid4().hex[:8]}"
    reported = f"Home reported {uuid.uuid4().hex[:8]}"
    rm.create_issue(seed, subject=mine, assigned_to_id=seed.users["alice"].id)
    rm.create_issue(seed, subject=reported, as_login="alice")
    # Someone else's issue must not appear in Alice's lists.
    others = f"Home not alice {uuid.uuid4().hex[:8]}"
    rm.create_issue(seed, subject=others, assigned_to_id=seed.users["bob"].id)

    open_home(service, "UALICE")
    view = published(service, "UALICE", 1)
    shown = texts(view)
    assert "You act in Redmine as `alice`: its email matches" in shown
    assert mine in shown and others not in shown
    assert element(view, "home_list")["initial_option"]["value"] == "assigned"

    select = element(view, "home_list")
    chosen = next(o for o in select["options"] if o["value"] == "reported")
    home_action(
        service,
        "UALICE",
        {
            "type": "static_select",
            "action_id": HOME_LIST_ACTION,
            "block_id": "home_list",
            "selected_option": chosen,
        },
    )
    view = published(service, "UALICE", 2)
    assert reported in texts(view) and others not in texts(view)
    assert element(view, "home_list")["initial_option"]["value"] == "reported"
    # The choice is remembered: the next open shows the same list.
    open_home(service, "UALICE", view=as_slack_sends(service, "UALICE"))
    view = published(service, "UALICE", 3)
    assert element(view, "home_list")["initial_option"]["value"] == "reported"


def test_notification_toggles_are_saved_and_redrawn(service: RunningService) -> None:
    open_home(service, "UBOB")
    view = published(service, "UBOB", 1)
    boxes = element(view, "home_notify")
    assert [o["value"] for o in boxes["initial_options"]] == [
        "assigned",
        "involved",
        "status",
        "mentions",
    ]
    keep = [o for o in boxes["options"] if o["value"] in {"assigned", "mentions"}]
    home_action(
        service,
        "UBOB",
        {
            "type": "checkboxes",
            "action_id": HOME_NOTIFY_ACTION,
            "block_id": "home_notify",
            "selected_options": keep,
        },
    )
    view = published(service, "UBOB", 2)
    assert [o["value"] for o in element(view, "home_notify")["initial_options"]] == [
        "assigned",
        "mentions",
    ]
    # Everything off: initial_options takes "one or more" options, so it is left out.
    home_action(
        service,
        "UBOB",
        {
            "type": "checkboxes",
            "action_id": HOME_NOTIFY_ACTION,
            "block_id": "home_notify",
            "selected_options": [],
        },
    )
    view = published(service, "UBOB", 3)
    assert "initial_options" not in element(view, "home_notify")


def test_a_subscription_the_person_created_is_listed(service: RunningService) -> None:
    answer = service.command("subscribe alpha", user="UALICE", channel="CPUBLIC")
    assert answer.status_code == 200
    service.wait_response(lambda a: "alpha" in (a.get("text") or "").lower())
    open_home(service, "UALICE")
    view = published(service, "UALICE", 1)
    assert "in <#CPUBLIC>" in texts(view)


def test_an_unmapped_person_sees_how_to_connect(service: RunningService) -> None:
    open_home(service, "USTRANGER")
    view = published(service, "USTRANGER", 1)
    shown = texts(view)
    assert NOT_CONNECTED_TITLE in shown
    assert "/redmine connect" in shown
    assert "stranger@example.com" in shown  # why: no Redmine account has that email
    assert "home_list" not in shown  # nothing of Redmine's is shown


def test_the_messages_tab_publishes_nothing(service: RunningService) -> None:
    open_home(service, "UALICE", tab="messages")
    open_home(service, "UBOB")  # a later event that does publish, to wait on
    published(service, "UBOB", 1)
    assert [c.args["user_id"] for c in service.fake.of("views.publish")] == ["UBOB"]


def test_the_reminder_is_set_and_turned_off_from_the_home_tab(service: RunningService) -> None:
    open_home(service, "UBOB")
    home = published(service, "UBOB", 1)
    assert "No reminder" in texts(home)
    # A timepicker sends block_actions with `selected_time` as soon as a time is picked
    # (docs.slack.dev/reference/block-kit/block-elements/time-picker-element).
    picked = {"type": "timepicker", "action_id": "home_remind_time", "block_id": "home_remind"}
    home_action(service, "UBOB", {**picked, "selected_time": "09:15"})
    home = published(service, "UBOB", 2)
    assert "Weekdays at *09:15*" in texts(home) and "under *8 h*" in texts(home)
    # The same reminder as `/redmine remind 09:15 8`: the command's `off` finds it.
    assert service.command("remind off", user="UBOB").status_code == 200
    assert "Reminders are off." in str(service.wait_response())
    open_home(service, "UBOB")
    assert "No reminder" in texts(published(service, "UBOB", 3))
