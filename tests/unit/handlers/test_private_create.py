"""A new issue Redmine made private is told to its author alone, never to the channel.

Redmine 7.0 lets a tracker make new issues private by default (redmine/redmine 7.0-stable
app/models/issue.rb, `tracker&.private_by_default?` in safe_attributes=, applied when the
request does not say `is_private`), so `/redmine create` can get a private issue back
without asking for one. The answer below is 7.0's POST /issues.json for it
(issues/show.api.rsb renders `is_private`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from bot.blocks.replies import PRIVATE_CREATED
from bot.config import Settings
from bot.inputs import grammar
from bot.redmine.models import Issue
from handlers import commands
from handlers.asked import Asked

CREATED_BY_REDMINE_7 = {
    "id": 81,
    "project": {"id": 1, "name": "Alpha"},
    "tracker": {"id": 4, "name": "Security"},
    "status": {"id": 1, "name": "New", "is_closed": False},
    "priority": {"id": 2, "name": "Normal"},
    "author": {"id": 5, "name": "Alice Archer"},
    "subject": "Leaked credentials in the build log",
    "is_private": True,
}


@dataclass
class Respond:
    """What bolt's `respond` was asked to send (response_url answers)."""

    response_url: str = "https://hooks.slack.com/commands/T1/1/x"
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, **kwargs: Any) -> SimpleNamespace:
        self.calls.append(kwargs)
        # Bolt's respond answers slack_sdk's WebhookResponse; Slack took it.
        return SimpleNamespace(status_code=200, body="ok")


def asked_for(respond: Respond) -> Asked:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        redmine_url="https://redmine.example.com",
        redmine_api_key="k" * 40,
    )
    identity = SimpleNamespace(
        resolve=_resolve, redmine_for=lambda identity: SimpleNamespace(acting_as="login:alice")
    )
    services = SimpleNamespace(settings=settings, identity=identity)
    return Asked(
        services=services,  # type: ignore[arg-type]
        client=None,  # type: ignore[arg-type]
        respond=respond,  # type: ignore[arg-type]
        body={},
        user_id="UALICE",
        channel_id="CPUBLIC",
    )


async def _resolve(user_id: str) -> object:
    return SimpleNamespace(slack_user_id=user_id, redmine_login="alice")


@pytest.mark.parametrize("private", [True, False])
async def test_create_tells_the_channel_only_of_a_public_issue(
    monkeypatch: pytest.MonkeyPatch, private: bool
) -> None:
    async def created(redmine: object, words: str) -> Issue:
        return Issue.model_validate({**CREATED_BY_REDMINE_7, "is_private": private})

    monkeypatch.setattr(commands, "create_from_words", created)
    respond = Respond()
    await commands.on_create(grammar.Create(words="alpha Leaked credentials"), asked_for(respond))
    [answer] = respond.calls
    if private:
        assert answer["response_type"] == "ephemeral"
        assert answer["text"].endswith(PRIVATE_CREATED)
    else:
        assert answer["response_type"] == "in_channel"
        assert PRIVATE_CREATED not in answer["text"]
    assert "#81" in answer["text"]
