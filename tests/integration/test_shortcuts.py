"""Message and global shortcuts end to end: signed payloads in, real Redmine and fake Slack out."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.inputs.forms import PROJECT_CATCHING_UP
from bot.slack import limits
from bot.slack.web.reads import INVITE_TO_COPY
from handlers.shortcuts import NO_FILES
from tests.fixtures import load
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.redmine_server import RedmineUnavailableForTests, Seed, rails_runner
from tests.support.fakeslack import Call

MAX_SIZE_MESSAGE = "maximum allowed file size"


# -- payloads -----------------------------------------------------------------------------


def message_action(
    callback_id: str,
    *,
    fixture: str = "message_action__plain",
    user: str = "UALICE",
    text: str | None = None,
    files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = load(fixture)
    payload["callback_id"] = callback_id
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"}
    if text is not None:
        payload["message"]["text"] = text
    if files is not None:
        payload["message"]["files"] = files
    return payload


def submission(
    callback_id: str,
    values: dict[str, Any],
    *,
    user: str,
    metadata: str = "",
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = load("view_submission__message_form")
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"}
    payload["view"].update(
        callback_id=callback_id,
        private_metadata=metadata,
        state={"values": values},
        blocks=blocks or [],
    )
    return payload


def suggestion(action_id: str, *, user: str, value: str = "", values: Any = None) -> dict[str, Any]:
    payload: dict[str, Any] = load("block_suggestion__issue_project")
    payload.update(action_id=action_id, block_id=action_id, value=value)
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"}
    payload["view"]["state"] = {"values": values or {}}
    return payload


def select(block: str, value: str | None, label: str | None = None) -> dict[str, Any]:
    chosen = (
        {"text": {"type": "plain_text", "text": label or value}, "value": value} if value else None
    )
    return {block: {block: {"type": "static_select", "selected_option": chosen}}}


def text(block: str, value: str | None) -> dict[str, Any]:
    return {block: {block: {"type": "plain_text_input", "value": value}}}


def checked(block: str, *values: str) -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]
    return {block: {block: {"type": "checkboxes", "selected_options": options}}}


def picked_date(block: str, value: str) -> dict[str, Any]:
    return {block: {block: {"type": "datepicker", "selected_date": value}}}


def option_of(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def labels(answer: dict[str, Any]) -> list[str]:
    return [o["text"]["text"] for o in answer["options"]]


# -- checks on what went to Slack -----------------------------------------------------------


def assert_within_block_kit_limits(view: dict[str, Any]) -> None:
    """Slack's limits, from the one table (bot/slack/limits.py, checked in tests/contract)."""
    assert len(view["title"]["text"]) <= limits.VIEW_TITLE
    for key in ("submit", "close"):
        if key in view:
            assert len(view[key]["text"]) <= limits.VIEW_BUTTON_TEXT
    assert len(view.get("private_metadata", "")) <= limits.PRIVATE_METADATA
    assert len(view["blocks"]) <= limits.VIEW_BLOCKS
    for block in view["blocks"]:
        assert len(block.get("block_id", "")) <= limits.BLOCK_ID
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= limits.SECTION_TEXT
        if block["type"] == "input":
            assert len(block["label"]["text"]) <= limits.INPUT_LABEL
            element = block["element"]
            assert len(element.get("options", [])) <= limits.SELECT_OPTIONS
            for option in element.get("options", []):
                assert len(option["text"]["text"]) <= limits.OPTION_TEXT  # checkboxes too
            if element["type"] == "plain_text_input":
                longest = element.get("max_length", limits.PLAIN_TEXT_INPUT)
                assert longest <= limits.PLAIN_TEXT_INPUT
                assert len(element.get("initial_value", "")) <= longest


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def opened(service: RunningService) -> dict[str, Any]:
    [call] = service.fake.wait_for("views.open")
    view: dict[str, Any] = call.args["view"]
    assert_within_block_kit_limits(view)
    return view


def in_thread(call: Call, thread_ts: str) -> bool:
    return call.args.get("channel") == "CPUBLIC" and call.args.get("thread_ts") == thread_ts


# -- Redmine set-up -----------------------------------------------------------------------


def _rails(seed: Seed, code: str) -> str:
    """Run Ruby in the test Redmine (a field definition has no REST API), whichever
    version it is (scripts/redmine-local.sh runner)."""
    try:
        return rails_runner(code)
    except RedmineUnavailableForTests as error:
        pytest.skip(f"needs the local Redmine to add a custom field: {error}")


