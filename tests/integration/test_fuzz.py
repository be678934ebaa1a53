"""Hostile payloads, signed as Slack signs, over real HTTP into the running service.

For every payload type, hypothesis (fixed seed, bounded examples) breaks a payload of
Slack's shape: fields deleted, given the wrong type, or given values like "²", 1e309 or
100 kB. Each must be answered within Slack's three seconds, never with a 5xx, never with
a traceback in the log, never left un-acked, and must write nothing into Redmine.

The base payloads follow the shapes Slack publishes: our hand-written fixtures in
tests/fixtures (after slackapi/java-slack-sdk json-logs/samples), the slash command form
of tests/support/signing.py, and for view_closed, url_verification and link_shared the
payloads in https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
and https://docs.slack.dev/reference/events/{url_verification,link_shared}.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.blocks import modals
from bot.blocks.issues import SEARCH_MORE_ACTION, encode_search_page
from bot.inputs.forms import NO_PROJECT, unreadable_files
from handlers.form_changes import FORM_NOT_OPEN
from tests.fixtures import load
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.support.jsonpaths import json_paths
from tests.support.malformed import KNOWN_MALFORMED
from tests.support.signing import command_body, signed_headers

# Someone with no Redmine account: even a payload that survives breaking cannot write.
NOBODY = "USTRANGER"
ACK_SECONDS = 3.0
EXAMPLES = 40

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.sampled_from(["", "²", "1e309", "١٢", "#²", "abc", "-1", "0", "x" * 100_000]),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _mutate(payload: dict[str, Any], path: tuple[Any, ...], action: str, value: Any) -> None:
    parent: Any = payload
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@st.composite
def broken(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    payload = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = sorted(json_paths(payload), key=repr)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["delete", "replace"]))
        _mutate(payload, path, action, draw(HOSTILE_VALUES))
    return payload


def _as_nobody(payload: dict[str, Any], service: RunningService) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    if isinstance(payload.get("user"), dict):
        payload["user"]["id"] = NOBODY
    if "response_url" in payload:
        payload["response_url"] = service.fake.response_url("fuzz")
    return payload


def _search_more() -> dict[str, Any]:
    payload = load("block_actions__issue_project")
    payload["container"] = {"type": "message", "message_ts": "1.2", "is_ephemeral": True}
    payload.pop("view", None)
    payload["actions"] = [
        {
            "type": "button",
            "action_id": SEARCH_MORE_ACTION,
            "block_id": "more",
            "value": encode_search_page("printer", 10),
            "action_ts": "1700000000.1",
        }
    ]
    payload["response_url"] = "https://hooks.slack.test/actions/T1/1/x"
    return payload


def _view_closed() -> dict[str, Any]:
    payload = load("view_submission__message_form")
    payload["type"] = "view_closed"
    payload["is_cleared"] = False
    return payload


def _link_shared() -> dict[str, Any]:
    return {
        "token": "legacy-unused",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "Ev0FUZZ",
        "event_time": 1700000000,
        "event": {
            "type": "link_shared",
            "channel": "CPUBLIC",
            "user": NOBODY,
            "message_ts": "1700000000.000001",
            "links": [{"domain": "127.0.0.1", "url": "http://127.0.0.1/issues/1"}],
        },
    }


def _card_click(action_id: str) -> dict[str, Any]:
    """A button on a card the bot posted (container.is_ephemeral false)."""
    payload = load("block_actions__issue_project")
    payload["container"] = {
        "type": "message",
        "message_ts": "1700000001.000100",
        "channel_id": "CPUBLIC",
        "is_ephemeral": False,
    }
    payload.pop("view", None)
    payload["channel"] = {"id": "CPUBLIC", "name": "general"}
    payload["actions"] = [
        {
            "type": "button",
            "action_id": action_id,
            "block_id": "card.1.1700000000",
            "value": "card.1.1700000000",
            "action_ts": "1700000000.1",
        }
    ]
    payload["response_url"] = "https://hooks.slack.test/actions/T1/1/x"
    return payload


def _card_edit_submission() -> dict[str, Any]:
    """The Edit form of a card, as the app draws it, submitted with a choice in each."""
    payload = load("view_submission__message_form")
    metadata = {
        "channel_id": "CPUBLIC",
        "issue_id": 1,
        "project_id": 1,
        "card": "card.1.1700000000",
        "card_surface": "ephemeral",
        "response_url": "https://hooks.slack.test/actions/T1/1/x",
    }

    def chosen(value: str) -> dict[str, Any]:
        option = {"text": {"type": "plain_text", "text": value}, "value": value}
        return {"type": "static_select", "selected_option": option}

    payload["view"]["callback_id"] = "issue_edit_modal"
    payload["view"]["private_metadata"] = json.dumps(metadata)
    payload["view"]["state"] = {
        "values": {
            "edit_status": {"edit_status": chosen("2")},
            "edit_assignee": {"edit_assignee": chosen("0")},
            "edit_priority": {"edit_priority": chosen("3")},
            "edit_due_date": {
                "edit_due_date": {"type": "datepicker", "selected_date": "2027-01-15"}
            },
            "edit_done_ratio": {"edit_done_ratio": chosen("50")},
        }
    }
    return payload


INTERACTIONS = {
    **KNOWN_MALFORMED,
    "block_actions": lambda: load("block_actions__issue_project"),
    "block_actions_search_more": _search_more,
    "block_actions_card_assign_me": lambda: _card_click("issue_assign_me"),
    "block_actions_card_edit": lambda: _card_click("issue_edit"),
    "view_submission_card_edit": _card_edit_submission,
    "block_suggestion": lambda: load("block_suggestion__issue_project"),
    "view_submission": lambda: load("view_submission__message_form"),
    "view_closed": _view_closed,
    "message_action": lambda: load("message_action__with_files"),
    "shortcut": lambda: load("shortcut__global"),
}


class Watch:
    """What the whole run must leave as it found: Redmine's data, and a clean log."""

    def __init__(self, service: RunningService, caplog: pytest.LogCaptureFixture) -> None:
        self.service = service
        self.caplog = caplog
        self.before = self.redmine_state()
        self.sent = 0

    def redmine_state(self) -> tuple[int, int, str]:
        seed = self.service.seed
        latest = rm.get(seed, "/issues.json", status_id="*", sort="updated_on:desc", limit=1)
        return (
            rm.count_issues(seed),
            rm.count_time_entries(seed),
            latest["issues"][0]["updated_on"] if latest["issues"] else "",
        )

    def send(self, body: str, content_type: str) -> None:
        started = time.monotonic()
        answer = self.service.post(body, headers=signed_headers(body, content_type=content_type))
        elapsed = time.monotonic() - started
        self.sent += 1
        assert answer.status_code < 500, (answer.status_code, body[:300])
        assert elapsed < ACK_SECONDS, (elapsed, body[:300])

    def check(self) -> None:
        time.sleep(1.5)  # listeners go on after their ack; let them finish
        problems = [
            record.getMessage()[:300]
            for record in self.caplog.records
            if record.exc_info
            or "Traceback" in record.getMessage()
            or "didn't call ack()" in record.getMessage()
            or record.levelno >= logging.ERROR
        ]
        assert problems == []
        assert self.redmine_state() == self.before


