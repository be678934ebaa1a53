"""handlers/home.py without Slack or Redmine: what is published when Redmine cannot be
read, when the person is unknown, and that the Messages tab publishes nothing.

`tab` is "home" or "messages" (docs.slack.dev/reference/events/app_home_opened).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from bot.people.identity import HOW_TO_CONNECT, Identity, NotLinked
from bot.redmine.errors import RedmineTimeout, user_message
from bot.store import db
from handlers.asked import Asked
from handlers.home import on_home_opened


class Client:
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    async def views_publish(self, *, user_id: str, view: dict[str, Any]) -> None:
        self.published.append({"user_id": user_id, "view": view})


class SlowIssues:
    async def page(self, **params: Any) -> Any:
        raise RedmineTimeout("no answer", method="GET", path="/issues.json")


class Resolver:
    oauth = None  # no "Connect with Redmine" configured: the pasted key is the way

    def __init__(self, known: bool) -> None:
        self.known = known

    async def resolve(self, slack_user_id: str) -> Identity:
        if not self.known:
            raise NotLinked(HOW_TO_CONNECT)
        return Identity(slack_user_id, "alice", 5, "email")

    def redmine_for(self, identity: Identity) -> Any:
        return SimpleNamespace(issues=SlowIssues())

    def forget(self, slack_user_id: str) -> None:
        pass


async def services(tmp_path: Path, *, known: bool) -> Any:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'home.sqlite3'}")
    await db.migrate(engine)
    return SimpleNamespace(
        identity=Resolver(known),
        sessions=db.session_factory(engine),
        settings=SimpleNamespace(redmine_base_url="https://redmine.example.test"),
        engine=engine,
    )


def asked(services: Any, client: Client, user_id: str) -> Asked:
    """The event as the middleware hands it to listeners (Bolt's user_id is the event's)."""
    return Asked(
        services=services,
        client=cast(Any, client),
        respond=None,
        body={},
        user_id=user_id,
        channel_id=None,
    )


def texts(view: dict[str, Any]) -> str:
    return str(view["blocks"])


async def test_redmine_not_answering_publishes_a_sentence_not_a_trace(tmp_path: Path) -> None:
    client, bag = Client(), await services(tmp_path, known=True)
    await on_home_opened(
        {"type": "app_home_opened", "user": "UALICE", "tab": "home"}, asked(bag, client, "UALICE")
    )
    [published] = client.published
    expected = user_message(RedmineTimeout("no answer", method="GET", path="/issues.json"))
    assert expected in texts(published["view"])
    assert "Open this tab again to retry." in texts(published["view"])
    await bag.engine.dispose()


async def test_unknown_person_and_the_messages_tab(tmp_path: Path) -> None:
    client, bag = Client(), await services(tmp_path, known=False)
    await on_home_opened(
        {"type": "app_home_opened", "user": "UX", "tab": "messages"}, asked(bag, client, "UX")
    )
    assert client.published == []
    await on_home_opened({"type": "app_home_opened", "user": "UX"}, asked(bag, client, "UX"))
    [published] = client.published
    assert HOW_TO_CONNECT in texts(published["view"])
    await bag.engine.dispose()