@pytest.fixture(scope="session")
def required_field(redmine_seed: Seed) -> tuple[int, int]:
    """(project id, custom field id): project `shortcuts` requires "Customer" on Support.

    A project of its own, so no other test's issues need the field.
    """
    field_id = int(
        _rails(
            redmine_seed,
            'cf = IssueCustomField.find_by(name: "Customer") || IssueCustomField.create!('
            'name: "Customer", field_format: "string", is_required: true, is_for_all: false, '
            'tracker_ids: [Tracker.find_by(name: "Support").id]); puts cf.id',
        )
    )
    with rm.admin(redmine_seed) as http:
        found = http.get("/projects/shortcuts.json")
        if found.status_code == 404:
            created = http.post(
                "/projects.json",
                json={
                    "project": {
                        "name": "Shortcuts",
                        "identifier": "shortcuts",
                        "is_public": False,
                        "tracker_ids": list(redmine_seed.trackers.values()),
                        "issue_custom_field_ids": [field_id],
                        "enabled_module_names": ["issue_tracking", "time_tracking"],
                    }
                },
            )
            created.raise_for_status()
            project_id = int(created.json()["project"]["id"])
            http.post(
                "/projects/shortcuts/memberships.json",
                json={
                    "membership": {
                        "user_id": redmine_seed.users["alice"].id,
                        "role_ids": [redmine_seed.roles["Manager"]],
                    }
                },
            ).raise_for_status()
        else:
            project_id = int(found.json()["project"]["id"])
    return project_id, field_id


@pytest.fixture
def thread(fake_slack: Any) -> Iterator[list[dict[str, Any]]]:
    replies: list[dict[str, Any]] = load("conversations_replies__thread")
    fake_slack.channels["CPUBLIC"]["replies"] = replies
    yield replies


# -- create an issue from a message -------------------------------------------------------


def test_create_opens_at_once_prefilled_from_the_thread_reply(service: RunningService) -> None:
    payload = message_action("create_issue", fixture="message_action__thread_reply")
    answer = service.interaction(payload)
    assert answer.status_code == 200 and answer.content in (b"", b"{}")
    view = opened(service)
    assert service.fake.of("views.open")[0].args["trigger_id"] == payload["trigger_id"]
    assert view["callback_id"] == "message_issue_modal"
    project = block(view, "issue_project")
    assert project["dispatch_action"] is True
    assert project["element"]["type"] == "external_select"
    subject = block(view, "subject")["element"]["initial_value"]
    assert subject == "Checkout times out for @Bob when the cart has > 50 items"
    description = block(view, "description")["element"]["initial_value"]
    permalink = "https://test.slack.invalid/archives/CPUBLIC/p1700000060000200"
    assert description == (
        "Checkout *times out* for @Bob when the cart has > 50 items\n"
        'Seen since the 2.3 deploy, see "incident 7":https://status.example.test/incidents/7'
        f'\n\nFrom Slack: "message":{permalink}'
    )
    options = block(view, "from_message")["element"]
    assert [o["value"] for o in options["initial_options"]] == ["thread"]
    assert json.loads(view["private_metadata"]) == {
        "channel_id": "CPUBLIC",
        "message_ts": "1700000060.000200",
        "thread_ts": "1700000000.000100",
        "in_thread": True,
        "permalink": permalink,
    }
    # Nothing but Slack was asked before the form opened, and only Slack's fast reads.
    methods = [c.method for c in service.fake.calls]
    assert methods.index("views.open") > methods.index("chat.getPermalink")


def test_project_options_are_where_the_user_may_add_issues(service: RunningService) -> None:
    dave = labels(service.interaction(suggestion("issue_project", user="UDAVE")).json())
    assert "Alpha" in dave and "Secret" not in dave  # public: the Non member role may add
    bob = labels(service.interaction(suggestion("issue_project", user="UBOB")).json())
    assert {"Alpha", "Secret"} <= set(bob)
    filtered = labels(
        service.interaction(suggestion("issue_project", user="UBOB", value="sec")).json()
    )
    assert filtered == ["Secret"]
    nobody = service.interaction(suggestion("issue_project", user="USTRANGER")).json()
    assert nobody == {"options": []}


