"""`/redmine remind` and the reminder DM's "Log time" buttons."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.actions.remind import clear_reminder, current_reminder, set_reminder
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import message_time_modal
from bot.blocks.reminders import REMINDER_LOG_TIME, decode_log_time_target
from bot.blocks.time_report import hours_text
from bot.domain.recurrence import ReminderSet
from bot.i18n import N_, _
from bot.inputs import grammar
from bot.store.models import utcnow
from handlers.asked import Asked

REMINDER_SET = N_(
    "I'll DM you at {time} ({zone}) Monday to Friday when you logged "
    "under {hours} that day, and a summary of your week on Fridays at the same time. "
    "`/redmine remind off` stops both."
)
REMINDER_OFF = N_("Reminders are off.")
NO_REMINDER = N_("You had no reminder to turn off.")
BAD_BUTTON = N_("That button is not one of mine any more. Use `/redmine log <id> <hours>` instead.")


async def set_or_clear_reminder(asked: Asked, remind: grammar.Remind) -> ReminderSet | None:
    """Save the reminder in the person's Slack zone, or remove it; None when it is off
    (or there was none). The command and the Home tab both come here."""
    await asked.acting()  # only people I can act for get reminders
    sessions, user_id = asked.services.sessions, asked.user_id
    if remind.at is None:
        await clear_reminder(sessions, user_id)
        return None
    zone = await asked.reads.zone(user_id)
    hours = remind.hours if remind.hours is not None else grammar.DEFAULT_TARGET_HOURS
    return await set_reminder(sessions, user_id, remind.at, hours, zone, utcnow())


async def answer_remind(remind: grammar.Remind, asked: Asked) -> None:
    """`/redmine remind HH:MM [hours]` and `remind off`, answered to the person."""
    sessions = asked.services.sessions
    had = await current_reminder(sessions, asked.user_id) if remind.at is None else None
    saved = await set_or_clear_reminder(asked, remind)
    if saved is None:
        off = remind.at is None and had is not None
        await asked.say(_(REMINDER_OFF) if off else _(NO_REMINDER))
        return
    at = f"{saved.hour:02d}:{saved.minute:02d}"
    await asked.say(_(REMINDER_SET, time=at, zone=saved.zone, hours=hours_text(saved.hours)))


async def on_log_time_button(ack: AsyncAck, asked: Asked) -> None:
    """A reminder DM's "Log time": the log-time form with the issue filled in."""
    await ack()
    action = (asked.body.get("actions") or [{}])[0]
    target = decode_log_time_target(str(action.get("value") or ""))
    say = asked.teller(None)
    if target is None:
        await say(_(BAD_BUTTON))
        return
    issue_id, project_id = target
    async with asked.answering_failures(say):
        today = await asked.reads.today(asked.user_id)
        # Submitted through the log-time form's own path (handlers/views.py); with no
        # channel in the context, its confirmation comes as a DM.
        view = message_time_modal(
            ModalContext(project_id=project_id), today=today, comment="", issue_id=issue_id
        )
        await asked.client.views_open(trigger_id=asked.trigger_id, view=view)


def register(app: AsyncApp) -> None:
    app.action(REMINDER_LOG_TIME)(on_log_time_button)
