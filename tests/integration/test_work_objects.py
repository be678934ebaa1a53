"""Redmine issues as Slack Work Objects: task entities on unfurls, and the flexpane read as
whoever opened it (entity_details_requested -> entity.presentDetails).

Shapes: docs.slack.dev/messaging/work-objects-implementation (chat.unfurl `metadata`
with `entities`, each with `app_unfurl_url`), docs.slack.dev/reference/events/
entity_details_requested (the event), node-slack-sdk packages/web-api/src/types/request/
entity.ts (entity.presentDetails' `metadata`, `user_auth_required`, `user_auth_url`,
`error`); the fake checks them as Slack does (tests/support/fakeslack.py).
"""

from __future__ import annotations

import json
import time
import uuid

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.integration.test_unfurl import link_shared


def test_a_pasted_link_unfurls_as_a_task_entity_beside_its_card(service: RunningService) -> None:
    seed = service.seed
    title = f"Entity {uuid.uuid4().hex[:8]}"
    public = rm.create_issue(seed, subject=title, assigned_to_id=seed.users["bob"].id)
    private = rm.create_issue(seed, subject="private entity", is_private=True)
    hidden = rm.create_issue(seed, subject="secret entity", project_id=seed.projects["secret"])
    pasted = f"{seed.url}/issues/{public['id']}?tab=history"
    link_shared(
        service,
        [pasted, f"{seed.url}/issues/{private['id']}", f"{seed.url}/issues/{hidden['id']}"],
    )
    call = service.fake.wait_for("chat.unfurl")[0]
    assert list(call.args["unfurls"]) == [pasted]  # the Block Kit fallback stays
    [entity] = call.args["metadata"]["entities"]
    assert entity["entity_type"] == "slack#/entities/task"
    assert entity["app_unfurl_url"] == pasted
    assert entity["url"] == f"{seed.url}/issues/{public['id']}"
    assert entity["external_ref"] == {"id": str(public["id"]), "type": "issue"}
    payload = entity["entity_payload"]
    assert payload["attributes"]["title"]["text"] == f"#{public['id']} {title}"
    assert payload["attributes"]["product_name"] == "Redmine"
    assert isinstance(payload["attributes"]["metadata_last_modified"], int)
    fields = payload["fields"]
    assert fields["status"]["value"] == "New"
    assert fields["assignee"]["user"]["text"] == "Bob Baker"
    assert "description" not in fields  # everyone in the channel sees an unfurl
    shown = json.dumps(call.args)
    assert "private entity" not in shown and "secret entity" not in shown


def test_the_flexpane_shows_what_the_reader_may_read_not_what_the_admin_sees(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject="flexpane notes", description="Printer *smokes*")
    rm.update_issue(seed, issue["id"], as_login="alice", notes="Public: toner ordered")
    rm.update_issue(
        seed, issue["id"], as_login="alice", notes="Private: the vendor is late", private_notes=True
    )
    # Erin reports in alpha: Redmine shows her the issue but not its private note.
    trigger = service.open_flexpane(issue["id"], user="UERIN")
    shown = service.fake.presented(trigger)
    entity = shown["metadata"]
    assert entity["external_ref"]["id"] == str(issue["id"])
    assert entity["entity_payload"]["fields"]["description"]["value"] == "Printer *smokes*"
    notes = {f["key"]: f for f in entity["entity_payload"]["custom_fields"]}["notes"]["value"]
    assert "Public: toner ordered" in notes
    assert "vendor is late" not in json.dumps(shown)
    # Alice (Manager) may read private notes: her own flexpane has it.
    mine = service.fake.presented(service.open_flexpane(issue["id"], user="UALICE"))
    assert "vendor is late" in json.dumps(mine)


def test_an_issue_the_reader_may_not_see_is_refused_without_a_word_of_it(
    service: RunningService,
) -> None:
    seed = service.seed
    hidden = rm.create_issue(seed, subject="secret flexpane", project_id=seed.projects["secret"])
    shown = service.fake.presented(service.open_flexpane(hidden["id"], user="UDAVE"))
    assert shown == {
        "error": {
            "status": "custom",
            "custom_title": "Not available",
            "custom_message": f"There is no issue #{hidden['id']} that you can see in Redmine.",
        }
    }


def test_someone_redmine_does_not_know_is_asked_to_connect(service: RunningService) -> None:
    issue = rm.create_issue(service.seed, subject="stranger flexpane")
    shown = service.fake.presented(service.open_flexpane(issue["id"], user="USTRANGER"))
    assert shown == {
        "user_auth_required": True,
        "user_auth_url": f"{service.seed.url}/my/api_key",
    }


def statuses(service: RunningService) -> dict[str, int]:
    found = rm.get(service.seed, "/issue_statuses.json")["issue_statuses"]
    return {s["name"]: s["id"] for s in found}


def test_bob_moves_the_issue_in_the_flexpane_and_redmine_says_bob_did(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject="move me from the flexpane")
    shown = service.open_flexpane(issue["id"], user="UBOB")
    fields = service.fake.presented(shown)["metadata"]["entity_payload"]["fields"]
    offered = {o["text"]["text"] for o in fields["status"]["edit"]["select"]["static_options"]}
    assert "In Progress" in offered  # the statuses Redmine's workflow gives Bob
    assert fields["status"]["edit"]["select"]["current_value"] == str(issue["status"]["id"])
    in_progress = str(statuses(service)["In Progress"])
    saved = service.edit_flexpane(
        shown, issue["id"], {"status": in_progress, "due_date": "2031-01-31"}, user="UBOB"
    )
    assert service.last_answer == {}  # a plain ack: the edit is taken
    redrawn = service.fake.presented(saved)["metadata"]["entity_payload"]["fields"]
    assert redrawn["status"]["value"] == "In Progress"
    assert redrawn["due_date"]["value"] == "2031-01-31"
    [journal] = [j for j in rm.journals(seed, issue["id"]) if j["details"]]
    assert journal["user"]["id"] == seed.users["bob"].id  # as Bob, never the admin
    changed = {d["name"]: d["new_value"] for d in journal["details"]}
    assert changed == {"status_id": in_progress, "due_date": "2031-01-31"}


def test_a_stale_flexpane_edit_is_refused_and_the_panel_redrawn(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject="changed under the flexpane")
    shown = service.open_flexpane(issue["id"], user="UBOB")
    service.fake.presented(shown)
    time.sleep(1.1)  # Redmine's updated_on has one-second precision
    rm.update_issue(seed, issue["id"], as_login="alice", subject="renamed by Alice")
    in_progress = str(statuses(service)["In Progress"])
    saved = service.edit_flexpane(shown, issue["id"], {"status": in_progress}, user="UBOB")
    assert service.last_answer == {
        "response_action": "errors",
        "errors": {
            "status": f"#{issue['id']} changed since you opened it, so nothing was saved. "
            "The panel now shows it as it is; change it again if you still want to."
        },
    }
    redrawn = service.fake.presented(saved)["metadata"]["entity_payload"]["attributes"]
    assert redrawn["title"]["text"] == f"#{issue['id']} renamed by Alice"
    assert rm.get(seed, f"/issues/{issue['id']}.json")["issue"]["status"]["name"] == "New"
    assert not [
        j for j in rm.journals(seed, issue["id"]) if j["user"]["id"] == seed.users["bob"].id
    ]