@pytest.fixture
def watch(service: RunningService, caplog: pytest.LogCaptureFixture) -> Iterator[Watch]:
    caplog.set_level(logging.INFO)
    watcher = Watch(service, caplog)
    yield watcher
    watcher.check()


@pytest.mark.parametrize("kind", sorted(INTERACTIONS))
def test_broken_interactions_are_answered_and_write_nothing(
    kind: str, service: RunningService, watch: Watch
) -> None:
    base = _as_nobody(INTERACTIONS[kind](), service)

    @FUZZ_SETTINGS
    @seed(14)
    @given(payload=broken(base))
    def send_one(payload: dict[str, Any]) -> None:
        watch.send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    send_one()
    assert watch.sent >= EXAMPLES


def test_a_project_change_without_its_view_is_answered_with_a_sentence(
    service: RunningService, watch: Watch
) -> None:
    payload = _as_nobody(KNOWN_MALFORMED["project_change_without_view"](), service)
    payload["user"]["id"] = "UALICE"  # someone who could redraw a form, were there one
    answer = service.interaction(payload)
    assert answer.status_code == 200
    said = service.wait_response()
    assert said["text"] == FORM_NOT_OPEN
    assert service.fake.of("views.update") == []  # no view id: nothing to redraw


def test_a_file_size_that_is_no_number_is_a_field_error(
    service: RunningService, watch: Watch
) -> None:
    answer = service.interaction(_as_nobody(KNOWN_MALFORMED["attach_with_size_abc"](), service))
    assert answer.status_code == 200
    assert answer.json() == {
        "response_action": "errors",
        "errors": {modals.FILES: unreadable_files(["report.txt"])},
    }


