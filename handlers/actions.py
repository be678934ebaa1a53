"""Block actions: the search "More" button."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.actions.search import search_issues
from bot.blocks.issues import SEARCH_MORE_ACTION, decode_search_page
from bot.services import Services
from bot.slack.door.payloads import BlockActions
from bot.text import escape_mrkdwn
from handlers.common import (
    acting_as,
    answering_failures,
    ephemeral,
    providing,
    search_page_blocks,
)

log = logging.getLogger(__name__)


async def on_search_more(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    services: Services,
) -> None:
    """The next page of a search, in place of the one the button was on."""
    await ack()
    user_id = BlockActions.model_validate(body).user.id
    async with answering_failures(services, user_id, ephemeral(respond)):
        try:
            query, offset = decode_search_page(str(action.get("value") or ""))
        except (ValueError, KeyError, TypeError):
            await respond(text="That button is out of date; search again.", replace_original=False)
            return
        _, redmine = await acting_as(services, user_id)
        page = await search_issues(redmine, query, offset)
        await respond(
            replace_original=True,
            text=f"Search: {escape_mrkdwn(query)}",
            blocks=search_page_blocks(page, services.settings.redmine_base_url),
        )


def register(app: AsyncApp, services: Services) -> None:
    app.action(SEARCH_MORE_ACTION, middleware=[providing(services)])(on_search_more)
