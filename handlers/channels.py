"""What Slack says about a channel, for `/redmine subscribe`: read before, joined after."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.errors import UserFacingError
from bot.actions.subscribe import NOT_IN_DMS, ChannelFacts
from bot.i18n import _


async def channel_facts(client: AsyncWebClient, channel_id: str) -> ChannelFacts:
    """Whether the channel is private and the bot in it; DMs and group DMs are refused."""
    if channel_id.startswith("D"):  # a direct message: Slack's DM ids start with D
        raise UserFacingError(_(NOT_IN_DMS))
    try:
        info = await client.conversations_info(channel=channel_id)
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "missing_scope":
            # A group DM: reading it needs mpim:read, which the app does not ask for
            # because subscriptions belong in channels.
            raise UserFacingError(_(NOT_IN_DMS)) from None
        if code != "channel_not_found":
            raise
        # Private, and the bot is not in it (Slack hides such channels from it).
        return ChannelFacts(channel_id, is_private=True, bot_is_member=False)
    channel = info.get("channel") or {}
    is_private = bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))
    return ChannelFacts(channel_id, is_private, bot_is_member=bool(channel.get("is_member")))


async def join_channel(client: AsyncWebClient, channel_id: str) -> str | None:
    """Join a public channel to post there: None when joined, else Slack's error code."""
    try:
        await client.conversations_join(channel=channel_id)
    except SlackApiError as error:
        return str(error.response.get("error"))
    return None
