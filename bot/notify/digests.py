"""The scheduler's sender for daily digests: gathered as the subscriber, posted once."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.digests import collect_digest
from bot.blocks.digests import digest_blocks, digest_text
from bot.domain.recurrence import zone_named
from bot.i18n import translator_for, using
from bot.people.identity import IdentityResolver, NotLinked
from bot.store.models import ScheduledSend, Subscription

log = logging.getLogger(__name__)


class DigestSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        identity: IdentityResolver,
        slack: AsyncWebClient,
        base_url: str,
        *,
        default_locale: str = "en",
    ) -> None:
        self.sessions = sessions
        self.identity = identity
        self.slack = slack
        self.base_url = base_url
        self.default_locale = default_locale

    async def digest(self, schedule: ScheduledSend, day: date) -> None:
        subscription_id = schedule.payload.get("subscription_id")
        async with self.sessions() as session:
            sub = (
                await session.get(Subscription, subscription_id)
                if isinstance(subscription_id, int)
                else None
            )
        if sub is None or sub.digest_minute is None or sub.paused:
            log.info("digest %s: its subscription is gone or paused", schedule.name)
            return
        try:
            person = await self.identity.resolve(sub.created_by_slack_user)
        except NotLinked as error:
            # Never read as anyone else: no subscriber, no digest.
            log.info("digest %s: its subscriber is gone (%s)", schedule.name, error.message)
            return
        redmine = self.identity.redmine_for(person)
        # Said to the channel in its language (`lang:`), like its notifications.
        with using(translator_for(sub.language, self.default_locale)):
            digest = await collect_digest(
                redmine, sub, day, sub.digest_minute, zone_named(schedule.timezone)
            )
            text, blocks = digest_text(digest), digest_blocks(digest, self.base_url)
        await self.slack.chat_postMessage(
            channel=sub.channel_id, text=text, blocks=blocks, unfurl_links=False
        )
