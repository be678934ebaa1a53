"""What the poller says is in its reader's language: a channel's changes in the channel's
(`lang:`), dates included; the notice of a paused subscription, a DM, in its creator's
Slack language (users.info `locale`, docs.slack.dev/reference/methods/users.info)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.delivery import ChannelUnavailable, Posted
from bot.redmine.models import Issue
from bot.store import db
from bot.store.models import Subscription
from bot.store.repositories import SubscriptionRepository
from tests.support.offline_poller import offline_poller

Sessions = async_sessionmaker[AsyncSession]


class Delivery:
    """Slack takes every message, except in a channel the bot was removed from."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str, list[dict[str, Any]]]] = []

    async def post(
        self, channel: str, text: str, blocks: list[dict[str, Any]], **options: Any
    ) -> Posted:
        if channel == "CGONE":
            raise ChannelUnavailable(channel, "not_in_channel")
        self.posts.append((channel, text, blocks))
        return Posted(f"1700000{len(self.posts):03d}.000100")


LOCALES = {"UKENJI": "ja-JP", "UGRETA": "de-DE"}


class Slack:
    def __init__(self) -> None:
        self.dms: list[dict[str, Any]] = []

    async def users_info(self, *, user: str, include_locale: bool = False) -> dict[str, Any]:
        locale = LOCALES.get(user, "en-US") if include_locale else None
        return {"ok": True, "user": {"id": user, "locale": locale}}

    async def chat_postMessage(self, **arguments: Any) -> dict[str, Any]:
        self.dms.append(arguments)
        return {"ok": True, "ts": "1.2"}


def rescheduled() -> Issue:
    """Issue 42: its due date moved, and its assignee (a user Redmine does not name) removed."""
    now = datetime.now(UTC).isoformat()
    return Issue.model_validate(
        {
            "id": 42,
            "project": {"id": 1, "name": "Alpha"},
            "subject": "Export stalls",
            "created_on": "2026-11-01T10:00:00Z",
            "updated_on": now,
            "journals": [
                {
                    "id": 7,
                    "user": {"id": 2, "name": "Bob Baker"},
                    "created_on": now,
                    "details": [
                        {
                            "property": "attr",
                            "name": "due_date",
                            "old_value": "2026-12-01",
                            "new_value": "2026-12-24",
                        },
                        {"property": "attr", "name": "assigned_to_id", "old_value": "9"},
                    ],
                }
            ],
        }
    )


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'language.sqlite3'}")
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


async def subscribe(sessions: Sessions, channel: str, language: str | None, by: str) -> None:
    async with sessions() as session:
        await SubscriptionRepository(session).save(
            channel,
            1,
            project_identifier="alpha",
            project_name="Alpha",
            created_by_slack_user=by,
            created_by_login="someone",
            threads=False,  # each change names its issue: no card first
            language=language,
        )
        await session.commit()


async def deliver(sessions: Sessions, slack: Slack, delivery: Delivery) -> list[Subscription]:
    poller = offline_poller(sessions, delivery, rescheduled, slack=slack)
    async with sessions() as session:
        subscriptions = list(await SubscriptionRepository(session).active())
    await poller.process_issue(42, subscriptions)
    async with sessions() as session:
        return list(await SubscriptionRepository(session).for_channel("CGONE"))


async def test_a_japanese_and_a_german_channel_are_each_told_in_their_language(
    sessions: Sessions,
) -> None:
    await subscribe(sessions, "CJA", "ja", "UKENJI")
    await subscribe(sessions, "CDE", "de", "UGRETA")
    await subscribe(sessions, "CEN", None, "UKENJI")  # no lang: DEFAULT_LOCALE (English)
    delivery = Delivery()
    await deliver(sessions, Slack(), delivery)
    said = {channel: blocks[0]["text"]["text"] for channel, _text, blocks in delivery.posts}
    assert sorted(said) == ["CDE", "CEN", "CJA"]
    link = "<https://redmine.example.test/issues/42|#42 Export stalls>"
    assert said["CJA"] == (
        f"*Bob Baker* さんが {link} を更新しました\n"
        "期日: 2026/12/01 → *2026/12/24*\n"
        "担当者: ~ユーザー #9~ を削除"
    )
    assert said["CDE"].startswith(f"*Bob Baker* hat {link} aktualisiert\n")
    assert "Abgabedatum: 01.12.2026 → *24.12.2026*" in said["CDE"]
    assert "~Benutzer #9~ entfernt" in said["CDE"]
    assert "Dec 24, 2026" in said["CEN"] and "~user #9~ removed" in said["CEN"]


@pytest.mark.parametrize(
    ("creator", "words"),
    [
        ("UKENJI", ["*Alpha* の Redmine 購読を一時停止しました", "`not_in_channel`"]),
        ("UGRETA", ["Redmine-Abonnement für *Alpha* in <#CGONE> pausiert", "`not_in_channel`"]),
    ],
)
async def test_a_paused_subscription_is_told_to_its_creator_in_their_own_language(
    sessions: Sessions, creator: str, words: list[str]
) -> None:
    # The channel speaks English; the notice is a DM, so it speaks its reader's language.
    await subscribe(sessions, "CGONE", "en", creator)
    slack = Slack()
    (paused,) = await deliver(sessions, slack, Delivery())
    assert paused.paused and paused.paused_reason == "not_in_channel"
    (dm,) = slack.dms
    assert dm["channel"] == creator
    assert all(word in dm["text"] for word in words), dm["text"]
    assert "`/redmine subscribe alpha`" in dm["text"]  # the command stays as typed
