"""App Home: the person's own Redmine on the Home tab, redrawn when opened and after a
change made in it (the list switch, the notification toggles)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

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
from bot.redmine.errors import ImpersonationError, RedmineError
from bot.services import Services
from handlers.common import acting_as, answering_failures, tell
from handlers.reminders import set_or_clear_reminder

log = logging.getLogger("redmine_slack.handlers")


async def publish_home(services: Services, client: AsyncWebClient, user_id: str) -> None:
    """Read the person's Redmine as them and publish their Home tab."""
    view: dict[str, Any]
    try:
        identity, redmine = await acting_as(services, user_id)
        home = await my_home(
            redmine,
            slack_user_id=user_id,
            sessions=services.sessions,
            today=datetime.now(UTC).date(),
        )
    except NotLinked as error:
        view = unlinked_home_view(error.message)
    except RedmineError as error:
        if isinstance(error, ImpersonationError):
            services.identity.forget(user_id)  # locked meanwhile: ask again next time
        view = home_error_view(describe(error))
    else:
        view = home_view(
            who=identity.describe(),
            list_key=home.list_key,
            issues=home.issues,
            total=home.total,
            subscriptions=[
                (s.channel_id, s.project_name, s.paused_reason) for s in home.subscriptions
            ],
            preferences=home.preferences,
            reminder=home.reminder,
            base_url=services.settings.redmine_base_url,
        )
    try:
        await client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.info("views.publish refused: %s", error.response.get("error"))


async def on_home_opened(services: Services, event: dict[str, Any], client: AsyncWebClient) -> None:
    # The event also comes for the Messages tab, which has nothing to publish.
    if event.get("tab", "home") == "home":
        await publish_home(services, client, str(event.get("user", "")))


async def on_home_list(
    services: Services, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
) -> None:
    user_id = body["user"]["id"]
    chosen = str((action.get("selected_option") or {}).get("value", ""))
    try:
        await choose_home_list(chosen, slack_user_id=user_id, sessions=services.sessions)
    except UserFacingError as error:
        await tell(client, None, user_id, error.message)
    await publish_home(services, client, user_id)


async def on_home_notify(
    services: Services, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
) -> None:
    user_id = body["user"]["id"]
    ticked = [str(o.get("value", "")) for o in action.get("selected_options") or []]
    try:
        await set_notifications(ticked, slack_user_id=user_id, sessions=services.sessions)
    except UserFacingError as error:
        await tell(client, None, user_id, error.message)
    await publish_home(services, client, user_id)


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


async def on_home_remind(
    services: Services, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
) -> None:
    """A time or a target picked in the Home tab: the same as `/redmine remind HH:MM hours`."""
    user_id = body["user"]["id"]
    at, hours = reminder_choice(body, action)
    async with answering_failures(
        services, user_id, lambda text: tell(client, None, user_id, text)
    ):
        if action.get("action_id") == HOME_REMIND_OFF:
            asked = grammar.Remind(None)
        else:
            asked = grammar.parse_remind(f"{at} {hours}")
        await set_or_clear_reminder(services, client, user_id, asked)
    await publish_home(services, client, user_id)


def register(app: AsyncApp, services: Services) -> None:
    @app.action(HOME_REMIND_TIME)
    @app.action(HOME_REMIND_HOURS)
    @app.action(HOME_REMIND_OFF)
    async def home_remind(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await on_home_remind(services, body, action, client)

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        await on_home_opened(services, event, client)

    @app.action(HOME_LIST_ACTION)
    async def home_list(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await on_home_list(services, body, action, client)

    @app.action(HOME_NOTIFY_ACTION)
    async def home_notify(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await on_home_notify(services, body, action, client)
