"""The local Slack answers chat.update as Slack does, through the SDK client the app uses.

Slack's reference (docs.slack.dev/reference/methods/chat.update, "Errors") and its
OpenAPI spec (slackapi/slack-api-specs web-api/slack_web_openapi_v2.json, `/chat.update`,
whose example error answer is `cant_update_message`) list `message_not_found` "No message
exists with the requested timestamp", `cant_update_message` "Authenticated user does not
have permission to update this message" and `channel_not_found` "Value passed for
`channel` was invalid". An ephemeral message is in no channel's history, so chat.update
cannot find it; its response_url changes it.
"""

from __future__ import annotations

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.fakeslack import BOT_ID, FakeSlack

CARD = [{"type": "section", "text": {"type": "mrkdwn", "text": "*#1* redrawn"}}]


async def refused(client: AsyncWebClient, channel: str, ts: str) -> str:
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel=channel, ts=ts, text="new", blocks=CARD)
    error: str = raised.value.response["error"]
    return error


async def test_the_bots_own_message_is_updated_and_kept(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    posted = await client.chat_postMessage(channel="CPUBLIC", text="old")
    answer = await client.chat_update(channel="CPUBLIC", ts=posted["ts"], text="new", blocks=CARD)
    assert answer["ok"] and answer["ts"] == posted["ts"] and answer["channel"] == "CPUBLIC"
    [message] = fake.messages_in("CPUBLIC")
    assert message["text"] == "new" and message["blocks"] == CARD
    assert message["bot_id"] == BOT_ID


async def test_a_reply_the_bot_posted_in_a_thread_can_be_updated(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    _, client = slack
    parent = await client.chat_postMessage(channel="CPUBLIC", text="card")
    reply = await client.chat_postMessage(channel="CPUBLIC", text="r", thread_ts=parent["ts"])
    assert (await client.chat_update(channel="CPUBLIC", ts=reply["ts"], text="r2"))["ok"]


async def test_a_ts_never_posted_or_deleted_in_slack_is_message_not_found(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    assert await refused(client, "CPUBLIC", "1700000200.000100") == "message_not_found"
    posted = await client.chat_postMessage(channel="CPUBLIC", text="card")
    fake.delete_message("CPUBLIC", posted["ts"])
    assert await refused(client, "CPUBLIC", posted["ts"]) == "message_not_found"


async def test_an_ephemeral_message_is_message_not_found(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    _, client = slack
    shown = await client.chat_postEphemeral(channel="CPUBLIC", user="UALICE", text="card")
    assert await refused(client, "CPUBLIC", shown["message_ts"]) == "message_not_found"


async def test_a_persons_message_is_cant_update_message(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    ts = fake.add_message("CPUBLIC", user="UALICE", text="my words")
    assert await refused(client, "CPUBLIC", ts) == "cant_update_message"
    assert fake.messages_in("CPUBLIC")[0]["text"] == "my words"  # untouched


async def test_a_message_in_another_channel_or_an_unknown_one(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    fake.add_channel("COTHER")
    posted = await client.chat_postMessage(channel="CPUBLIC", text="card")
    assert await refused(client, "COTHER", posted["ts"]) == "message_not_found"
    assert await refused(client, "CNOSUCH", posted["ts"]) == "channel_not_found"


async def test_an_in_channel_answer_through_a_response_url_is_the_bots_message(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    url = fake.response_url("cmd", channel="CPUBLIC")
    async with httpx.AsyncClient() as http:
        await http.post(url, json={"response_type": "ephemeral", "text": "only you"})
        await http.post(url, json={"response_type": "in_channel", "text": "for all"})
    [message] = fake.messages_in("CPUBLIC")
    assert message["text"] == "for all" and message["bot_id"] == BOT_ID
    assert (await client.chat_update(channel="CPUBLIC", ts=message["ts"], text="new"))["ok"]


async def test_the_check_can_be_switched_off_by_name(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    fake.update_needs_message = False
    answer = await client.chat_update(channel="CPUBLIC", ts="1.000100", text="new")
    assert answer["ok"] and answer["ts"] == "1.000100"