def test_choosing_the_project_fills_its_dependent_fields(service: RunningService) -> None:
    seed = service.seed
    alpha = seed.projects["alpha"]
    service.interaction(message_action("create_issue", user="UERIN"))
    opened(service)
    view_id = service.fake.view_id("message_issue_modal")
    service.fake.enter(view_id, "subject", {"type": "plain_text_input", "value": "Kept subject"})
    assert service.choose(view_id, "issue_project", str(alpha), "Alpha", user="UERIN").is_success
    [update] = service.fake.wait_for("views.update")
    assert update.args["view_id"] == view_id and update.args["hash"] == "h1"
    view = update.args["view"]
    assert_within_block_kit_limits(view)
    metadata = json.loads(view["private_metadata"])
    assert metadata["project_id"] == alpha and metadata["channel_id"] == "CPUBLIC"
    assert block(view, "issue_project")["element"]["initial_option"]["value"] == str(alpha)
    # Every input that depends on the project is scoped to it (fresh ids on a switch).
    trackers = block(view, f"issue_tracker.p{alpha}")
    assert trackers["dispatch_action"] is True
    assert [o["text"]["text"] for o in trackers["element"]["options"]] == [
        "Bug",
        "Feature",
        "Support",
    ]
    priority = block(view, f"priority.p{alpha}")["element"]
    assert priority["initial_option"]["text"]["text"] == "Normal"  # Redmine's default
    members = block(view, f"assignee.p{alpha}")["element"]["options"]
    assert {"Bob Baker", "Alice Archer"} <= {o["text"]["text"] for o in members}
    categories = block(view, f"category.p{alpha}")["element"]["options"]
    assert [o["text"]["text"] for o in categories] == ["Backend"]
    versions = block(view, f"version.p{alpha}")["element"]["options"]
    assert [o["text"]["text"] for o in versions] == ["1.0"]
    # Slack kept what was typed (same block_id and action_id), as it does.
    state = service.fake.view_state(view_id)["values"]
    assert state["subject"]["subject"]["value"] == "Kept subject"


def test_switching_project_never_submits_the_old_projects_choices(
    service: RunningService,
) -> None:
    seed = service.seed
    alpha, sub = seed.projects["alpha"], seed.projects["alpha-sub"]
    subject = f"Switched project {uuid.uuid4().hex[:8]}"
    service.interaction(message_action("create_issue", user="UALICE"))
    opened(service)
    view_id = service.fake.view_id("message_issue_modal")
    service.choose(view_id, "issue_project", str(alpha), "Alpha", user="UALICE")
    service.fake.wait_for("views.update")
    feature, backend = str(seed.trackers["Feature"]), str(seed.categories["Backend"])
    bob = str(seed.users["bob"].id)
    for block_id, value in ((f"category.p{alpha}", backend), (f"assignee.p{alpha}", bob)):
        chosen = {"text": {"type": "plain_text", "text": value}, "value": value}
        service.fake.enter(view_id, block_id, {"type": "static_select", "selected_option": chosen})
    service.choose(view_id, f"issue_tracker.p{alpha}", feature, "Feature", user="UALICE")
    service.fake.wait_for("views.update", count=2)
    kept = service.fake.view_state(view_id)["values"]
    assert kept[f"category.p{alpha}"] and kept[f"issue_tracker.p{alpha}"]  # same project: kept
    service.fake.enter(view_id, "subject", {"type": "plain_text_input", "value": subject})
    service.choose(view_id, "issue_project", str(sub), "Alpha Sub", user="UALICE")
    service.fake.wait_for("views.update", count=3)
    state = service.fake.view_state(view_id)["values"]
    assert [k for k in state if k.endswith(f".p{alpha}")] == []  # alpha's inputs are gone
    assert state[f"issue_tracker.p{sub}"]["issue_tracker"]["selected_option"]["text"]["text"] == (
        "Bug"  # the new project's default, not the Feature chosen for alpha
    )

    answer = service.submit(view_id, user="UALICE")
    assert answer.content in (b"", b"{}")
    service.fake.wait_for("chat.postMessage")
    [issue] = rm.issues_with_subject(seed, subject)
    assert issue["project"]["id"] == sub
    assert issue["tracker"]["name"] == "Bug"  # the project's default, not alpha's Feature
    assert "category" not in issue and "assigned_to" not in issue


def test_a_submission_that_overtakes_the_project_switch_is_sent_back(
    service: RunningService,
) -> None:
    seed = service.seed
    alpha, sub = seed.projects["alpha"], seed.projects["alpha-sub"]
    service.interaction(message_action("create_issue", user="UALICE"))
    opened(service)
    view_id = service.fake.view_id("message_issue_modal")
    service.choose(view_id, "issue_project", str(alpha), "Alpha", user="UALICE")
    service.fake.wait_for("views.update")
    # The person picks another project and presses Submit before the form is rebuilt.
    chosen = {"text": {"type": "plain_text", "text": "Alpha Sub"}, "value": str(sub)}
    service.fake.enter(
        view_id, "issue_project", {"type": "external_select", "selected_option": chosen}
    )
    before = rm.count_issues(seed)
    answer = service.submit(view_id, user="UALICE")
    assert answer.json() == {
        "response_action": "errors",
        "errors": {"issue_project": PROJECT_CATCHING_UP},
    }
    assert rm.count_issues(seed) == before


