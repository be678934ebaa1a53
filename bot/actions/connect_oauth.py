"""Connect with Redmine (OAuth2, Redmine 6.1+): offer the button, start the sign-in, and
finish it when Redmine sends the person back. The flow itself is bot/people/oauth.py."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.oauth import connected_text
from bot.i18n import current, translator_for, using
from bot.people.identity import IdentityResolver
from bot.people.oauth import CallbackFailed, Connected

log = logging.getLogger(__name__)


async def offer(identities: IdentityResolver, slack_user_id: str) -> str | None:
    """The person's start link for a "Connect with Redmine" button, or None where OAuth
    is not configured or this Redmine has no OAuth2 (then the pasted key is the way)."""
    oauth = identities.oauth
    if oauth is None or not await oauth.available():
        return None
    return oauth.start_link(slack_user_id, current().language)


def start(identities: IdentityResolver, link: str | None) -> str:
    """Redmine's authorization URL for a start link; CallbackFailed when it is not one."""
    if identities.oauth is None:
        raise CallbackFailed("not_configured")
    return identities.oauth.authorize_url(link or "")


async def finish(
    identities: IdentityResolver,
    slack: AsyncWebClient,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
) -> Connected:
    """Exchange, read the account, store; then tell the person in Slack who they are.

    CallbackFailed (nothing stored) says why not. The DM is best effort: the page in the
    browser already says it, so a Slack hiccup does not undo the connection.
    """
    if identities.oauth is None:
        raise CallbackFailed("not_configured")
    connected = await identities.oauth.finish(state=state, code=code, error=error)
    identities.forget(connected.slack_user_id)
    try:
        opened = await slack.conversations_open(users=connected.slack_user_id)
        channel = (opened.get("channel") or {}).get("id") or connected.slack_user_id
        with using(translator_for(connected.language)):
            text = connected_text(connected.login, connected.name)
        await slack.chat_postMessage(channel=channel, text=text)
    except SlackApiError as failed:
        log.warning("could not DM the newly connected person: %s", failed.response.get("error"))
    return connected
