"""`redmine-slack poll --once`: one cycle for cron, its report, and politeness to a busy lease."""

from __future__ import annotations

import pytest

from bot.cli import run_poller
from bot.notify.lease import NotifyLeaseHolder
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import Notifier
from tests.integration.notify.test_poller import subject


async def test_poll_once_delivers_and_reports(
    notifier: Notifier, capsys: pytest.CaptureFixture[str]
) -> None:
    await notifier.subscribe()
    title = subject()
    rm.create_issue(notifier.seed, as_login="bob", subject=title)
    assert await run_poller(notifier.settings, once=True, since=None) == 0
    assert "messages posted: 1, left for next time: 0" in capsys.readouterr().out
    assert [p for p in notifier.posts() if title in p["text"]]

    busy = NotifyLeaseHolder(notifier.services.sessions, holder="the other replica")
    assert await busy.acquire()
    rm.create_issue(notifier.seed, subject=subject())
    assert await run_poller(notifier.settings, once=True, since=None) == 0
    assert "another worker is delivering" in capsys.readouterr().out
    assert len(notifier.posts()) == 1  # nothing posted while the other holds the lease


async def test_poll_since_rejects_a_non_date(
    notifier: Notifier, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run_poller(notifier.settings, once=True, since="yesterday") == 2
    assert "is not a date" in capsys.readouterr().out
