"""A digest is said in its channel's language (`lang:`), or DEFAULT_LOCALE without one:
the sender sets it around both gathering (a nameless query's title) and building."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.notify.digests import DigestSender
from bot.people.identity import Identity
from bot.redmine.models import Issue
from bot.store import db
from bot.store.models import ScheduledSend
from bot.store.repositories import SubscriptionRepository

Sessions = async_sessionmaker[AsyncSession]


class Identities:
    async def resolve(self, slack_user_id: str) -> Identity:
        return Identity(slack_user_id, "alice", 5, "email")

    def redmine_for(self, identity: Identity) -> Any:
        return Redmine()


class Redmine:
    """A saved query with one issue overdue (Redmine applies the query's filters)."""

    def __init__(self) -> None:
        self.issues = self

    async def of_query(self, query_id: int, project_id: int | None = None) -> AsyncIterator[Issue]:
        yield Issue.model_validate(
            {
                "id": 9,
                "project": {"id": 1, "name": "Alpha"},
                "subject": "Backup",
                "status": {"id": 1, "name": "New", "is_closed": False},
                "due_date": "2026-11-20",
                "created_on": "2026-11-01T10:00:00Z",
                "updated_on": "2026-11-01T10:00:00Z",
            }
        )


class Slack:
    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []

    async def chat_postMessage(self, **arguments: Any) -> dict[str, Any]:
        self.posted.append(arguments)
        return {"ok": True, "ts": "1.2"}


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'digest.sqlite3'}")
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


async def post_digest(sessions: Sessions, language: str | None, default_locale: str) -> Any:
    async with sessions() as session:
        sub = await SubscriptionRepository(session).save(
            "CTEAM",
            1,
            query_id=7,
            query_name=None,  # Redmine did not name it: the digest names it by its id
            project_identifier="alpha",
            project_name="Alpha",
            created_by_slack_user="UALICE",
            created_by_login="alice",
            digest_minute=9 * 60,
            language=language,
        )
        await session.commit()
        sub_id = sub.id
    slack = Slack()
    sender = DigestSender(
        sessions,
        Identities(),  # type: ignore[arg-type]
        slack,  # type: ignore[arg-type]
        "https://redmine.example.test",
        default_locale=default_locale,
    )
    schedule = ScheduledSend(
        name=f"digest:{sub_id}",
        kind="digest",
        owner="CTEAM",
        minute_of_day=9 * 60,
        timezone="Europe/Berlin",
        weekdays="1234567",
        payload={"subscription_id": sub_id},
        created_at=datetime.now(UTC),
    )
    await sender.digest(schedule, date(2026, 11, 23))
    (message,) = slack.posted
    return message


async def test_a_german_channel_gets_its_digest_in_german(sessions: Sessions) -> None:
    message = await post_digest(sessions, "de", "en")
    assert message["channel"] == "CTEAM"
    assert message["text"].startswith("Tägliche Übersicht für Abfrage #7: ")
    said = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    # The window is the channel's digest zone (Berlin), written the German way.
    assert said[0] == (
        ":newspaper: *Tägliche Übersicht: Abfrage #7* (22.11.26, 09:00 bis 23.11.26, 09:00)"
    )
    assert said[1].startswith("*Überfällig* (1)\n") and said[1].endswith("fällig am 20.11.2026")


async def test_a_channel_without_lang_speaks_the_default_locale(sessions: Sessions) -> None:
    message = await post_digest(sessions, None, "ja")
    assert message["text"].startswith("カスタムクエリ #7 のデイリーダイジェスト: ")
    assert "期日 2026/11/20" in message["blocks"][2]["text"]["text"]
