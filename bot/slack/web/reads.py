"""What the shortcuts read from Slack about a message: permalink, names, thread, files, tz.

Every read degrades instead of failing: a missing scope or a deleted user must not stop
an issue from being created, so each method logs Slack's error and returns a fallback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.i18n import N_, Translator, _, translator_for
from bot.redmine.cache import TTLCache
from bot.slack.messages import ThreadMessage
from bot.slack.web.files import SlackFile

log = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_LIMIT = 200  # messages of a thread copied into an issue; the rest is behind the link
# users.info calls one request may cause. A message can mention hundreds of people; past
# this many, the mentions stay as Slack wrote them instead of costing a call each.
MAX_NAME_LOOKUPS = 50
USER_TTL = 600.0  # a person's profile, remembered across requests for this long


def _error(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown"))


async def _read_field(
    call: Awaitable[AsyncSlackResponse], method: str, field: str
) -> dict[str, Any] | None:
    """The object `field` of a read's answer; None (logged) when Slack refused the read."""
    try:
        answer = await call
    except SlackApiError as error:
        log.info("%s failed: %s", method, _error(error))
        return None
    value = answer.get(field)
    return value if isinstance(value, dict) else None


# Slack's answers when the bot may not read a channel it is not in: a private channel
# it was not invited to reads as `channel_not_found`; joining one is refused.
_NOT_INVITED = {"channel_not_found", "not_in_channel", "method_not_supported_for_channel_type"}
INVITE_TO_COPY = N_(
    "The thread's messages could not be copied: I'm not in this channel. "
    "Invite me with `/invite @Redmine`, then copy them as a note with *Add as Redmine note*."
)


class ThreadUnreadable(Exception):
    """The thread could not be read; `message` tells the person why and what to do."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # Slack's error, when it is not "I'm not in this channel"

    @classmethod
    def of(cls, error: SlackApiError) -> ThreadUnreadable:
        code = _error(error)
        log.info("thread not read: %s", code)
        if code in _NOT_INVITED:
            return cls(_(INVITE_TO_COPY))
        return cls(
            _(
                "The thread's messages could not be copied (Slack said `{code}`); "
                "the issue links to the message instead.",
                code=code,
            ),
            code,
        )


async def within(budget: float, work: Awaitable[T], fallback: T) -> T:
    """`work`'s result, or `fallback` when it takes longer than `budget` seconds."""
    try:
        async with asyncio.timeout(budget):
            return await work
    except TimeoutError:
        log.info("a Slack read took longer than %.1fs; going on without it", budget)
        return fallback


