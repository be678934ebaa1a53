"""slack-manifest.yml against the constraints of Slack's published manifest schema.

"Create New App -> From an app manifest" refuses a manifest that breaks any of them,
before anything else happens; see tests/contract/manifest_schema.py for the source.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.check import REQUIRED_SCOPES
from handlers import shortcuts, threads
from tests.contract.manifest_schema import MANIFEST_SCHEMA

MANIFEST = Path(__file__).resolve().parents[2] / "slack-manifest.yml"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text())
    assert isinstance(data, dict)
    return data


def problems(manifest: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(MANIFEST_SCHEMA)
    return [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]


def test_the_schema_itself_is_a_valid_draft7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(MANIFEST_SCHEMA)


def test_the_manifest_validates(manifest: dict[str, Any]) -> None:
    assert problems(manifest) == []


def test_a_shortcut_name_over_24_characters_is_refused(manifest: dict[str, Any]) -> None:
    # The name the manifest once carried (29 characters): the app could not be created.
    broken = copy.deepcopy(manifest)
    broken["features"]["shortcuts"][3]["name"] = "Attach files to Redmine issue"
    assert any("shortcuts.3.name" in p and "too long" in p for p in problems(broken))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("features", "shortcuts", 0, "type"), "button"),
        (("features", "slash_commands", 0, "command"), "redmine"),
        (("settings", "interactivity", "request_url"), "redmine-slack.example.com/slack"),
        (("display_information", "background_color"), "red"),
        (("features", "unfurl_domains", 0), "Redmine.Example.com"),
    ],
)
def test_values_slack_refuses_are_caught(
    manifest: dict[str, Any], path: tuple[str | int, ...], value: str
) -> None:
    broken = copy.deepcopy(manifest)
    node: Any = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert problems(broken), f"{path} = {value!r} should not validate"


def test_every_scope_the_app_checks_for_is_requested(manifest: dict[str, Any]) -> None:
    assert set(REQUIRED_SCOPES) <= set(manifest["oauth_config"]["scopes"]["bot"])


def test_every_shortcut_callback_the_app_listens_for_is_declared(
    manifest: dict[str, Any],
) -> None:
    declared = {(s["callback_id"], s["type"]) for s in manifest["features"]["shortcuts"]}
    assert declared == {
        (shortcuts.CREATE_ISSUE, "message"),
        (shortcuts.ADD_NOTE, "message"),
        (shortcuts.LOG_TIME, "message"),
        (shortcuts.ATTACH_FILES, "message"),
        (shortcuts.CREATE_ISSUE_GLOBAL, "global"),
        (threads.SHORTCUT, "message"),
    }
    assert all(len(s["name"]) <= 24 for s in manifest["features"]["shortcuts"])


def test_app_home_is_declared_with_its_event_and_the_dm_scope(manifest: dict[str, Any]) -> None:
    # App Home needs the Home tab and the app_home_opened event (docs.slack.dev/reference/
    # events/app_home_opened); personal notifications open a DM with conversations.open,
    # which needs im:write (docs.slack.dev/reference/methods/conversations.open).
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"im:write", "users:read.email"} <= set(manifest["oauth_config"]["scopes"]["bot"])