def test_create_submission_writes_the_issue_as_the_user_and_answers_in_the_thread(
    service: RunningService, thread: list[dict[str, Any]]
) -> None:
    seed = service.seed
    subject = f"Checkout times out {uuid.uuid4().hex[:8]}"
    service.fake.add_file("FSHOT", "screenshot.png", b"\x89PNG fake image bytes", "image/png")
    metadata = json.dumps(
        {
            "channel_id": "CPUBLIC",
            "message_ts": "1700000060.000200",
            "thread_ts": "1700000000.000100",
            "in_thread": True,
            "permalink": "https://test.slack.invalid/archives/CPUBLIC/p1700000060000200",
            "file_ids": ["FSHOT"],
        }
    )
    values = {
        **select("issue_project", str(seed.projects["alpha"]), "Alpha"),
        **select("issue_tracker", str(seed.trackers["Feature"])),
        **text("subject", subject),
        **text("description", "The message, edited"),
        **select("priority", str(seed.priorities["High"])),
        **select("assignee", str(seed.users["bob"].id)),
        **select("category", str(seed.categories["Backend"])),
        **select("version", str(seed.versions["1.0"])),
        **checked("from_message", "thread", "files"),
    }
    answer = service.interaction(
        submission("message_issue_modal", values, user="UERIN", metadata=metadata)
    )
    assert answer.status_code == 200 and answer.content in (b"", b"{}")
    [post] = service.fake.wait_for("chat.postMessage")
    [issue] = rm.issues_with_subject(seed, subject)
    assert in_thread(post, "1700000000.000100")
    assert f"/issues/{issue['id']}|#{issue['id']} {subject}>" in post.args["text"]
    assert "<@UERIN> created" in post.args["text"] and "`screenshot.png`" in post.args["text"]
    [reaction] = service.fake.wait_for("reactions.add")
    assert (reaction.args["channel"], reaction.args["timestamp"], reaction.args["name"]) == (
        "CPUBLIC",
        "1700000060.000200",
        "ticket",
    )
    full = rm.get(seed, f"/issues/{issue['id']}.json", include="attachments")["issue"]
    assert full["author"]["id"] == seed.users["erin"].id
    assert full["tracker"]["name"] == "Feature"
    assert full["priority"]["name"] == "High"
    assert full["assigned_to"]["id"] == seed.users["bob"].id
    assert full["category"]["name"] == "Backend"
    assert full["fixed_version"]["name"] == "1.0"
    assert full["description"].replace("\r\n", "\n") == (
        "The message, edited\n\n"
        "Thread in Slack:\n\n"
        "*Bob*, 2023-11-14 22:13 UTC:\nCheckout is slow again, anyone else?\n\n"
        "*deploybot*, 2023-11-14 22:15 UTC:\nRolled back to 2.2 @here"
    )
    [attachment] = full["attachments"]
    assert attachment["filename"] == "screenshot.png"
    assert attachment["author"]["id"] == seed.users["erin"].id
    with rm.admin(seed) as http:
        assert http.get(attachment["content_url"]).content == b"\x89PNG fake image bytes"
    assert service.fake.of("chat.postEphemeral") == []


def test_a_missing_reaction_scope_is_not_the_users_problem(service: RunningService) -> None:
    seed = service.seed
    service.fake.fail("reactions.add", "missing_scope")
    subject = f"No reaction {uuid.uuid4().hex[:8]}"
    metadata = json.dumps({"channel_id": "CPUBLIC", "message_ts": "5.5", "thread_ts": "5.5"})
    values = {**select("issue_project", str(seed.projects["alpha"])), **text("subject", subject)}
    service.interaction(submission("message_issue_modal", values, user="UALICE", metadata=metadata))
    [post] = service.fake.wait_for("chat.postMessage")
    service.fake.wait_for("reactions.add")
    assert in_thread(post, "5.5")
    [issue] = rm.issues_with_subject(seed, subject)
    assert issue["author"]["id"] == seed.users["alice"].id
    assert "Redmine" not in json.dumps([c.args for c in service.fake.of("chat.postEphemeral")])
    assert service.fake.of("chat.postEphemeral") == []


def test_create_errors_are_on_their_fields_and_nothing_is_written(
    service: RunningService,
) -> None:
    before = rm.count_issues(service.seed)
    values = {**select("issue_project", None), **text("subject", "   ")}
    answer = service.interaction(submission("message_issue_modal", values, user="UALICE"))
    assert answer.json() == {
        "response_action": "errors",
        "errors": {
            "issue_project": "Choose the project the issue belongs to.",
            "subject": "The issue needs a subject.",
        },
    }
    assert rm.count_issues(service.seed) == before
    assert service.fake.of("chat.postMessage") == []


