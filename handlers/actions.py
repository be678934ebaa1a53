"""Block actions: the search "More" button."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.blocks.issues import SEARCH_MORE_ACTION, decode_search_page, search_results
from bot.commands.search import search_issues
from bot.services import Services
from bot.text import escape_mrkdwn
from handlers.common import acting_as, answering_failures, ephemeral

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    async def on_search_more(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        async with answering_failures(services, user_id, ephemeral(respond)):
            try:
                query, offset = decode_search_page(action.get("value", ""))
            except (ValueError, KeyError, TypeError):
                await respond(
                    text="That button is out of date; search again.", replace_original=False
                )
                return
            _, redmine = await acting_as(services, user_id)
            page = await search_issues(redmine, query, offset)
            await respond(
                replace_original=True,
                text=f"Search: {escape_mrkdwn(query)}",
                blocks=search_results(
                    page.query,
                    page.results,
                    page.statuses,
                    offset=page.offset,
                    total=page.total,
                    base_url=services.settings.redmine_base_url,
                ),
            )

    app.action(SEARCH_MORE_ACTION)(on_search_more)
