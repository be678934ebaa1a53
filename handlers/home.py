"""App Home: the person's own Redmine on the Home tab, redrawn when opened and after a
change made in it (the list switch, the notification toggles)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError

from bot.actions import connect_oauth
from bot.actions.errors import UserFacingError, describe
from bot.actions.home import choose_home_list, my_home, set_notifications
from bot.blocks.home import (
    HOME_LIST_ACTION,
    HOME_NOTIFY_ACTION,
    HOME_REMIND_BLOCK,
    HOME_REMIND_HOURS,
    HOME_REMIND_OFF,
    HOME_REMIND_TIME,
    home_error_view,
    home_view,
    unlinked_home_view,
)
from bot.inputs import grammar
from bot.people.identity import NotLinked
from bot.redmine.errors import ImpersonationError, OAuthTokenRefused, RedmineError
from handlers.asked import Asked
from handlers.reminders import set_or_clear_reminder

log = logging.getLogger("redmine_slack.handlers")


async def publish_home(asked: Asked) -> None:
    """Read the person's Redmine as them and publish their Home tab."""
    try:
        await asked.client.views_publish(user_id=asked.user_id, view=await home_of(asked))
    except SlackApiError as error:
        log.info("views.publish refused: %s", error.response.get("error"))


async def home_of(asked: Asked) -> dict[str, Any]:
    """The person's Home tab, or the reason it cannot show their Redmine."""
    services = asked.services
    try:
        identity, redmine = await asked.acting()
        home = await my_home(
            redmine,
            slack_user_id=asked.user_id,
            sessions=services.sessions,
            today=datetime.now(UTC).date(),
        )
    except NotLinked as error:
        return await unlinked_home(asked, error.message)
    except RedmineError as error:
        if isinstance(error, ImpersonationError | OAuthTokenRefused):
            services.identity.forget(asked.user_id)  # locked or revoked meanwhile: ask again
        if isinstance(error, OAuthTokenRefused):
            return await unlinked_home(asked, describe(error))
        return home_error_view(describe(error))
    return home_view(
        who=identity.describe(),
        list_key=home.list_key,
        issues=home.issues,
        total=home.total,
        subscriptions=[(s.channel_id, s.project_name, s.paused_reason) for s in home.subscriptions],
        preferences=home.preferences,
        reminder=home.reminder,
        base_url=asked.base_url,
    )


async def unlinked_home(asked: Asked, reason: str) -> dict[str, Any]:
    """Why Redmine does not know the person, with "Connect with Redmine" where offered."""
    offer = await connect_oauth.offer(asked.services.identity, asked.user_id)
    return unlinked_home_view(reason, offer)


async def on_home_opened(event: dict[str, Any], asked: Asked) -> None:
    # The event also comes for the Messages tab, which has nothing to publish.
    if event.get("tab", "home") == "home":
        await publish_home(asked)


def chosen_action(asked: Asked) -> dict[str, Any]:
    actions = asked.body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


async def on_home_list(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    chosen = str((chosen_action(asked).get("selected_option") or {}).get("value", ""))
    sessions = asked.services.sessions
    await change_home(
        asked, choose_home_list(chosen, slack_user_id=asked.user_id, sessions=sessions)
    )


async def on_home_notify(ack: AsyncAck, asked: Asked) -> None:
    await ack()
    ticked = [str(o.get("value", "")) for o in chosen_action(asked).get("selected_options") or []]
    sessions = asked.services.sessions
    await change_home(
        asked, set_notifications(ticked, slack_user_id=asked.user_id, sessions=sessions)
    )


async def change_home(asked: Asked, change: Awaitable[object]) -> None:
    """Save a choice made in the Home tab, then draw the tab as it is now; a refused
    choice is told in a direct message (the Home tab has no place for it)."""
    try:
        await change
    except UserFacingError as error:
        await asked.teller(None)(error.message)
    await publish_home(asked)


def reminder_choice(body: dict[str, Any], action: dict[str, Any]) -> tuple[str, str]:
    """(HH:MM, hours) as the Home tab shows them now: the picked one from the action,
    the other from the view's state (Slack sends every element's value with it)."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    row = values.get(HOME_REMIND_BLOCK) or {}
    at = str((row.get(HOME_REMIND_TIME) or {}).get("selected_time") or "17:30")
    chosen = (row.get(HOME_REMIND_HOURS) or {}).get("selected_option") or {}
    hours = str(chosen.get("value") or "8")
    if action.get("action_id") == HOME_REMIND_TIME:
        at = str(action.get("selected_time") or at)
    if action.get("action_id") == HOME_REMIND_HOURS:
        hours = str((action.get("selected_option") or {}).get("value") or hours)
    return at, hours


async def on_home_remind(ack: AsyncAck, asked: Asked) -> None:
    """A time or a target picked in the Home tab: the same as `/redmine remind HH:MM hours`."""
    await ack()
    action = chosen_action(asked)
    at, hours = reminder_choice(asked.body, action)
    async with asked.answering_failures(asked.teller(None)):
        if action.get("action_id") == HOME_REMIND_OFF:
            remind = grammar.Remind(None)
        else:
            remind = grammar.parse_remind(f"{at} {hours}")
        await set_or_clear_reminder(asked, remind)
    await publish_home(asked)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(on_home_opened)
    app.action(HOME_LIST_ACTION)(on_home_list)
    app.action(HOME_NOTIFY_ACTION)(on_home_notify)
    for action_id in (HOME_REMIND_TIME, HOME_REMIND_HOURS, HOME_REMIND_OFF):
        app.action(action_id)(on_home_remind)