def test_a_required_custom_field_is_in_the_form_and_enforced(
    service: RunningService, required_field: tuple[int, int]
) -> None:
    seed = service.seed
    project_id, field_id = required_field
    service.interaction(load("shortcut__global"))  # alice, as the recorded shape
    opened(service)
    view_id = service.fake.view_id("message_issue_modal")
    service.choose(view_id, "issue_project", str(project_id), "Shortcuts", user="UALICE")
    service.fake.wait_for("views.update")
    support = str(seed.trackers["Support"])
    service.choose(view_id, f"issue_tracker.p{project_id}", support, "Support", user="UALICE")
    update = service.fake.wait_for("views.update", count=2)[-1]
    view = update.args["view"]
    assert_within_block_kit_limits(view)
    custom_id = f"cf_{field_id}.p{project_id}"
    custom = block(view, custom_id)
    assert custom["label"]["text"] == "Customer" and custom["optional"] is False
    tracker = block(view, f"issue_tracker.p{project_id}")["element"]
    assert tracker["initial_option"]["text"]["text"] == "Support"

    subject = f"Needs a customer {uuid.uuid4().hex[:8]}"
    before = rm.count_issues(seed)
    service.fake.enter(view_id, "subject", {"type": "plain_text_input", "value": subject})
    refused = service.submit(view_id, user="UALICE")
    assert refused.json() == {
        "response_action": "errors",
        "errors": {custom_id: "Customer is required in this project."},
    }
    assert rm.count_issues(seed) == before

    service.fake.enter(view_id, custom_id, {"type": "plain_text_input", "value": "ACME"})
    accepted = service.submit(view_id, user="UALICE")
    assert accepted.content in (b"", b"{}")
    # No channel in the metadata (as from the global shortcut): told directly.
    [direct] = service.fake.wait_for("chat.postMessage")
    assert direct.args["channel"] == "UALICE" and subject in direct.args["text"]
    [issue] = rm.issues_with_subject(seed, subject)
    assert [(cf["id"], cf["value"]) for cf in issue["custom_fields"]] == [(field_id, "ACME")]


def test_global_shortcut_opens_the_blank_form_and_answers_directly(
    service: RunningService,
) -> None:
    seed = service.seed
    service.interaction(load("shortcut__global"))
    view = opened(service)
    assert view["callback_id"] == "message_issue_modal"
    assert view["private_metadata"] == "{}"
    assert "initial_value" not in block(view, "subject")["element"]
    assert all(b.get("block_id") != "from_message" for b in view["blocks"])
    subject = f"From anywhere {uuid.uuid4().hex[:8]}"
    values = {**select("issue_project", str(seed.projects["alpha"])), **text("subject", subject)}
    service.interaction(
        submission("message_issue_modal", values, user="UALICE", metadata=view["private_metadata"])
    )
    [direct] = service.fake.wait_for("chat.postMessage")
    assert direct.args["channel"] == "UALICE" and subject in direct.args["text"]
    [issue] = rm.issues_with_subject(seed, subject)
    assert issue["author"]["id"] == seed.users["alice"].id
    assert service.fake.of("reactions.add") == []


def test_an_unmapped_user_gets_the_refusal_in_the_form(service: RunningService) -> None:
    service.interaction(message_action("create_issue", user="USTRANGER"))
    [update] = service.fake.wait_for("views.update")
    assert "stranger@example.com" in json.dumps(update.args["view"])


def test_create_in_a_project_the_user_cannot_add_to_answers_why(
    service: RunningService,
) -> None:
    seed = service.seed
    before = rm.count_issues(seed)
    metadata = json.dumps({"channel_id": "CPUBLIC", "message_ts": "6.6", "thread_ts": "6.6"})
    values = {**select("issue_project", str(seed.projects["secret"])), **text("subject", "nope")}
    service.interaction(submission("message_issue_modal", values, user="UERIN", metadata=metadata))
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UERIN" and told.args["thread_ts"] == "6.6"
    assert "Redmine" in told.args["text"]
    assert rm.count_issues(seed) == before
    assert service.fake.of("chat.postMessage") == []


# -- add as note ----------------------------------------------------------------------------