def test_blocks_without_ids_or_with_bare_labels_are_read_as_absent(
    service: RunningService, watch: Watch
) -> None:
    payload = _as_nobody(KNOWN_MALFORMED["issue_form_with_odd_blocks"](), service)
    answer = service.interaction(payload)
    assert answer.status_code == 200
    assert answer.json() == {
        "response_action": "errors",
        "errors": {modals.ISSUE_PROJECT: NO_PROJECT, modals.SUBJECT: "The issue needs a subject."},
    }


def test_broken_events_are_answered_and_write_nothing(
    service: RunningService, watch: Watch
) -> None:
    counter = iter(range(10_000))

    @FUZZ_SETTINGS
    @seed(14)
    @given(
        payload=st.one_of(
            broken(_link_shared()), broken({"type": "url_verification", "challenge": "c"})
        )
    )
    def send_one(payload: dict[str, Any]) -> None:
        if isinstance(payload.get("event_id"), str):
            payload["event_id"] += str(next(counter))  # each a new event, not a retry
        watch.send(json.dumps(payload), "application/json")

    send_one()
    assert watch.sent >= EXAMPLES


def test_broken_slash_commands_are_answered_and_write_nothing(
    service: RunningService, watch: Watch
) -> None:
    form = dict(
        parse_qsl(
            command_body("show 1", user_id=NOBODY, response_url=service.fake.response_url("fuzz"))
        )
    )

    @FUZZ_SETTINGS
    @seed(14)
    @given(payload=broken(form))
    def send_one(payload: dict[str, Any]) -> None:
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
        watch.send(urlencode(fields), "application/x-www-form-urlencoded")

    send_one()
    assert watch.sent >= EXAMPLES


COMMAND_WORDS = st.sampled_from(
    ["show", "note", "log", "search", "create", "attach", "subscribe", "unsubscribe", "mine", ""]
)
ARGUMENTS = st.one_of(
    st.sampled_from(["²", "#²", "1e309", "١٢", "99999999999", "0", "-1", "1h²", "abc", "x" * 5000]),
    st.text(max_size=40),
)


def test_hostile_command_text_is_answered_and_writes_nothing(
    service: RunningService, watch: Watch
) -> None:
    @FUZZ_SETTINGS
    @seed(14)
    @given(word=COMMAND_WORDS, arguments=st.lists(ARGUMENTS, max_size=3))
    def send_one(word: str, arguments: list[str]) -> None:
        text = " ".join([word, *arguments])
        body = command_body(
            text,
            user_id=NOBODY,
            response_url=service.fake.response_url("fuzz"),
            trigger_id=f"T.fuzz.{watch.sent}",
        )
        watch.send(body, "application/x-www-form-urlencoded")

    send_one()
    assert watch.sent >= EXAMPLES
