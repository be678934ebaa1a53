"""Events API: unfurl Redmine issue links (`link_shared`); thread replies (`message`)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.actions.unfurl import issue_links, issue_unfurls
from bot.people.identity import NotLinked
from bot.redmine.errors import RedmineError
from handlers.asked import Asked
from handlers.thread_replies import on_message

log = logging.getLogger("redmine_slack.handlers")


async def on_link_shared(event: dict[str, Any], asked: Asked) -> None:
    """Unfurl the issue links of a message, read as whoever pasted them."""
    links_shared = event.get("links")
    if not isinstance(links_shared, list):
        return
    urls = [str(link.get("url", "")) for link in links_shared if isinstance(link, dict)]
    links = issue_links(urls, asked.base_url)
    if not links:
        return
    try:
        redmine = await asked.redmine(str(event.get("user", "")))
    except (NotLinked, RedmineError):
        return  # someone Redmine does not know: the links stay bare, nobody is told
    found = await issue_unfurls(
        redmine, links, base_url=asked.base_url, formatting=asked.formatting
    )
    if not found.unfurls:
        return
    # A link typed in the message composer has no message yet, only an unfurl id.
    where: dict[str, Any] = (
        {"unfurl_id": event["unfurl_id"], "source": event["source"]}
        if event.get("source") == "composer" and event.get("unfurl_id")
        else {"channel": event.get("channel"), "ts": event.get("message_ts")}
    )
    try:
        await asked.client.chat_unfurl(unfurls=found.unfurls, metadata=found.metadata, **where)
    except SlackApiError as error:
        log.info("chat.unfurl refused: %s", error.response.get("error"))


def register(app: AsyncApp) -> None:
    # Every subtype of `message`: replies, edits and deletions in issue threads.
    app.event("message")(on_message)
    app.event("link_shared")(on_link_shared)
