"""What `/redmine subscribe` learns about a channel from Slack, and how it joins one.

The answers follow conversations.info as Slack records it (slackapi/java-slack-sdk,
json-logs/samples/api/conversations.info.json: `channel.is_private`, `is_member`,
`is_im`, `is_mpim`), written here by hand with only the fields read.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.actions.errors import UserFacingError
from bot.actions.subscribe import NOT_IN_DMS, ChannelFacts
from handlers.channels import channel_facts, join_channel


class FakeClient:
    """Answers conversations.info / conversations.join with one channel or one error."""

    def __init__(self, channel: dict[str, Any] | None = None, error: str | None = None) -> None:
        self.channel, self.error = channel, error
        self.calls: list[str] = []

    async def _answer(self, method: str) -> dict[str, Any]:
        self.calls.append(method)
        if self.error:
            raise SlackApiError(self.error, {"ok": False, "error": self.error})
        return {"ok": True, "channel": self.channel}

    async def conversations_info(self, channel: str) -> dict[str, Any]:
        return await self._answer("conversations.info")

    async def conversations_join(self, channel: str) -> dict[str, Any]:
        return await self._answer("conversations.join")


async def test_a_public_channel_without_the_bot() -> None:
    client = FakeClient({"id": "C1", "is_private": False, "is_member": False})
    assert await channel_facts(client, "C1") == ChannelFacts(  # type: ignore[arg-type]
        "C1", is_private=False, bot_is_member=False
    )


async def test_a_private_channel_with_the_bot() -> None:
    client = FakeClient({"id": "G1", "is_private": True, "is_member": True})
    facts = await channel_facts(client, "G1")  # type: ignore[arg-type]
    assert (facts.is_private, facts.bot_is_member) == (True, True)


async def test_a_channel_slack_hides_from_the_bot_is_private_and_without_it() -> None:
    facts = await channel_facts(FakeClient(error="channel_not_found"), "C2")  # type: ignore[arg-type]
    assert facts == ChannelFacts("C2", is_private=True, bot_is_member=False)


@pytest.mark.parametrize(("channel_id", "error"), [("D1", None), ("G7", "missing_scope")])
async def test_direct_and_group_messages_are_refused(channel_id: str, error: str | None) -> None:
    client = FakeClient({"id": channel_id}, error=error)
    with pytest.raises(UserFacingError) as refused:
        await channel_facts(client, channel_id)  # type: ignore[arg-type]
    assert refused.value.message == NOT_IN_DMS
    assert client.calls == ([] if channel_id.startswith("D") else ["conversations.info"])


async def test_any_other_slack_error_is_not_swallowed() -> None:
    with pytest.raises(SlackApiError):
        await channel_facts(FakeClient(error="ratelimited"), "C3")  # type: ignore[arg-type]


async def test_joining_says_slacks_error_code_or_none() -> None:
    assert await join_channel(FakeClient({"id": "C1"}), "C1") is None  # type: ignore[arg-type]
    assert await join_channel(FakeClient(error="is_archived"), "C1") == "is_archived"  # type: ignore[arg-type]
