"""slack-manifest.yml against the constraints of Slack's published manifest schema.

"Create New App -> From an app manifest" refuses a manifest that breaks any of them,
before anything else happens; see tests/contract/manifest_schema.py for the source.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import jsonschema
import pytest
import yaml
from slack_bolt.async_app import AsyncApp

from bot.blocks import step_outputs
from bot.check import REQUIRED_SCOPES
from bot.inputs import steps
from bot.redmine.models import Issue, TimeEntry
from handlers import shortcuts, threads, workflow_steps
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


# -- Workflow Builder steps ---------------------------------------------------------------
# The manifest's `functions` (manifest-schema schemas/manifest.schema.1.0.0.json,
# `app-manifests.v1.hermes.functions`), in the shape of slack-samples/
# bolt-python-custom-step-template's manifest.json: keyed by callback_id, parameters keyed
# by name, `settings.function_runtime: remote` and the `function_executed` event.

STEP_INPUTS = {
    steps.CREATE_ISSUE_STEP: {
        steps.PERSON,
        steps.PROJECT,
        steps.SUBJECT,
        steps.DESCRIPTION,
        steps.TRACKER,
        steps.ASSIGNEE,
        steps.PRIORITY,
        steps.DUE_DATE,
    },
    steps.ADD_NOTE_STEP: {steps.PERSON, steps.ISSUE, steps.TEXT, steps.PRIVATE},
    steps.LOG_TIME_STEP: {
        steps.PERSON,
        steps.ISSUE,
        steps.HOURS,
        steps.ACTIVITY,
        steps.COMMENT,
        steps.SPENT_ON,
    },
}


class StepRecorder:
    """Stands in for the app: records the callback id of every `app.function(...)`."""

    def __init__(self) -> None:
        self.callback_ids: set[str] = set()

    def function(self, callback_id: str) -> Callable[[Any], Any]:
        self.callback_ids.add(callback_id)
        return lambda listener: listener


def registered_steps() -> set[str]:
    recorder = StepRecorder()
    workflow_steps.register(cast(AsyncApp, recorder))
    return recorder.callback_ids


def test_every_step_the_app_runs_is_declared_with_the_inputs_it_reads(
    manifest: dict[str, Any],
) -> None:
    functions = manifest["functions"]
    assert set(functions) == set(STEP_INPUTS)
    for callback_id, names in STEP_INPUTS.items():
        inputs = functions[callback_id]["input_parameters"]
        assert set(inputs) == names, callback_id
        assert all(parameter["name"] == key for key, parameter in inputs.items())
        # Every step acts as a person the workflow names: a required Slack user.
        assert inputs[steps.PERSON]["type"] == "slack#/types/user_id"
        assert inputs[steps.PERSON]["is_required"] is True
    assert manifest["settings"]["function_runtime"] == "remote"
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert "function_executed" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_a_refusal_names_each_input_by_the_title_workflow_builder_shows(
    manifest: dict[str, Any],
) -> None:
    # A parameter has one `title` (hermes.types in Slack's manifest schema), shown as
    # written in every language, so the sentences quote it untranslated.
    for callback_id in STEP_INPUTS:
        for name, parameter in manifest["functions"][callback_id]["input_parameters"].items():
            assert steps.INPUT_TITLES[name] == parameter["title"], (callback_id, name)


def test_each_step_declares_exactly_the_outputs_it_completes_with(
    manifest: dict[str, Any],
) -> None:
    issue = Issue.model_validate({"id": 42, "project": {"id": 1, "name": "A"}, "subject": "S"})
    entry = TimeEntry.model_validate({"id": 7, "project": {"id": 1, "name": "A"}, "hours": 1.5})
    completed = {
        steps.CREATE_ISSUE_STEP: step_outputs.created_outputs(issue, "https://r.example"),
        steps.ADD_NOTE_STEP: step_outputs.note_outputs(issue, 9, "https://r.example"),
        steps.LOG_TIME_STEP: step_outputs.time_outputs(issue, entry, "https://r.example"),
    }
    python_type = {"string": str, "number": float}
    for callback_id, outputs in completed.items():
        declared = manifest["functions"][callback_id]["output_parameters"]
        assert set(outputs) == set(declared), callback_id
        for name, value in outputs.items():
            assert isinstance(value, python_type[declared[name]["type"]]), (callback_id, name)


def test_the_steps_declared_are_the_steps_registered(manifest: dict[str, Any]) -> None:
    assert registered_steps() == set(manifest["functions"])


@pytest.mark.parametrize(
    "breakage",
    [
        lambda f: f["create_redmine_issue"].pop("output_parameters"),
        lambda f: f["create_redmine_issue"]["input_parameters"]["person"].update(type="user"),
        lambda f: f["add_redmine_note"]["input_parameters"]["text"].pop("type"),
        lambda f: f["log_redmine_time"].update(runtime="remote"),
    ],
)
def test_steps_slack_would_refuse_are_caught(manifest: dict[str, Any], breakage: Any) -> None:
    broken = copy.deepcopy(manifest)
    breakage(broken["functions"])
    assert problems(broken)
