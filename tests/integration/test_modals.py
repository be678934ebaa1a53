"""Modals opened by commands: create, connect, attach; validated before the ack."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.support.signing import command_body


def _view_submission(
    callback_id: str, values: dict[str, Any], *, user: str = "UALICE", private_metadata: str = ""
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "T.submit",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": callback_id,
            "team_id": "T1",
            "private_metadata": private_metadata,
            "hash": "h1",
            "state": {"values": values},
        },
    }


def _select(block: str, value: str | None, kind: str = "external_select") -> dict[str, Any]:
    # A project-scoped input (`tracker.p7`) keeps its plain action_id.
    option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
    return {block: {block.split(".")[0]: {"type": kind, "selected_option": option}}}


def _text(block: str, value: str | None) -> dict[str, Any]:
    return {block: {block: {"type": "plain_text_input", "value": value}}}


def test_create_without_words_opens_the_modal_at_once(service: RunningService) -> None:
    assert service.command("create", trigger_id="T.trigger").status_code == 200
    [call] = service.fake.wait_for("views.open")
    view = call.args["view"]
    assert call.args["trigger_id"] == "T.trigger"
    assert view["callback_id"] == "create_issue_modal"
    assert len(view["title"]["text"]) <= 24
    # The one new-issue form: the project first; what depends on it follows its choice.
    assert [b.get("block_id") for b in view["blocks"]] == [
        "issue_project",
        None,  # the context line saying so
        "subject",
        "description",
    ]
    assert json.loads(view["private_metadata"]) == {"channel_id": "CPUBLIC"}


def test_create_modal_for_an_unmapped_user_turns_into_the_refusal(service: RunningService) -> None:
    service.command("create", user="USTRANGER")
    [update] = service.fake.wait_for("views.update")
    assert "stranger@example.com" in json.dumps(update.args["view"])


def test_create_modal_submission_creates_the_issue_as_the_user(service: RunningService) -> None:
    subject = f"From the modal {uuid.uuid4().hex[:8]}"
    seed = service.seed
    alpha = seed.projects["alpha"]
    # As submitted once the project was chosen: its inputs scoped to it, and the project
    # in private_metadata (written by the views.update that followed the choice).
    values = {
        **_select("issue_project", str(alpha)),
        **_select(f"issue_tracker.p{alpha}", str(seed.trackers["Feature"]), "static_select"),
        **_text("subject", subject),
        **_text("description", "It *really* matters"),
        **_select(f"priority.p{alpha}", None, "static_select"),
        **_select(f"assignee.p{alpha}", str(seed.users["bob"].id), "static_select"),
    }
    metadata = json.dumps({"channel_id": "CPUBLIC", "project_id": alpha})
    answer = service.interaction(
        _view_submission("create_issue_modal", values, user="UERIN", private_metadata=metadata)
    )
    assert answer.status_code == 200 and answer.content in (b"", b"{}")
    [post] = service.fake.wait_for("chat.postMessage")
    assert post.args["channel"] == "CPUBLIC" and subject in post.args["text"]
    [issue] = rm.issues_with_subject(seed, subject)
    assert issue["author"]["id"] == seed.users["erin"].id
    assert issue["tracker"]["name"] == "Feature"
    assert issue["assigned_to"]["id"] == seed.users["bob"].id
    assert issue["description"] == "It *really* matters"
    # The card carries the issue as a Work Object too (docs.slack.dev/messaging/
    # work-objects-overview: chat.postMessage with entity metadata).
    [entity] = post.args["metadata"]["entities"]
    assert entity["entity_type"] == "slack#/entities/task"
    assert entity["external_ref"] == {"id": str(issue["id"]), "type": "issue"}
    assert "description" not in entity["entity_payload"]["fields"]  # the channel sees it


def test_create_modal_errors_are_on_their_fields_and_nothing_is_written(
    service: RunningService,
) -> None:
    before = rm.count_issues(service.seed)
    values = {**_select("issue_project", None), **_text("subject", "   ")}
    answer = service.interaction(_view_submission("create_issue_modal", values))
    assert answer.json() == {
        "response_action": "errors",
        "errors": {
            "issue_project": "Choose the project the issue belongs to.",
            "subject": "The issue needs a subject.",
        },
    }
    assert rm.count_issues(service.seed) == before


def test_project_options_come_from_what_the_user_can_see(service: RunningService) -> None:
    payload = {
        "type": "block_suggestion",
        "action_id": "issue_project",
        "block_id": "issue_project",
        "value": "",
        "team": {"id": "T1"},
        "user": {"id": "UDAVE"},
        "api_app_id": "A1",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "create_issue_modal",
            "state": {"values": {}},
        },
    }
    labels = [o["text"]["text"] for o in service.interaction(payload).json()["options"]]
    assert "Alpha" in labels and "Secret" not in labels  # dave is in no private project
    payload["user"] = {"id": "UALICE"}
    labels = [o["text"]["text"] for o in service.interaction(payload).json()["options"]]
    assert "Secret" in labels


def test_connect_with_a_valid_key_then_whoami_and_disconnect(service: RunningService) -> None:
    service.command("connect", user="USTRANGER")
    [opened] = service.fake.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "connect_modal"
    key = service.seed.users["erin"].api_key
    answer = service.interaction(
        _view_submission("connect_modal", _text("api_key", key), user="USTRANGER")
    )
    assert answer.json()["response_action"] == "update"
    assert "`erin`" in json.dumps(answer.json()["view"])
    service.command("whoami", user="USTRANGER")
    assert "`erin`" in service.wait_response()["text"]
    service.command("disconnect", user="USTRANGER")
    service.fake.wait_for("response_url", count=2)
    service.command("whoami", user="USTRANGER")
    last = service.fake.wait_for("response_url", count=3)[-1].args["text"]
    assert "stranger@example.com" in last  # back to the email match, which fails


def test_connect_with_a_wrong_key_is_a_field_error(service: RunningService) -> None:
    answer = service.interaction(_view_submission("connect_modal", _text("api_key", "0" * 40)))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "did not accept" in body["errors"]["api_key"]
    malformed = service.interaction(_view_submission("connect_modal", _text("api_key", "hello")))
    assert "40 characters" in malformed.json()["errors"]["api_key"]


def test_attach_streams_the_files_into_the_issue(service: RunningService) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject=f"Needs files {uuid.uuid4().hex[:6]}")
    service.command(f"attach {issue['id']}", user="UBOB")
    [opened] = service.fake.wait_for("views.open")
    assert opened.args["view"]["blocks"][1]["element"]["type"] == "file_input"
    metadata = opened.args["view"]["private_metadata"]
    content = bytes(range(256)) * 64
    service.fake.add_file("F1", "trace.bin", content, "application/octet-stream")
    service.fake.add_file("F2", "notes.txt", b"hello redmine", "text/plain")
    files = [
        service.fake.files["F1"],
        service.fake.files["F2"],
        {"id": "F3", "name": "evil.txt", "url_private_download": "http://127.0.0.2:9/steal"},
    ]
    values = {"files": {"files": {"type": "file_input", "files": files}}}
    answer = service.interaction(
        _view_submission("attach_modal", values, user="UBOB", private_metadata=metadata)
    )
    assert answer.status_code == 200
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert "`trace.bin`" in told.args["text"] and "`notes.txt`" in told.args["text"]
    assert "`evil.txt` was not attached" in told.args["text"]
    attachments = rm.get(seed, f"/issues/{issue['id']}.json", include="attachments")["issue"][
        "attachments"
    ]
    by_name = {a["filename"]: a for a in attachments}
    assert set(by_name) == {"trace.bin", "notes.txt"}
    assert by_name["trace.bin"]["filesize"] == len(content)
    assert by_name["trace.bin"]["author"]["id"] == seed.users["bob"].id
    with rm.admin(seed) as http:
        assert http.get(by_name["trace.bin"]["content_url"]).content == content


def _options(view: dict[str, Any], block_id: str) -> list[str]:
    element = next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]
    return [o["text"]["text"] for o in element["options"]]


def test_a_person_who_picks_a_project_then_an_assignee_gets_that_projects_members(
    service: RunningService,
) -> None:
    seed = service.seed
    alpha, sub = seed.projects["alpha"], seed.projects["alpha-sub"]
    service.command("create", user="UERIN")
    service.fake.wait_for("views.open")
    view_id = service.fake.view_id("create_issue_modal")
    blank = service.fake.views[view_id]
    assert not any("assignee" in str(b.get("block_id")) for b in blank["blocks"])  # no project yet

    service.choose(view_id, "issue_project", str(alpha), "Alpha", user="UERIN")
    [update] = service.fake.wait_for("views.update")
    view = update.args["view"]
    assert view["callback_id"] == "create_issue_modal"  # still answers in the channel
    assert json.loads(view["private_metadata"]) == {"channel_id": "CPUBLIC", "project_id": alpha}
    scoped = [b["block_id"] for b in view["blocks"] if ".p" in str(b.get("block_id"))]
    assert f"issue_tracker.p{alpha}" in scoped and f"assignee.p{alpha}" in scoped
    assert {"Alice Archer", "Bob Baker"} <= set(_options(view, f"assignee.p{alpha}"))

    # A switch to a project where only alice is a member: the list follows it, and the
    # assignee chosen for alpha is not submitted.
    bob = str(seed.users["bob"].id)
    chosen = {"text": {"type": "plain_text", "text": "Bob Baker"}, "value": bob}
    service.fake.enter(
        view_id, f"assignee.p{alpha}", {"type": "static_select", "selected_option": chosen}
    )
    subject = f"Switched in the modal {uuid.uuid4().hex[:8]}"
    service.fake.enter(view_id, "subject", {"type": "plain_text_input", "value": subject})
    service.choose(view_id, "issue_project", str(sub), "Alpha Sub", user="UERIN")
    second = service.fake.wait_for("views.update", count=2)[-1].args["view"]
    assert _options(second, f"assignee.p{sub}") == ["Alice Archer"]
    payload = {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": "UALICE", "username": "ualice", "team_id": "T1"},
        "api_app_id": "A1",
        "view": service.fake.view_payload(view_id),
    }
    assert service.interaction(payload).content in (b"", b"{}")
    service.fake.wait_for("chat.postMessage")
    [issue] = rm.issues_with_subject(seed, subject)
    assert issue["project"]["id"] == sub and "assigned_to" not in issue


def test_a_rate_limited_views_open_is_answered_not_dropped(service: RunningService) -> None:
    # Slack answers 429 with Retry-After and error `ratelimited` (api.slack.com/apis/rate-limits).
    # Waiting 5 s would outlive the trigger (good for 3 s): no retry, the person is told.
    service.fake.ratelimit("views.open", retry_after=5)
    service.command("create")
    answer = service.wait_response()
    assert "ratelimited" in answer["text"]
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    assert len(service.fake.of("views.open")) == 1
    assert [c.args.get("view_id") for c in service.fake.of("views.update")] == []


def test_a_short_rate_limit_on_views_open_is_waited_out(service: RunningService) -> None:
    # Retry-After: 1 leaves time to spend the trigger: one retry after exactly that wait.
    service.fake.ratelimit("views.open", retry_after=1)
    service.command("create")
    first, second = service.fake.wait_for("views.open", count=2)
    assert first.args["trigger_id"] == second.args["trigger_id"]
    assert second.args["view"]["callback_id"] == "create_issue_modal"
    assert service.responses() == []  # the modal opened: nothing to apologise for


def test_an_expired_trigger_is_answered_not_dropped(service: RunningService) -> None:
    # A trigger_id is good for 3 s (api.slack.com/interactivity/handling); the fake
    # answers views.open with expired_trigger_id after that, as Slack does.
    service.fake.issue_trigger("T.old", age=4.0)  # issued 4 s before the command arrives
    body = command_body(
        "create",
        user_id="UALICE",
        channel_id="CPUBLIC",
        response_url=service.fake.response_url(),
        trigger_id="T.old",
    )
    service.post(body)  # sent as is: RunningService.command would issue a fresh trigger
    [opened] = service.fake.wait_for("views.open")
    assert opened.args["trigger_id"] == "T.old"
    assert "expired_trigger_id" in service.wait_response()["text"]


def test_attach_names_a_file_over_the_limit_in_megabytes(service: RunningService) -> None:
    """`/redmine attach` and the message shortcut share one upload path: a refused size
    reads "5 MB", never Redmine's raw byte count (5242880)."""
    seed = service.seed
    issue = rm.create_issue(seed, subject=f"Too big {uuid.uuid4().hex[:6]}")
    service.command(f"attach {issue['id']}", user="UBOB")
    [opened] = service.fake.wait_for("views.open")
    big = os.urandom(5 * 1024 * 1024 + 1)  # one byte over Redmine's 5 MB default
    service.fake.add_file("F9", "core.dump", big, "application/octet-stream")
    # A file_input's state carries the uploaded file objects under `files`
    # (docs.slack.dev/reference/block-kit/block-elements/file-input-element; the
    # view.state.values shape added in slackapi/bolt-js pull 1995).
    values = {"files": {"files": {"type": "file_input", "files": [service.fake.files["F9"]]}}}
    metadata = opened.args["view"]["private_metadata"]
    service.interaction(
        _view_submission("attach_modal", values, user="UBOB", private_metadata=metadata)
    )
    [told] = service.fake.wait_for("chat.postEphemeral")
    assert told.args["text"].startswith("`core.dump` was not attached:")
    assert told.args["text"].endswith("maximum allowed file size (5 MB)")
    assert "5242880" not in told.args["text"]
    assert (
        rm.get(seed, f"/issues/{issue['id']}.json", include="attachments")["issue"]["attachments"]
        == []
    )
