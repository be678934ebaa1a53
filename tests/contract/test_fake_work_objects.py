"""The local Slack checks Work Objects metadata as Slack does, through the SDK client.

docs.slack.dev/messaging/work-objects-implementation: chat.unfurl's new `metadata`
parameter carries `entities`, each with `app_unfurl_url` (the URL posted), `url`,
`external_ref` and `entity_payload`; docs.slack.dev/reference/methods/entity.presentDetails
lists `invalid_metadata`, `invalid_trigger_id` and `entity_metadata_does_not_match_trigger`
("The provided entity's ID does not match the ID of the entity used to initiate the
request"). Entity types: slack_sdk/models/metadata `EntityType`.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.fakeslack import FakeSlack

URL = "https://redmine.example/issues/42"


def entity(**changes: Any) -> dict[str, Any]:
    return {
        "entity_type": "slack#/entities/task",
        "url": URL,
        "app_unfurl_url": URL,
        "external_ref": {"id": "42", "type": "issue"},
        "entity_payload": {"attributes": {"title": {"text": "#42 Jam"}}},
        **changes,
    }


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call
    error: str = raised.value.response["error"]
    return error


async def test_an_unfurl_entity_needs_the_url_that_was_posted(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    _, client = slack
    unfurls = {URL: {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]}}
    ok = await client.chat_unfurl(
        channel="CPUBLIC", ts="1.2", unfurls=unfurls, metadata={"entities": [entity()]}
    )
    assert ok["ok"]
    for broken in (
        entity(app_unfurl_url=None),
        entity(entity_type="slack#/entities/issue"),
        entity(external_ref={}),
        entity(entity_payload={"attributes": {}}),
    ):
        call = client.chat_unfurl(
            channel="CPUBLIC", ts="1.2", unfurls=unfurls, metadata={"entities": [broken]}
        )
        assert await error_of(call) == "invalid_metadata"


async def test_a_message_keeps_its_entities(slack: tuple[FakeSlack, AsyncWebClient]) -> None:
    fake, client = slack
    card = entity()
    del card["app_unfurl_url"]  # only unfurls name the URL posted
    await client.chat_postMessage(channel="CPUBLIC", text="card", metadata={"entities": [card]})
    [message] = fake.messages_in("CPUBLIC")
    assert message["metadata"] == {"entities": [card]}


async def test_a_flexpane_answers_only_the_entity_its_trigger_was_for(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    trigger = fake.open_flexpane("42")
    other = client.entity_presentDetails(
        trigger_id=trigger, metadata=entity(external_ref={"id": "7"})
    )
    assert await error_of(other) == "entity_metadata_does_not_match_trigger"
    never = client.entity_presentDetails(trigger_id="made-up", metadata=entity())
    assert await error_of(never) == "invalid_trigger_id"
    await client.entity_presentDetails(trigger_id=trigger, metadata=entity())
    assert fake.presented(trigger) == {"metadata": entity()}
