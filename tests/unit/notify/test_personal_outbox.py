"""bot.notify.personal's outbox: each person's DMs in order, one thread per issue, and
what happens when Slack refuses: a temporary failure leaves the rest for the next cycle,
a person Slack will not let us write to is never retried.

conversations.open answers `user_disabled` for a deactivated person
(api.slack.com/methods/conversations.open, Errors); chat.postMessage failures arrive
from SlackDelivery as DeliveryFailed after its own retries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.domain.journal_event import JournalEvent
from bot.notify.delivery import DeliveryFailed, Posted
from bot.notify.personal import Outgoing, PersonalNotifier
from bot.store import db
from bot.store.personal import PersonalRepository
from tests.support.redmine_fixtures import issue


class FakeDelivery:
    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.posts: list[tuple[str, str | None, str]] = []

    async def post(
        self,
        channel: str,
        text: str,
        blocks: list[Any],
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> Posted:
        if channel in self.failing:
            raise DeliveryFailed("Slack did not take the message after 5 attempts")
        ts = f"1700000{len(self.posts):03d}.000100"
        self.posts.append((channel, thread_ts, text))
        return Posted(ts)


class FakeSlack:
    async def conversations_open(self, *, users: str) -> dict[str, Any]:
        if users == "UGONE":
            raise SlackApiError("user_disabled", {"ok": False, "error": "user_disabled"})
        return {"ok": True, "channel": {"id": "D" + users[1:]}}

    async def users_info(self, *, user: str, include_locale: bool = False) -> dict[str, Any]:
        # A DM is worded in its reader's Slack language (users.info's `locale`).
        if user == "UGONE":
            raise SlackApiError("user_not_found", {"ok": False, "error": "user_not_found"})
        locale = "ja-JP" if user == "UJA" else "en-US"
        return {"ok": True, "user": {"id": user, "locale": locale} if include_locale else {}}


def settings() -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="s",
        redmine_url="https://redmine.example.test",
        redmine_api_key="k",
    )


async def test_failures_leave_the_rest_for_later_and_a_gone_person_is_never_retried(
    tmp_path: Path,
) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'o.sqlite3'}")
    await db.migrate(engine)
    sessions = db.session_factory(engine)
    delivery = FakeDelivery(failing={"DFAIL"})
    notifier = PersonalNotifier(
        settings=settings(),
        redmine=None,  # type: ignore[arg-type]  # sending never reads Redmine
        slack=FakeSlack(),  # type: ignore[arg-type]
        sessions=sessions,
        delivery=delivery,  # type: ignore[arg-type]
        directory=object(),  # type: ignore[arg-type]
    )
    found = issue("issue__with_journals")
    other = found.model_copy(update={"id": 4})

    def item(user: str, about: Any, key: int) -> Outgoing:
        return Outgoing(
            user, about, key, "On an issue you watch", JournalEvent(key, "Bob", False, [], "hi")
        )

    posted, undelivered = await notifier.send(
        [
            item("UBOB", found, 2),
            item("UBOB", other, 7),
            item("UBOB", found, 3),
            item("UFAIL", other, 7),
            item("UGONE", found, 2),
        ]
    )
    assert posted == 3 and undelivered == {4}
    first, second, third = delivery.posts
    assert first[:2] == ("DBOB", None) and second[:2] == ("DBOB", None)
    assert third[:2] == ("DBOB", "1700000000.000100")  # #3's second DM replies in its thread
    async with sessions() as session:
        repo = PersonalRepository(session)
        assert await repo.delivered("UBOB", [2, 3, 7]) == {2, 3, 7}
        assert await repo.delivered("UFAIL", [7]) == set()  # told next cycle
        assert await repo.delivered("UGONE", [2]) == {2}  # never asked again
    await engine.dispose()


async def test_a_dm_is_worded_in_its_readers_slack_language(tmp_path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'l.sqlite3'}")
    await db.migrate(engine)
    delivery = FakeDelivery(failing=set())
    notifier = PersonalNotifier(
        settings=settings(),
        redmine=None,  # type: ignore[arg-type]  # sending never reads Redmine
        slack=FakeSlack(),  # type: ignore[arg-type]
        sessions=db.session_factory(engine),
        delivery=delivery,  # type: ignore[arg-type]
        directory=object(),  # type: ignore[arg-type]
    )
    found = issue("issue__with_journals")
    event = JournalEvent(2, "Bob", False, [], "hi")
    posted, _undelivered = await notifier.send(
        [
            Outgoing("UJA", found, 2, "On an issue you watch", event),
            Outgoing("UGONE", found, 2, "On an issue you watch", event),
            Outgoing("UBOB", found, 2, "On an issue you watch", event),
        ]
    )
    assert posted == 2
    english, japanese = (text for _channel, _ts, text in sorted(delivery.posts))  # DBOB, DJA
    assert japanese.startswith("あなたがウォッチしているチケット: Bob さんが")
    assert english.startswith("On an issue you watch: Bob updated")
    await engine.dispose()
