"""Answers about a message go into its thread: results for all, failures to the person."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.metadata import ModalContext
from handlers.common import Say, tell

log = logging.getLogger("redmine_slack.handlers")


async def tell_in_thread(
    client: AsyncWebClient, context: ModalContext, user_id: str, text: str
) -> None:
    """Only `user_id` sees it: ephemeral in the message's thread, else a direct message."""
    if context.channel_id and context.thread_ts:
        try:
            await client.chat_postEphemeral(
                channel=context.channel_id, user=user_id, text=text, thread_ts=context.thread_ts
            )
            return
        except SlackApiError as error:
            log.info("ephemeral in thread failed (%s)", error.response.get("error"))
    await tell(client, context.channel_id or None, user_id, text)


def thread_teller(client: AsyncWebClient, context: ModalContext, user_id: str) -> Say:
    async def say(text: str) -> None:
        await tell_in_thread(client, context, user_id, text)

    return say


async def post_in_thread(
    client: AsyncWebClient,
    context: ModalContext,
    user_id: str,
    text: str,
    *,
    private: bool = False,
) -> None:
    """Everyone in the thread sees it; when the bot may not post there, the person does.

    `private` (a private issue or note) never reaches the channel: only the person hears.
    """
    if context.channel_id and not private:
        try:
            await client.chat_postMessage(
                channel=context.channel_id,
                thread_ts=context.thread_ts,
                text=text,
                unfurl_links=False,
            )
            return
        except SlackApiError as error:
            log.info("posting in the thread failed (%s)", error.response.get("error"))
    await tell_in_thread(client, context, user_id, text)
