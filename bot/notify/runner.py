"""Entry points for the poller: inside `serve`, alone (`poll`), or once (`poll --once`)."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from datetime import UTC, date, datetime
from typing import Any

from bot.app import open_services
from bot.config import Settings
from bot.notify.poller import Poller
from bot.services import Services

log = logging.getLogger(__name__)


def parse_since(text: str | None) -> datetime | None:
    """`YYYY-MM-DD` or an ISO time; naive values are taken as UTC."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def poller_jobs(services: Services) -> list[Coroutine[Any, Any, None]]:
    """For `serve`: the poller runs beside the web app and takes the webhook's queue."""
    return [services.notifier.run_forever()]


def webhook_jobs(services: Services) -> list[Coroutine[Any, Any, None]]:
    """For `web`: no schedule here, but webhook nudges are still handled at once."""
    return [services.notifier.consume_queue()]


async def run_poller(settings: Settings, *, once: bool, since: str | None) -> int:
    try:
        start = parse_since(since)
    except ValueError:
        print(f"--since {since!r} is not a date: use YYYY-MM-DD or 2026-11-22T09:00:00Z")
        return 2
    async with open_services(settings) as services:
        poller = Poller(services, since=start)
        services.notifier = poller
        if once:
            report = await poller.run_cycle_logged()
            if report is None:
                return 1
            if report.skipped:
                print("another worker is delivering notifications right now; nothing done")
                return 0
            print(
                f"listed {report.listed} changed issues, fetched {report.fetched}, "
                f"posted {report.posted} messages, {len(report.failed_issues)} left for next time"
            )
            return 0 if not report.failed_issues else 1
        await poller.run_forever()
    return 0
