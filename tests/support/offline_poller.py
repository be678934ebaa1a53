"""A Poller with no Redmine behind it: the issue it delivers is handed over, its names
left as Redmine's ids, so a unit test drives `process_issue` against its own Delivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.notify.poller import Poller
from bot.notify.webhook_queue import WebhookQueue
from bot.redmine.models import Issue
from bot.slack.web.pace import SlackRateLimits


def offline_poller(
    sessions: async_sessionmaker[AsyncSession],
    delivery: Any,
    issue: Callable[[], Issue],
    *,
    slack: Any = None,
) -> Poller:
    poller = Poller(
        settings=Settings(  # type: ignore[call-arg]
            _env_file=None,
            slack_bot_token="xoxb-test",
            slack_signing_secret="s",
            redmine_url="https://redmine.example.test",
            redmine_api_key="k",
        ),
        redmine=None,  # type: ignore[arg-type]  # the issue is handed over below
        slack=slack,
        sessions=sessions,
        queue=WebhookQueue(),
        slack_limits=SlackRateLimits(),
        delivery=delivery,
    )

    async def fetch(issue_id: int) -> tuple[Issue, datetime]:
        return issue(), datetime.now(UTC)

    async def prepare(issues: Any) -> None:
        return None  # ids stay unnamed

    poller._fetch = fetch  # type: ignore[method-assign]
    poller.names.prepare = prepare  # type: ignore[method-assign]
    return poller
