"""Events API: unfurl Redmine issue links (`link_shared`); thread replies (`message`)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.unfurl import issue_links, issue_unfurls
from bot.people.identity import NotLinked
from bot.redmine.errors import RedmineError
from bot.services import Services
from handlers.common import acting_as
from handlers.thread_replies import on_message

log = logging.getLogger("redmine_slack.handlers")


def register(app: AsyncApp, services: Services) -> None:
    settings = services.settings

    @app.event("message")  # every subtype: replies, edits and deletions in issue threads
    async def message_in_a_thread(event: dict[str, Any], client: AsyncWebClient) -> None:
        await on_message(services, client, event)

    @app.event("link_shared")
    async def unfurl_issue_links(event: dict[str, Any], client: AsyncWebClient) -> None:
        links_shared = event.get("links")
        if not isinstance(links_shared, list):
            return
        urls = [str(link.get("url", "")) for link in links_shared if isinstance(link, dict)]
        links = issue_links(urls, settings.redmine_base_url)
        if not links:
            return
        try:
            _, redmine = await acting_as(services, str(event.get("user", "")))
        except (NotLinked, RedmineError):
            return  # someone Redmine does not know: the links stay bare, nobody is told
        unfurls = await issue_unfurls(
            redmine,
            links,
            base_url=settings.redmine_base_url,
            formatting=settings.redmine_text_formatting,
        )
        if not unfurls:
            return
        # A link typed in the message composer has no message yet, only an unfurl id.
        where: dict[str, Any] = (
            {"unfurl_id": event["unfurl_id"], "source": event["source"]}
            if event.get("source") == "composer" and event.get("unfurl_id")
            else {"channel": event.get("channel"), "ts": event.get("message_ts")}
        )
        try:
            await client.chat_unfurl(unfurls=unfurls, **where)
        except SlackApiError as error:
            log.info("chat.unfurl refused: %s", error.response.get("error"))
