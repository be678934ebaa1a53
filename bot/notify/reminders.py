"""The scheduler's senders for reminders and weekly summaries: read as the person, DM them.

Each runs where the notification lease is held (bot.notify.scheduler). A person who can no
longer be matched to a Redmine account gets nothing and nothing is retried; a Redmine or
Slack failure raises, so the scheduler tries the occurrence again on its next tick.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.day_review import review_day, review_week
from bot.blocks.reminders import reminder_blocks, reminder_text, weekly_blocks, weekly_text
from bot.domain.recurrence import zone_named
from bot.i18n import Translator, using
from bot.inputs.grammar import DEFAULT_TARGET_HOURS
from bot.people.identity import IdentityResolver, NotLinked
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.slack.web.reads import USER_TTL, SlackReads
from bot.store.models import ScheduledSend

log = logging.getLogger(__name__)


def target_hours(payload: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(payload.get("hours", DEFAULT_TARGET_HOURS)))
    except InvalidOperation:
        return DEFAULT_TARGET_HOURS


class ReminderSender:
    def __init__(
        self,
        identity: IdentityResolver,
        slack: AsyncWebClient,
        base_url: str,
        *,
        default_locale: str = "en",
    ) -> None:
        self.identity = identity
        self.slack = slack
        self.base_url = base_url
        self.default_locale = default_locale
        self._profiles = TTLCache(USER_TTL)  # users.info answers, for each DM's language

    async def _translator(self, slack_user_id: str) -> Translator:
        """The person's Slack language (users.info `locale`), else DEFAULT_LOCALE."""
        return await SlackReads(self.slack, self._profiles).language(
            slack_user_id, self.default_locale
        )

    async def _as_person(self, slack_user_id: str) -> Redmine | None:
        try:
            found = await self.identity.resolve(slack_user_id)
        except NotLinked as error:
            log.info("no reminder for %s: %s", slack_user_id, error.message)
            return None
        return self.identity.redmine_for(found)

    async def direct_message(self, slack_user_id: str, text: str, blocks: list[Any]) -> None:
        """conversations.open with the person (scope im:write), then post in that DM
        (docs.slack.dev/reference/methods/conversations.open: `channel.id` in the answer)."""
        opened = await self.slack.conversations_open(users=slack_user_id)
        channel = (opened.get("channel") or {}).get("id") or slack_user_id
        await self.slack.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False
        )

    async def reminder(self, schedule: ScheduledSend, day: date) -> None:
        """The workday reminder: sent only when today's hours are under the target."""
        redmine = await self._as_person(schedule.owner)
        if redmine is None:
            return
        zone = zone_named(schedule.timezone)
        review = await review_day(redmine, day, zone, target_hours(schedule.payload))
        if not review.short:
            log.debug("%s logged enough on %s; no reminder", schedule.owner, day)
            return
        with using(await self._translator(schedule.owner)):
            text = reminder_text(review.report.total, review.target)
            blocks = reminder_blocks(review, self.base_url)
        await self.direct_message(schedule.owner, text, blocks)

    async def weekly(self, schedule: ScheduledSend, day: date) -> None:
        """The weekly summary on the last workday: hours per day and per project."""
        redmine = await self._as_person(schedule.owner)
        if redmine is None:
            return
        with using(await self._translator(schedule.owner)):
            report = await review_week(redmine, day)  # the period named in their language
            text, blocks = weekly_text(report), weekly_blocks(report, self.base_url)
        await self.direct_message(schedule.owner, text, blocks)
