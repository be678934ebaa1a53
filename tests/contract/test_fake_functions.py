"""The local Slack ends workflow steps as Slack does, through the SDK client Bolt uses.

docs.slack.dev/reference/methods/functions.completeSuccess: `outputs` is "a JSON-based
object that conforms to the output parameters schema for the custom function defined in
the manifest"; its errors include `parameter_validation_failed`, `function_execution_not_found`
and `execution_not_in_running_state` ("The function execution is no longer in a state to be
completed"); functions.completeError takes `error`, "a human-readable error message".
The step's token is the event's `bot_access_token` (bolt-python
tests/scenario_tests_async/test_function.py: `"bot_access_token": "xwfp-valid"`).
"""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.fakeslack import FakeSlack

OUTPUTS = {"issue_id": "42", "issue_url": "https://r.example/issues/42", "subject": "Jam"}


def step_client(fake: FakeSlack, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.base_url + "api/")


async def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call  # type: ignore[misc]
    error: str = raised.value.response["error"]
    return error


async def test_a_step_completes_once_with_the_outputs_it_declares(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, _ = slack
    execution_id, token = fake.start_step("create_redmine_issue")
    client = step_client(fake, token)
    await client.functions_completeSuccess(function_execution_id=execution_id, outputs=OUTPUTS)
    ended = fake.step_ended(execution_id)
    assert (ended.state, ended.outputs) == ("completed", OUTPUTS)
    again = client.functions_completeError(function_execution_id=execution_id, error="late")
    assert await error_of(again) == "execution_not_in_running_state"


async def test_outputs_that_miss_a_required_one_or_add_one_are_refused(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, _ = slack
    execution_id, token = fake.start_step("create_redmine_issue")
    client = step_client(fake, token)
    missing = {"issue_id": "42", "subject": "Jam"}
    extra = {**OUTPUTS, "colour": "red"}
    for outputs in (missing, extra):
        call = client.functions_completeSuccess(function_execution_id=execution_id, outputs=outputs)
        assert await error_of(call) == "parameter_validation_failed"
    assert fake.executions[execution_id].state == "running"


async def test_a_failed_step_keeps_its_sentence_and_unknown_executions_are_refused(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, bot = slack
    execution_id, token = fake.start_step("log_redmine_time")
    await step_client(fake, token).functions_completeError(
        function_execution_id=execution_id, error="Hours: `abc` is not a duration."
    )
    assert fake.step_ended(execution_id).error == "Hours: `abc` is not a duration."
    unknown = bot.functions_completeSuccess(function_execution_id="Fx999", outputs={})
    assert await error_of(unknown) == "function_execution_not_found"
    stranger = step_client(fake, "xwfp-never-issued")
    call = stranger.functions_completeError(function_execution_id=execution_id, error="x")
    assert await error_of(call) == "invalid_auth"
