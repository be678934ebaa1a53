"""An issue card's Edit button, end to end: the real Redmine, the local Slack, signed
interaction payloads through /slack/events.

Clicking a button sends `block_actions` with a `trigger_id` (java-slack-sdk json-logs/
samples/app-backend/interactive-components/BlockActionPayload.json); a modal must be
opened with it within 3 s (api.slack.com/surfaces/modals), so the app opens a loading
view and replaces it with `views.update`. Submitting sends `view_submission` with
`view.state.values[block_id][action_id]`: `selected_option` for a select,
`selected_date` for a datepicker, `selected_options` for checkboxes (ViewSubmission
samples there); an `errors` response action keeps the modal open with the messages under
the named inputs (api.slack.com/surfaces/modals#displaying_errors).
"""

from __future__ import annotations

import json
import time
from typing import Any

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.integration.test_app_home import open_home
from tests.integration.test_cards import actions_of, click, new_issue, redrawn, show_card, told
from tests.integration.test_shortcuts import suggestion


def open_edit(service: RunningService, issue_id: int, *, user: str, drawn_by: str) -> str:
    """`drawn_by` shows the card, `user` clicks Edit: the id of the form it opened."""
    actions = actions_of(show_card(service, issue_id, drawn_by))
    click(service, actions, "issue_edit", user=user)
    return service.fake.view_id("issue_edit_modal")


def options(view: dict[str, Any], block_id: str) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [o["text"]["text"] for o in block["element"]["options"]]


def initial(view: dict[str, Any], block_id: str) -> Any:
    element = next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]
    return element.get("initial_option", {}).get("text", {}).get("text") or element.get(
        "initial_date"
    )


