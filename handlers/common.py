"""What every listener shares: who is asking, and one way to turn failures into words."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.errors import describe
from bot.actions.search import SearchPage
from bot.blocks.common import Block
from bot.blocks.issues import search_results
from bot.blocks.modals import message_view
from bot.people.identity import Identity, NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError, RedmineError
from bot.services import Services

log = logging.getLogger("redmine_slack.handlers")

Say = Callable[[str], Awaitable[Any]]
Middleware = Callable[[AsyncBoltContext, Callable[[], Awaitable[None]]], Awaitable[None]]


def providing(services: Services) -> Middleware:
    """A listener middleware handing `services` to module-level listeners.

    Bolt passes each context item to a listener argument of the same name
    (slack_bolt/kwargs_injection/async_utils.py), so a listener declaring
    `services: Services` gets this app's, with no closure around it.
    """

    async def provide(context: AsyncBoltContext, next_: Callable[[], Awaitable[None]]) -> None:
        context["services"] = services
        await next_()

    return provide


async def acting_as(services: Services, slack_user_id: str) -> tuple[Identity, Redmine]:
    """The person's identity and the adapter view that acts as them (never the admin)."""
    identity = await services.identity.resolve(slack_user_id)
    return identity, services.identity.redmine_for(identity)


@asynccontextmanager
async def answering_failures(
    services: Services, slack_user_id: str, say: Say
) -> AsyncIterator[None]:
    """Run the work; any failure becomes one plain sentence to the person, never a trace."""
    try:
        yield
    except ImpersonationError as error:
        services.identity.forget(slack_user_id)  # the account may have been locked meanwhile
        await say(describe(error))
    except NotLinked as error:
        await say(error.message)
    except RedmineError as error:
        log.info("Redmine refused: %s", error)
        await say(describe(error))
    except Exception as error:  # the last line of defence: a person must get an answer
        if not hasattr(error, "message"):
            log.exception("unexpected failure")
        await say(describe(error))


def ephemeral(respond: Callable[..., Awaitable[Any]]) -> Say:
    async def say(text: str) -> None:
        await respond(text=text, response_type="ephemeral", replace_original=False)

    return say


async def tell(client: AsyncWebClient, channel_id: str | None, user_id: str, text: str) -> None:
    """Say something only `user_id` sees: ephemeral in the channel, else a direct message."""
    if channel_id:
        try:
            await client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
            return
        except SlackApiError as error:
            log.info(
                "ephemeral in %s failed (%s); sending a DM", channel_id, error.response.get("error")
            )
    await client.chat_postMessage(channel=user_id, text=text)


def teller(client: AsyncWebClient, channel_id: str | None, user_id: str) -> Say:
    async def say(text: str) -> None:
        await tell(client, channel_id, user_id, text)

    return say


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


async def open_form(
    client: AsyncWebClient, services: Services, trigger_id: str, user_id: str, view: dict[str, Any]
) -> str | None:
    """Open a form at once (its trigger expires 3 s after the click), then replace it with
    the reason if the person cannot act in Redmine: the form would only fail at the end.
    The form's view id, or None where it was replaced."""
    opened = await client.views_open(trigger_id=trigger_id, view=view)
    view_id = str(opened["view"]["id"])
    try:
        await services.identity.resolve(user_id)
    except NotLinked as error:
        await client.views_update(view_id=view_id, view=message_view("Redmine", error.message))
        return None
    return view_id
