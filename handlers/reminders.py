"""`/redmine remind` and the reminder DM's "Log time" buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.remind import clear_reminder, current_reminder, set_reminder
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import message_time_modal
from bot.blocks.reminders import REMINDER_LOG_TIME, decode_log_time_target
from bot.blocks.time_report import hours_text
from bot.domain.recurrence import ReminderSet
from bot.inputs import grammar
from bot.services import Services
from bot.slack.web.reads import SlackReads
from bot.store.models import utcnow
from handlers.common import Say, acting_as, answering_failures, tell

REMINDER_SET = (
    "I'll DM you at {hour:02d}:{minute:02d} ({zone}) Monday to Friday when you logged "
    "under {hours} that day, and a summary of your week on Fridays at the same time. "
    "`/redmine remind off` stops both."
)
REMINDER_OFF = "Reminders are off."
NO_REMINDER = "You had no reminder to turn off."
BAD_BUTTON = "That button is not one of mine any more. Use `/redmine log <id> <hours>` instead."


async def set_or_clear_reminder(
    services: Services, client: AsyncWebClient, user_id: str, asked: grammar.Remind
) -> ReminderSet | None:
    """Save the reminder in the person's Slack zone, or remove it; None when it is off
    (or there was none). The command and the Home tab both come here."""
    await acting_as(services, user_id)  # only people I can act for get reminders
    if asked.at is None:
        await clear_reminder(services.sessions, user_id)
        return None
    zone = await SlackReads(client, services.slack_users).zone(user_id)
    hours = asked.hours if asked.hours is not None else grammar.DEFAULT_TARGET_HOURS
    return await set_reminder(services.sessions, user_id, asked.at, hours, zone, utcnow())


async def answer_remind(
    services: Services, client: AsyncWebClient, user_id: str, asked: grammar.Remind, say: Say
) -> None:
    had = await current_reminder(services.sessions, user_id) if asked.at is None else None
    saved = await set_or_clear_reminder(services, client, user_id, asked)
    if saved is None:
        await say(REMINDER_OFF if asked.at is None and had is not None else NO_REMINDER)
        return
    await say(
        REMINDER_SET.format(
            hour=saved.hour, minute=saved.minute, zone=saved.zone, hours=hours_text(saved.hours)
        )
    )


def register(app: AsyncApp, services: Services) -> None:
    async def on_log_time_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        action = (body.get("actions") or [{}])[0]
        target = decode_log_time_target(str(action.get("value") or ""))
        if target is None:
            await tell(client, None, user_id, BAD_BUTTON)
            return
        issue_id, project_id = target
        async with answering_failures(
            services, user_id, lambda text: tell(client, None, user_id, text)
        ):
            today = await SlackReads(client, services.slack_users).today(user_id)
            # Submitted through the log-time form's own path (handlers/views.py); with no
            # channel in the context, its confirmation comes as a DM.
            view = message_time_modal(
                ModalContext(project_id=project_id), today=today, comment="", issue_id=issue_id
            )
            await client.views_open(trigger_id=body["trigger_id"], view=view)

    app.action(REMINDER_LOG_TIME)(on_log_time_button)
