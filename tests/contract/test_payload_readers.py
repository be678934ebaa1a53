"""Every payload reader the app has, run on payloads shaped as Slack publishes them.

The fixtures (tests/contract/fixtures/) are hand-written after Slack's own recorded
samples and reference pages, each naming its source in `_source`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.actions.unfurl import issue_links
from bot.blocks import modals
from bot.blocks.metadata import ModalContext
from bot.domain.message_text import subject_from
from bot.inputs import grammar
from bot.inputs.forms import AttachForm, IssueForm, TimeForm
from bot.slack.door.payloads import check
from bot.slack.messages import SlackMessage
from handlers.options import form_project

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    assert data.pop("_source")  # every fixture names what it follows
    return data


def test_slash_command_text_arrives_as_typed() -> None:
    # should_escape is false in the manifest: a mention comes as "@bob", not "<@U…>".
    command = load("slash_command")
    manifest_escape = _manifest_should_escape()
    assert manifest_escape is False
    parsed = grammar.parse(command["text"])
    assert isinstance(parsed, grammar.Note)
    assert (parsed.issue_id, parsed.text) == (12, "deployed, cc @bob")


def _manifest_should_escape() -> bool:
    manifest = yaml.safe_load((FIXTURES.parents[2] / "slack-manifest.yml").read_text())
    value: bool = manifest["features"]["slash_commands"][0]["should_escape"]
    return value


def test_a_bots_message_has_no_user_and_still_makes_a_form() -> None:
    payload = load("message_action__bot_message")
    message = SlackMessage.from_payload(payload["message"], payload["channel"]["id"])
    assert message.user_id is None and not message.in_thread
    assert message.answer_ts == "1700000050.000100"
    assert subject_from(message.text) == "Deploy of checkout 2.3 failed"
    context = ModalContext.of(message, None)
    assert ModalContext.decode(context.encode()) == context


def test_a_thread_parent_with_replies_is_in_a_thread() -> None:
    payload = load("message_action__thread_parent")
    message = SlackMessage.from_payload(payload["message"], payload["channel"]["id"])
    assert message.in_thread and message.reply_count == 3
    assert message.answer_ts == message.ts == "1700000000.000100"


def test_slack_connect_files_are_known_by_id_only() -> None:
    # No URL in the payload: the app asks files.info for each id before downloading.
    payload = load("message_action__slack_connect_files")
    message = SlackMessage.from_payload(payload["message"], payload["channel"]["id"])
    assert message.file_ids == ("FCONNECT1", "FCONNECT2")


def test_a_global_shortcut_has_no_channel_and_no_message() -> None:
    payload = load("shortcut__global")
    assert "channel" not in payload and "message" not in payload
    assert ModalContext().encode() == "{}"


def test_an_options_request_without_state_still_knows_the_project() -> None:
    payload = load("block_suggestion__empty_state")
    assert payload["view"]["state"] == {"values": {}}
    assert form_project(payload["view"]) == 7


def test_issue_form_submission_reads_scoped_and_plain_inputs() -> None:
    view = load("view_submission__issue_form")["view"]
    form = IssueForm.from_view(view)
    assert (form.project_id, form.tracker_id, form.assignee_id) == (7, 1, None)
    assert form.subject == "Checkout times out" and form.description == ""
    assert form.custom_fields == {5: "ACME"} and form.include_thread
    assert form.errors() == {}
    assert modals.scoped_errors({"cf_5": "x"}, view) == {"cf_5.p7": "x"}


def test_time_form_submission_reads_text_select_and_date() -> None:
    form = TimeForm.from_view(load("view_submission__time_form")["view"])
    assert (form.issue_id, form.hours, form.activity_id) == (12, Decimal("1.5"), 9)
    assert form.spent_on == date(2026, 1, 15) and form.comment == "restarted the worker"
    assert form.errors() == {}


def test_file_input_submission_reads_the_files() -> None:
    form = AttachForm.from_view(load("view_submission__attach_form")["view"])
    assert [(f.id, f.name, f.size) for f in form.files] == [("F1", "trace.log", 2048)]
    assert form.errors() == {}


@pytest.mark.parametrize("name", ["link_shared__channel", "link_shared__composer"])
def test_link_shared_links_are_found_in_both_shapes(name: str) -> None:
    event = load(name)
    urls = [link["url"] for link in event["links"]]
    assert issue_links(urls, "https://redmine.example.com") == {
        "https://redmine.example.com/issues/12": 12
    }
    if event["source"] == "composer":
        assert event["unfurl_id"] and event["channel"] == "COMPOSER"
    else:
        assert event["channel"] == "C1" and event["message_ts"]


# Events arrive inside the Events API envelope (docs.slack.dev/apis/events-api, "Callback
# field overview"): token, team_id, api_app_id, event, type, event_id, event_time.
def _as_slack_sends(name: str) -> dict[str, Any]:
    body = load(name)
    if body.get("type") in {"link_shared", "app_home_opened"}:
        return {
            "token": "XXYYZZ",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": body,
            "type": "event_callback",
            "event_id": "Ev08MFMKH6",
            "event_time": 1700000000,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        }
    return body


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_the_shape_check_takes_every_payload_slack_publishes(name: str) -> None:
    # The boundary refuses what is not Slack's (bot/slack/door/payloads.py); what Slack really
    # sends must never be refused.
    assert check(_as_slack_sends(name)) is None