def pick(service: RunningService, view_id: str, block_id: str, value: int | str) -> None:
    chosen = {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    service.fake.enter(view_id, block_id, {"type": "static_select", "selected_option": chosen})


def errors_of(answer: Any) -> dict[str, str]:
    body = answer.json() if answer.content else {}
    assert body.get("response_action") == "errors", body
    errors: dict[str, str] = body["errors"]
    return errors


def as_login(service: RunningService, issue_id: int, login: str) -> dict[str, Any]:
    with rm.admin(service.seed) as http:
        issue: dict[str, Any] = http.get(
            f"/issues/{issue_id}.json",
            params={"include": "allowed_statuses"},
            headers={"X-Redmine-Switch-User": login},
        ).json()["issue"]
        return issue


def test_the_form_starts_at_the_issue_and_offers_what_the_clicker_may_choose(
    service: RunningService,
) -> None:
    bob = service.seed.users["bob"].id
    issue = new_issue(service, assigned_to_id=bob, due_date="2026-12-24", done_ratio=20)
    view_id = open_edit(service, issue["id"], user="UERIN", drawn_by="UALICE")
    view = service.fake.views[view_id]
    assert view["title"]["text"] == f"Edit #{issue['id']}"
    seen_by_erin = as_login(service, issue["id"], "erin")
    # Erin's statuses (Redmine's workflow for a Reporter), the issue's own first.
    assert options(view, "edit_status") == ["New"] + [
        s["name"] for s in seen_by_erin["allowed_statuses"] if s["name"] != "New"
    ]
    assert initial(view, "edit_status") == "New"
    assert initial(view, "edit_assignee") == "Bob Baker"
    assert options(view, "edit_assignee")[0] == "Nobody"
    assert initial(view, "edit_priority") == "Normal"
    assert initial(view, "edit_due_date") == "2026-12-24"
    assert initial(view, "edit_done_ratio") == "20 %"
    assert "edit_no_due_date" in [b.get("block_id") for b in view["blocks"]]


def test_only_the_changed_fields_are_written_as_the_clicker_and_the_card_redrawn(
    service: RunningService,
) -> None:
    alice, bob = service.seed.users["alice"].id, service.seed.users["bob"].id
    issue = new_issue(service, assigned_to_id=alice)
    view_id = open_edit(service, issue["id"], user="UBOB", drawn_by="UALICE")
    pick(service, view_id, "edit_status", service.seed.statuses["In Progress"])
    pick(service, view_id, "edit_priority", service.seed.priorities["High"])
    pick(service, view_id, "edit_done_ratio", 30)
    service.fake.enter(
        view_id, "edit_due_date", {"type": "datepicker", "selected_date": "2027-01-15"}
    )
    answer = service.submit(view_id, user="UBOB")
    assert answer.status_code == 200 and not answer.content  # the ack closes the form
    card = redrawn(service, issue["id"])
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["status"]["name"] == "In Progress"
    assert after["priority"]["name"] == "High"
    assert after["done_ratio"] == 30
    assert after["due_date"] == "2027-01-15"
    assert after["assigned_to"]["id"] == alice  # left alone, not re-sent
    [journal] = rm.journals(service.seed, issue["id"])
    assert journal["user"]["id"] == bob  # as Bob, not the admin
    assert sorted(d["name"] for d in journal["details"]) == [
        "done_ratio",
        "due_date",
        "priority_id",
        "status_id",
    ]
    shown = str(card["blocks"])
    assert (
        "In Progress" in shown and "High" in shown and "Jan 15, 2027" in shown
    )  # the reader's date format


def test_nobody_unassigns_and_the_due_date_can_be_removed(service: RunningService) -> None:
    bob = service.seed.users["bob"].id
    issue = new_issue(service, assigned_to_id=bob, due_date="2026-12-24")
    view_id = open_edit(service, issue["id"], user="UBOB", drawn_by="UBOB")
    pick(service, view_id, "edit_assignee", "0")
    chosen = [{"text": {"type": "plain_text", "text": "Remove"}, "value": "none"}]
    service.fake.enter(
        view_id, "edit_no_due_date", {"type": "checkboxes", "selected_options": chosen}
    )
    assert service.submit(view_id, user="UBOB").status_code == 200
    redrawn(service, issue["id"])
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert "assigned_to" not in after
    assert after.get("due_date") is None


def test_fields_redmine_keeps_are_told_and_not_claimed(service: RunningService) -> None:
    # Erin is a Reporter in alpha: Redmine lets her open the issue but not edit its
    # priority, drops the field and answers 204 (safe attributes).
    issue = new_issue(service)
    view_id = open_edit(service, issue["id"], user="UERIN", drawn_by="UERIN")
    pick(service, view_id, "edit_priority", service.seed.priorities["Urgent"])
    assert service.submit(view_id, user="UERIN").status_code == 200
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UERIN")
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["priority"]["name"] == "Normal"
    assert rm.journals(service.seed, issue["id"]) == []
    [sentence] = told(service, "UERIN")
    assert sentence == (
        f"Redmine did not let you change the priority of #{issue['id']}: your role in "
        "Alpha, its workflow or the Bug tracker does not allow it. Nothing was changed."
    )


def test_a_status_the_workflow_refuses_is_a_field_error_and_not_written(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    view_id = open_edit(service, issue["id"], user="UERIN", drawn_by="UERIN")
    offered = options(service.fake.views[view_id], "edit_status")
    refused = next(name for name in service.seed.statuses if name not in offered)
    pick(service, view_id, "edit_status", service.seed.statuses[refused])  # a forged choice
    errors = errors_of(service.submit(view_id, user="UERIN"))
    assert "workflow" in errors["edit_status"]
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["status"]["name"] == "New"


def test_a_change_made_while_the_form_was_open_writes_nothing(service: RunningService) -> None:
    issue = new_issue(service)
    view_id = open_edit(service, issue["id"], user="UBOB", drawn_by="UBOB")
    time.sleep(1.1)  # Redmine's updated_on has one-second steps
    rm.update_issue(service.seed, issue["id"], notes="changed meanwhile")
    pick(service, view_id, "edit_priority", service.seed.priorities["High"])
    errors = errors_of(service.submit(view_id, user="UBOB"))
    assert "changed since you opened this form" in errors["edit_status"]
    card = redrawn(service, issue["id"])  # the card shows the issue as it is now
    assert "changed meanwhile" not in str(card)  # a card, not the note
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["priority"]["name"] == "Normal"
    assert len(rm.journals(service.seed, issue["id"])) == 1  # only the change meanwhile


def test_saving_an_untouched_form_says_so_and_writes_nothing(service: RunningService) -> None:
    issue = new_issue(service)
    view_id = open_edit(service, issue["id"], user="UBOB", drawn_by="UBOB")
    assert service.submit(view_id, user="UBOB").status_code == 200
    service.fake.wait_for("chat.postEphemeral", lambda c: c.args.get("user") == "UBOB")
    assert told(service, "UBOB") == [
        f"You left every field of #{issue['id']} as it was, so nothing was changed."
    ]
    assert rm.journals(service.seed, issue["id"]) == []


def test_someone_without_a_redmine_account_is_told_how_to_connect(
    service: RunningService,
) -> None:
    issue = new_issue(service)
    actions = actions_of(show_card(service, issue["id"], "UBOB"))
    click(service, actions, "issue_edit", user="USTRANGER")
    [update] = service.fake.wait_for("views.update")
    shown = str(update.args["view"]["blocks"])
    assert update.args["view"].get("callback_id") != "issue_edit_modal"
    assert "/redmine connect" in shown


def test_an_edit_from_app_home_publishes_the_home_anew(service: RunningService) -> None:
    alice = service.seed.users["alice"].id
    issue = new_issue(service, assigned_to_id=alice)
    open_home(service, "UALICE")
    [home] = service.fake.wait_for("views.publish", lambda c: c.args["user_id"] == "UALICE")
    row = next(
        b
        for b in home.args["view"]["blocks"]
        if b["type"] == "actions" and b["block_id"].startswith(f"card.{issue['id']}.")
    )
    # An action in a view: container {type: "view", view_id}, no response_url
    # (java-slack-sdk BlockActionPayload.json, the App Home variant).
    container = {"type": "view", "view_id": "VHOME1"}
    click(service, row, "issue_edit", user="UALICE", container=container)
    view_id = service.fake.view_id("issue_edit_modal")
    pick(service, view_id, "edit_status", service.seed.statuses["In Progress"])
    assert service.submit(view_id, user="UALICE").status_code == 200
    [_, again] = service.fake.wait_for(
        "views.publish", lambda c: c.args["user_id"] == "UALICE", count=2
    )
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["status"]["name"] == "In Progress"
    assert "In Progress" in str(again.args["view"]["blocks"])


def test_an_edit_on_a_card_the_bot_posted_updates_that_message(service: RunningService) -> None:
    issue = new_issue(service)
    blocks = show_card(service, issue["id"], "UBOB")
    ts = service.fake.add_message("CPUBLIC", text=f"#{issue['id']}", blocks=blocks)  # the bot's
    click(service, actions_of(blocks), "issue_edit", user="UBOB", ephemeral=False, message_ts=ts)
    view_id = service.fake.view_id("issue_edit_modal")
    pick(service, view_id, "edit_priority", service.seed.priorities["Urgent"])
    assert service.submit(view_id, user="UBOB").status_code == 200
    [update] = service.fake.wait_for("chat.update", lambda c: c.args.get("ts") == ts)
    assert "Urgent" in str(update.args["blocks"])
    assert "Urgent" in str(service.fake.messages_in("CPUBLIC")[-1]["blocks"])  # Slack took it


def test_an_edit_whose_card_was_deleted_meanwhile_still_answers(service: RunningService) -> None:
    issue = new_issue(service)
    blocks = show_card(service, issue["id"], "UBOB")
    ts = service.fake.add_message("CPUBLIC", text=f"#{issue['id']}", blocks=blocks)
    click(service, actions_of(blocks), "issue_edit", user="UBOB", ephemeral=False, message_ts=ts)
    view_id = service.fake.view_id("issue_edit_modal")
    service.fake.delete_message("CPUBLIC", ts)  # someone deletes the card in Slack
    pick(service, view_id, "edit_priority", service.seed.priorities["Urgent"])
    assert service.submit(view_id, user="UBOB").status_code == 200
    answer = service.wait_response(lambda a: "is gone or cannot be redrawn" in str(a))
    assert "Urgent" in str(answer["blocks"])  # the card as it is now, to Bob alone
    after = rm.get(service.seed, f"/issues/{issue['id']}.json")["issue"]
    assert after["priority"]["name"] == "Urgent"


def test_the_assignee_search_of_a_large_project_offers_nobody_then_its_members(
    service: RunningService,
) -> None:
    # Past 100 members the form's assignee is an external select: Slack asks for its
    # options with block_suggestion, without form state (the project is in the view's
    # private_metadata; see tests/contract).
    payload = suggestion("edit_assignee_search", user="UBOB", value="")
    metadata = {"card": "card.1.1700000000", "project_id": service.seed.projects["alpha"]}
    payload["view"]["private_metadata"] = json.dumps(metadata)
    options = service.interaction(payload).json()["options"]
    labels = [o["text"]["text"] for o in options]
    assert labels[0] == "Nobody" and options[0]["value"] == "0"
    assert {"Alice Archer", "Bob Baker", "Erin Evans"} <= set(labels[1:])
    payload["value"] = "bob"  # what the person typed narrows the list
    typed = service.interaction(payload).json()["options"]
    assert [o["text"]["text"] for o in typed] == ["Bob Baker"]
