"""Workflow Builder steps (`function_executed`): create an issue, add a note, log time.

Bolt's `app.function(callback_id)` acks the event itself (auto_acknowledge) and gives the
request the step's `complete` / `fail`, bound to the event's function_execution_id and
its `bot_access_token` (slack_bolt/app/async_app.py `function`; bolt-python
tests/scenario_tests_async/test_function.py). Each step acts as the person its "Person"
input names, through the same actions as the slash command.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.actions.workflow_steps import acting_as, add_note_step, create_issue_step, log_time_step
from bot.blocks.step_outputs import created_outputs, note_outputs, time_outputs
from bot.inputs.steps import (
    ADD_NOTE_STEP,
    CREATE_ISSUE_STEP,
    LOG_TIME_STEP,
    PERSON,
    CreateIssueStep,
    NoteStep,
    TimeStep,
)
from handlers.asked import Asked


def _inputs(event: dict[str, Any]) -> dict[str, Any]:
    inputs = event.get("inputs")
    return inputs if isinstance(inputs, dict) else {}


def _person(event: dict[str, Any]) -> str:
    return str(_inputs(event).get(PERSON) or "")


async def on_create_issue_step(event: dict[str, Any], asked: Asked) -> None:
    async def create() -> dict[str, Any]:
        step = CreateIssueStep.from_inputs(_inputs(event))
        _, redmine = await acting_as(asked.services.identity, step.person)
        issue = await create_issue_step(redmine, asked.services.identity, step, asked.formatting)
        return created_outputs(issue, asked.base_url)

    await asked.run_step(_person(event), create)


async def on_add_note_step(event: dict[str, Any], asked: Asked) -> None:
    async def add() -> dict[str, Any]:
        step = NoteStep.from_inputs(_inputs(event))
        person, redmine = await acting_as(asked.services.identity, step.person)
        added = await add_note_step(redmine, person.redmine_user_id, step, asked.formatting)
        return note_outputs(added.issue, added.journal_id, asked.base_url)

    await asked.run_step(_person(event), add)


async def on_log_time_step(event: dict[str, Any], asked: Asked) -> None:
    async def log() -> dict[str, Any]:
        step = TimeStep.from_inputs(_inputs(event))
        _, redmine = await acting_as(asked.services.identity, step.person)
        issue, logged = await log_time_step(redmine, step)
        return time_outputs(issue, logged.entry, asked.base_url)

    await asked.run_step(_person(event), log)


def register(app: AsyncApp) -> None:
    app.function(CREATE_ISSUE_STEP)(on_create_issue_step)
    app.function(ADD_NOTE_STEP)(on_add_note_step)
    app.function(LOG_TIME_STEP)(on_log_time_step)
