"""The flexpane is drawn for the person who opened it, in their language.

`entity_details_requested` carries that person's locale (node-slack-sdk
packages/types/src/events/entity-details-requested.ts: `user`, `trigger_id`,
`external_ref`, `user_locale`); other events leave a request in DEFAULT_LOCALE
(handlers/asked.py), so the listener speaks the event's own locale.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.config import Settings
from bot.redmine.errors import NotFoundError
from handlers import flexpane
from handlers.asked import Asked


class Client:
    def __init__(self) -> None:
        self.presented: list[dict[str, Any]] = []

    async def entity_presentDetails(self, **args: Any) -> None:  # Slack's method name
        self.presented.append(args)


class Issues:
    async def get_served(self, issue_id: int, include: tuple[str, ...] = ()) -> Any:
        raise NotFoundError("not found", method="GET", path=f"/issues/{issue_id}.json", status=404)


def asked(client: Client, default_locale: str = "de") -> Asked:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        redmine_url="https://redmine.example.com",
        redmine_api_key="k" * 40,
        default_locale=default_locale,
    )

    async def resolve(user_id: str) -> object:
        return SimpleNamespace(slack_user_id=user_id, login="erin")

    identity = SimpleNamespace(
        resolve=resolve, redmine_for=lambda person: SimpleNamespace(issues=Issues())
    )
    return Asked(
        services=SimpleNamespace(settings=settings, identity=identity),  # type: ignore[arg-type]
        client=client,  # type: ignore[arg-type]
        respond=None,
        body={},
        user_id="UERIN",
        channel_id=None,
    )


def event(locale: str | None) -> dict[str, Any]:
    opened: dict[str, Any] = {
        "type": "entity_details_requested",
        "user": "UERIN",
        "trigger_id": "1.2.flexpane",
        "external_ref": {"id": "42", "type": "issue"},
    }
    if locale is not None:
        opened["user_locale"] = locale
    return opened


async def test_the_flexpane_speaks_the_locale_the_event_names() -> None:
    client = Client()
    await flexpane.on_entity_details(event("ja-JP"), asked(client))
    [shown] = client.presented
    assert shown["error"]["custom_title"] == "表示できません"
    assert "#42" in shown["error"]["custom_message"]
    assert "チケット" in shown["error"]["custom_message"]


async def test_without_a_locale_the_flexpane_speaks_default_locale() -> None:
    client = Client()
    await flexpane.on_entity_details(event(None), asked(client, default_locale="de"))
    [shown] = client.presented
    assert shown["error"]["custom_title"] == "Nicht verfügbar"