def test_add_note_prefills_the_message_and_writes_a_private_note_as_the_user(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(
        seed, subject=f"Queue stuck {uuid.uuid4().hex[:6]}", assigned_to_id=seed.users["bob"].id
    )
    service.interaction(message_action("add_note", user="UBOB"))
    view = opened(service)
    assert view["callback_id"] == "message_note_modal"
    note = block(view, "note")["element"]["initial_value"]
    permalink = "https://test.slack.invalid/archives/CPUBLIC/p1700000500000600"
    assert note == (
        "Fixed by restarting the _queue worker_; root cause still unknown\n\n"
        f'From Slack: "message":{permalink}'
    )
    picks = service.interaction(suggestion("issue_pick", user="UBOB")).json()
    assert f"#{issue['id']} {issue['subject']}" in labels(picks)

    values = {
        **text("issue", f"#{issue['id']}"),
        **select("issue_pick", None),
        **text("note", note),
        **checked("private", "private_note"),
    }
    answer = service.interaction(
        submission("message_note_modal", values, user="UBOB", metadata=view["private_metadata"])
    )
    assert answer.content in (b"", b"{}")
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UBOB" and told.args["thread_ts"] == "1700000500.000600"
    assert f"#{issue['id']}" in told.args["text"]
    assert service.fake.of("chat.postMessage") == []  # a private note never reaches the channel
    [journal] = rm.journals(seed, issue["id"])
    assert journal["user"]["id"] == seed.users["bob"].id
    assert journal["notes"] == note and journal["private_notes"] is True


def test_a_private_note_from_someone_who_may_not_write_one_is_held_back(
    service: RunningService,
) -> None:
    # Erin is a Reporter in alpha, a role without "Set notes as private" in Redmine's
    # default roles. Redmine would drop the flag and save the note for everyone to read
    # (safe attributes, 204), so the form refuses it and keeps her text.
    seed = service.seed
    issue = rm.create_issue(seed, subject=f"Private try {uuid.uuid4().hex[:6]}")
    roles = rm.get(seed, f"/roles/{seed.roles['Reporter']}.json")["role"]
    assert "set_notes_private" not in roles["permissions"]
    metadata = json.dumps({"channel_id": "CPUBLIC", "message_ts": "8.8", "thread_ts": "8.8"})
    values = {
        **text("issue", str(issue["id"])),
        **select("issue_pick", None),
        **text("note", "Salary figures attached"),
        **checked("private", "private_note"),
    }
    answer = service.interaction(
        submission("message_note_modal", values, user="UERIN", metadata=metadata)
    )
    assert answer.json() == {
        "response_action": "errors",
        "errors": {
            "private": "Your role in Alpha may not write private notes, and Redmine would "
            "save this one for everyone to read. Untick it to add the note for everyone."
        },
    }
    assert rm.journals(seed, issue["id"]) == []


def test_a_picked_issue_gets_a_public_note_announced_in_the_thread(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject=f"Public note {uuid.uuid4().hex[:6]}")
    metadata = json.dumps({"channel_id": "CPUBLIC", "message_ts": "7.7", "thread_ts": "7.7"})
    values = {
        **text("issue", None),
        **select("issue_pick", str(issue["id"])),
        **text("note", "Plain words"),
    }
    service.interaction(submission("message_note_modal", values, user="UALICE", metadata=metadata))
    [post] = service.fake.wait_for("chat.postMessage")
    assert in_thread(post, "7.7") and f"#{issue['id']}" in post.args["text"]
    [journal] = rm.journals(seed, issue["id"])
    assert journal["notes"].startswith("Plain words") and journal["private_notes"] is False
    assert "p7" in journal["notes"]  # the permalink, fetched now since the form lacked it


@pytest.mark.parametrize(
    ("issue_text", "note", "field", "expected"),
    [
        ("abc", "x", "issue", "`abc` is not an issue number: type e.g. 123 or #123."),
        (None, "x", "issue", "Type the issue's number, or choose one of your issues."),
        ("999999", "x", "issue", "There is no issue #999999 that you can see in Redmine."),
        ("SECRET", "x", "issue", "There is no issue #{secret} that you can see in Redmine."),
        ("OPEN", None, "note", "The note is empty."),
    ],
)
def test_note_field_errors_write_nothing(
    service: RunningService, issue_text: str | None, note: str | None, field: str, expected: str
) -> None:
    seed = service.seed
    secret = rm.create_issue(seed, project_id=seed.projects["secret"], subject="hidden")
    open_issue = rm.create_issue(seed, subject="visible")
    typed = {"SECRET": str(secret["id"]), "OPEN": str(open_issue["id"])}.get(
        issue_text or "", issue_text
    )
    values = {**text("issue", typed), **text("note", note)}
    answer = service.interaction(submission("message_note_modal", values, user="UERIN"))
    assert answer.json() == {
        "response_action": "errors",
        "errors": {field: expected.format(secret=secret["id"])},
    }
    assert rm.journals(seed, secret["id"]) == [] and rm.journals(seed, open_issue["id"]) == []


# -- log time -------------------------------------------------------------------------------


def test_log_time_defaults_to_today_in_the_users_zone_and_logs_as_them(
    service: RunningService,
) -> None:
    seed = service.seed
    service.fake.users["UBOB"]["tz"] = "Pacific/Kiritimati"  # UTC+14: often another day
    issue = rm.create_issue(seed, subject=f"Time sink {uuid.uuid4().hex[:6]}")
    service.interaction(message_action("log_time", user="UBOB"))
    view = opened(service)
    assert view["callback_id"] == "message_time_modal"
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    assert block(view, "spent_on")["element"]["initial_date"] == today
    comment = block(view, "comment")["element"]["initial_value"]
    assert comment == "Fixed by restarting the queue worker; root cause still unknown"
    # Picking the issue rebuilds the form for its project: options requests carry no
    # state, so the project travels in private_metadata and scopes the activity input.
    view_id = service.fake.view_id("message_time_modal")
    label = f"#{issue['id']} {issue['subject']}"
    service.choose(view_id, "issue_pick", str(issue["id"]), label, user="UBOB")
    [update] = service.fake.wait_for("views.update")
    project = issue["project"]["id"]
    assert json.loads(update.args["view"]["private_metadata"])["project_id"] == project
    activity_block = f"activity.p{project}"
    assert block(update.args["view"], activity_block)["element"]["action_id"] == "activity"
    asked = suggestion("activity", user="UBOB")
    asked["block_id"] = activity_block
    asked["view"] = service.fake.view_payload(view_id)
    activities = service.interaction(asked).json()
    assert set(labels(activities)) == {"Design", "Development"}

    development = str(seed.activities["Development"])
    for block_id, element in (
        ("hours", {"type": "plain_text_input", "value": "1h30"}),
        (activity_block, {"type": "external_select", "selected_option": option_of(development)}),
        ("spent_on", {"type": "datepicker", "selected_date": "2026-01-15"}),
    ):
        service.fake.enter(view_id, block_id, element)
    before = rm.count_time_entries(seed)
    answer = service.submit(view_id, user="UBOB")
    assert answer.content in (b"", b"{}")
    [post] = service.fake.wait_for("chat.postMessage")
    assert in_thread(post, "1700000500.000600")
    assert "logged 1.5 h of Development" in post.args["text"]
    assert rm.count_time_entries(seed) == before + 1
    [entry] = rm.get(seed, "/time_entries.json", issue_id=issue["id"])["time_entries"]
    assert entry["user"]["id"] == seed.users["bob"].id
    assert entry["hours"] == 1.5 and entry["activity"]["name"] == "Development"
    assert entry["spent_on"] == "2026-01-15" and entry["comments"] == comment


@pytest.mark.parametrize(
    ("hours", "activity", "issue_text", "errors"),
    [
        (
            "abc",
            "Development",
            "OPEN",
            {
                "hours": "`abc` is not a duration. Use e.g. `1.5`, `1h30`, `1:30`, `90m` or `1h 30min`."
            },
        ),
        ("", "Development", "OPEN", {"hours": "How many hours? e.g. 1.5, 1h30, 1:30 or 90m."}),
        ("0", "Development", "OPEN", {"hours": "Hours must be more than zero."}),
        ("2", None, "OPEN", {"activity": "Choose an activity."}),
        (
            "2",
            "Development",
            "SECRET",
            {"issue": "There is no issue #{secret} that you can see in Redmine."},
        ),
    ],
)
def test_time_field_errors_write_nothing(
    service: RunningService,
    hours: str,
    activity: str | None,
    issue_text: str,
    errors: dict[str, str],
) -> None:
    seed = service.seed
    secret = rm.create_issue(seed, project_id=seed.projects["secret"], subject="hidden time")
    open_issue = rm.create_issue(seed, subject="open time")
    typed = {"SECRET": str(secret["id"]), "OPEN": str(open_issue["id"])}[issue_text]
    values = {
        **text("issue", typed),
        **text("hours", hours or None),
        **select("activity", str(seed.activities[activity]) if activity else None),
        **picked_date("spent_on", "2026-01-15"),
    }
    before = rm.count_time_entries(seed)
    answer = service.interaction(submission("message_time_modal", values, user="UERIN"))
    expected = {k: v.format(secret=secret["id"]) for k, v in errors.items()}
    assert answer.json() == {"response_action": "errors", "errors": expected}
    assert rm.count_time_entries(seed) == before


# -- attach files -------------------------------------------------------------------------


def test_a_message_without_files_is_answered_at_once(service: RunningService) -> None:
    answer = service.interaction(message_action("attach_files", user="UBOB"))
    assert answer.status_code == 200
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert told.args["text"] == NO_FILES and told.args["user"] == "UBOB"
    assert told.args["thread_ts"] == "1700000500.000600"
    assert service.fake.of("views.open") == []


def test_attach_streams_each_file_and_names_the_one_over_the_limit(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject=f"Logs wanted {uuid.uuid4().hex[:6]}")
    log_bytes = b"2026-01-01 ERROR boom\n" * 500
    big = os.urandom(5 * 1024 * 1024 + 1)  # one byte over Redmine's 5 MB default
    service.fake.add_file("F0LOGS", "server.log", log_bytes, "text/plain")
    service.fake.add_file("F0BIG", "core.dump", big, "application/octet-stream")
    files = [service.fake.files["F0LOGS"], service.fake.files["F0BIG"]]
    payload = message_action(
        "attach_files", fixture="message_action__with_files", user="UBOB", files=files
    )
    service.interaction(payload)
    view = opened(service)
    assert view["callback_id"] == "message_attach_modal"
    assert "`server.log`" in view["blocks"][0]["text"]["text"]
    assert json.loads(view["private_metadata"])["file_ids"] == ["F0LOGS", "F0BIG"]

    values = {**text("issue", str(issue["id"]))}
    answer = service.interaction(
        submission("message_attach_modal", values, user="UBOB", metadata=view["private_metadata"])
    )
    assert answer.content in (b"", b"{}")
    [post] = service.fake.wait_for("chat.postMessage")
    assert in_thread(post, "1700000400.000500") and "`server.log`" in post.args["text"]
    assert "core.dump" not in post.args["text"]
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert told.args["user"] == "UBOB" and "`core.dump` was not attached" in told.args["text"]
    assert told.args["text"].endswith(f"{MAX_SIZE_MESSAGE} (5 MB)")
    downloads = service.fake.of("file_download")
    assert {d.args["file"] for d in downloads} == {"F0LOGS", "F0BIG"}
    assert {c.args["file"] for c in service.fake.of("files.info")} == {"F0LOGS", "F0BIG"}
    [journal] = rm.journals(seed, issue["id"])
    assert journal["user"]["id"] == seed.users["bob"].id
    assert journal["notes"] == (
        'From Slack: "message":https://test.slack.invalid/archives/CPUBLIC/p1700000400000500'
    )
    attachments = rm.get(seed, f"/issues/{issue['id']}.json", include="attachments")["issue"][
        "attachments"
    ]
    assert [(a["filename"], a["filesize"]) for a in attachments] == [("server.log", len(log_bytes))]
    with rm.admin(seed) as http:
        assert http.get(attachments[0]["content_url"]).content == log_bytes


def test_attach_to_an_issue_the_user_cannot_see_is_a_field_error(
    service: RunningService,
) -> None:
    seed = service.seed
    secret = rm.create_issue(seed, project_id=seed.projects["secret"], subject="hidden files")
    metadata = json.dumps({"channel_id": "CPUBLIC", "message_ts": "8.8", "file_ids": ["F1"]})
    answer = service.interaction(
        submission(
            "message_attach_modal",
            text("issue", str(secret["id"])),
            user="UERIN",
            metadata=metadata,
        )
    )
    assert answer.json() == {
        "response_action": "errors",
        "errors": {"issue": f"There is no issue #{secret['id']} that you can see in Redmine."},
    }
    assert service.fake.of("files.info") == [] and service.fake.of("file_download") == []
    assert rm.journals(seed, secret["id"]) == []


def _create_with_thread(service: RunningService, channel: str, subject: str) -> None:
    metadata = json.dumps(
        {
            "channel_id": channel,
            "message_ts": "1700000060.000200",
            "thread_ts": "1700000000.000100",
            "in_thread": True,
        }
    )
    values = {
        **select("issue_project", str(service.seed.projects["alpha"]), "Alpha"),
        **text("subject", subject),
        **checked("from_message", "thread"),
    }
    answer = service.interaction(
        submission("message_issue_modal", values, user="UALICE", metadata=metadata)
    )
    assert answer.content in (b"", b"{}")


def test_copying_a_thread_in_a_public_channel_joins_it_first(
    service: RunningService, thread: list[dict[str, Any]]
) -> None:
    # Slack answers not_in_channel to conversations.replies until the bot joins
    # (api.slack.com/methods/conversations.replies, Errors); the fake does too.
    service.fake.channels["CPUBLIC"]["is_member"] = False
    subject = f"Thread from a channel I'm not in {uuid.uuid4().hex[:8]}"
    _create_with_thread(service, "CPUBLIC", subject)
    service.fake.wait_for("chat.postMessage")
    [join] = service.fake.of("conversations.join")
    assert join.args["channel"] == "CPUBLIC"
    [issue] = rm.issues_with_subject(service.seed, subject)
    assert "Checkout is slow again, anyone else?" in issue["description"]


def test_a_thread_in_a_private_channel_without_the_bot_is_not_copied_silently(
    service: RunningService, thread: list[dict[str, Any]]
) -> None:
    service.fake.add_channel("CPRIVATE", private=True, member=False)
    service.fake.channels["CPRIVATE"]["replies"] = thread
    subject = f"Thread from a private channel {uuid.uuid4().hex[:8]}"
    _create_with_thread(service, "CPRIVATE", subject)
    # Ephemerals in a channel the bot is not in fail, so the person hears it directly.
    service.fake.wait_for(
        "chat.postMessage",
        lambda c: c.args["channel"] == "UALICE" and INVITE_TO_COPY in c.args["text"],
    )
    [issue] = rm.issues_with_subject(service.seed, subject)
    assert "Checkout is slow" not in (issue.get("description") or "")