class SlackReads:
    """Reads for one request. `users` is the process-wide cache of users.info answers
    (Services.slack_users); without one, lookups are remembered for this request only."""

    def __init__(self, client: AsyncWebClient, users: TTLCache | None = None) -> None:
        self._client = client
        self._users = users if users is not None else TTLCache(USER_TTL)

    async def permalink(self, channel_id: str, ts: str) -> str | None:
        if not channel_id or not ts:
            return None
        try:
            answer = await self._client.chat_getPermalink(channel=channel_id, message_ts=ts)
        except SlackApiError as error:
            log.info("chat.getPermalink failed: %s", _error(error))
            return None
        link = answer.get("permalink")
        return str(link) if link else None

    async def user(self, user_id: str) -> dict[str, object] | None:
        cached: dict[str, object] | None = self._users.get(user_id)
        if cached is not None:
            return cached
        # `include_locale` adds the person's `locale` ("ja-JP") to the answer
        # (slackapi/slack-api-specs web-api/slack_web_openapi_v2.json, /users.info).
        read = self._client.users_info(user=user_id, include_locale=True)
        user = await _read_field(read, "users.info", "user")
        if user is None:
            return None
        self._users.set(user_id, user)
        return user

    async def names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """Slack user ids -> the names people know them by (ids stay when unreadable).

        Names already cached cost nothing; at most MAX_NAME_LOOKUPS others are asked for.
        """
        distinct = sorted(set(user_ids))
        known = [user_id for user_id in distinct if self._users.get(user_id) is not None]
        unknown = [user_id for user_id in distinct if self._users.get(user_id) is None]
        if len(unknown) > MAX_NAME_LOOKUPS:
            log.info(
                "%d people mentioned; looking up %d names, the rest stay as mentions",
                len(unknown),
                MAX_NAME_LOOKUPS,
            )
        wanted = known + unknown[:MAX_NAME_LOOKUPS]
        users = await asyncio.gather(*(self.user(user_id) for user_id in wanted))
        names: dict[str, str] = {}
        for user_id, user in zip(wanted, users, strict=True):
            if user is None:
                continue
            profile = user.get("profile")
            profile = profile if isinstance(profile, dict) else {}
            names[user_id] = str(
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
                or user_id
            )
        return names

    async def zone(self, user_id: str) -> tzinfo:
        """The person's time zone: users.info `tz` (an IANA name such as "Europe/Berlin",
        docs.slack.dev/reference/methods/users.info), else `tz_offset` (seconds east of
        UTC) as a fixed offset, else UTC."""
        user = await self.user(user_id)
        name = user.get("tz") if user else None
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                log.info("unknown time zone %r; using its offset", name)
        offset = user.get("tz_offset") if user else None
        if isinstance(offset, int) and abs(offset) < 86400:
            return timezone(timedelta(seconds=offset))
        return UTC

    async def locale(self, user_id: str) -> str | None:
        """The person's Slack language as Slack writes it (`ja-JP`), or None if unread."""
        user = await self.user(user_id)
        locale = user.get("locale") if user else None
        return locale if isinstance(locale, str) and locale else None

    async def language(self, user_id: str, default_locale: str | None) -> Translator:
        """Whom to speak as to the person: their Slack language, else `default_locale`
        (DEFAULT_LOCALE), else English."""
        return translator_for(await self.locale(user_id), default_locale)

    async def today(self, user_id: str) -> date:
        """Today's date where the person is (their Slack time zone), else in UTC."""
        return datetime.now(await self.zone(user_id)).date()

    async def thread(self, channel_id: str, thread_ts: str) -> list[ThreadMessage]:
        """The thread's messages, oldest first (the parent included), up to THREAD_LIMIT.

        Slack answers `not_in_channel` to history reads in a public channel the bot has
        not joined, whatever its scopes (api.slack.com/methods/conversations.replies,
        Errors): the bot joins (`channels:join`) and reads again. A channel it cannot
        join or see raises ThreadUnreadable, so the person is told, never left guessing.
        """
        try:
            return await self._thread(channel_id, thread_ts)
        except SlackApiError as error:
            if _error(error) != "not_in_channel":
                raise ThreadUnreadable.of(error) from None
        try:
            await self._client.conversations_join(channel=channel_id)
            return await self._thread(channel_id, thread_ts)
        except SlackApiError as error:
            raise ThreadUnreadable.of(error) from None

    async def _thread(self, channel_id: str, thread_ts: str) -> list[ThreadMessage]:
        messages: list[ThreadMessage] = []
        cursor: str | None = None
        while len(messages) < THREAD_LIMIT:
            answer = await self._client.conversations_replies(
                channel=channel_id, ts=thread_ts, limit=min(200, THREAD_LIMIT), cursor=cursor
            )
            messages.extend(ThreadMessage.from_api(m) for m in answer.get("messages") or [])
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return messages[:THREAD_LIMIT]

    async def file(self, file_id: str) -> SlackFile | None:
        data = await _read_field(self._client.files_info(file=file_id), "files.info", "file")
        return SlackFile.from_api(data) if data is not None else None

    async def react(self, channel_id: str, ts: str, name: str) -> bool:
        """Add a reaction; a missing scope or an existing reaction is not an error."""
        try:
            await self._client.reactions_add(channel=channel_id, timestamp=ts, name=name)
        except SlackApiError as error:
            log.info("reactions.add failed: %s", _error(error))
            return False
        return True
