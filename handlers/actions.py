"""Block actions: the search "More" button, and the "Connect with Redmine" link button."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.actions.search import SearchPage, search_issues
from bot.blocks.common import Block
from bot.blocks.issues import SEARCH_MORE_ACTION, decode_search_page, search_results
from bot.blocks.oauth import CONNECT_OAUTH_ACTION
from bot.i18n import N_, _
from bot.slack.door.payloads import BlockActions
from bot.text import escape_mrkdwn
from handlers.asked import Asked

OUT_OF_DATE = N_("That button is out of date; search again.")


def search_page_blocks(page: SearchPage, base_url: str) -> list[Block]:
    """A search page as the command and its "More" button both show it."""
    return search_results(
        page.query,
        page.results,
        page.statuses,
        offset=page.offset,
        total=page.total,
        base_url=base_url,
    )


async def on_search_more(ack: AsyncAck, asked: Asked) -> None:
    """The next page of a search, in place of the one the button was on."""
    await ack()
    action = BlockActions.model_validate(asked.body).actions[0]
    async with asked.answering_failures():
        try:
            query, offset = decode_search_page(str(action.value or ""))
        except (ValueError, KeyError, TypeError):
            await asked.say(_(OUT_OF_DATE))
            return
        page = await search_issues(await asked.redmine(), query, offset)
        if asked.respond is not None:
            await asked.respond(
                replace_original=True,
                text=f"Search: {escape_mrkdwn(query)}",
                blocks=search_page_blocks(page, asked.base_url),
            )


async def on_connect_oauth(ack: AsyncAck) -> None:
    """The link button opens the browser by itself; Slack still sends the click, which
    must be acked (docs.slack.dev/reference/block-kit/block-elements/button-element)."""
    await ack()


def register(app: AsyncApp) -> None:
    app.action(SEARCH_MORE_ACTION)(on_search_more)
    app.action(CONNECT_OAUTH_ACTION)(on_connect_oauth)
