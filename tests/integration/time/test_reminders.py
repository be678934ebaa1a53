"""Reminders end to end: `/redmine remind` over signed HTTP, the scheduler with its clock
injected sending the DM from the real Redmine as the person, the DM's "Log time" button
opening the log-time form prefilled, and its submission logging time as the person.

Tina works in Europe/Berlin here. The DM goes through conversations.open then
chat.postMessage (api.slack.com/methods/conversations.open: `channel.id` in the answer).
"""

from __future__ import annotations

import json
import time as clock_time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.actions.remind import reminder_name, weekly_name
from bot.app import open_services
from bot.blocks.reminders import REMINDER_LOG_TIME
from bot.cli import build_scheduler
from bot.domain.recurrence import EVERY_DAY
from bot.notify.scheduler import Scheduler
from bot.store.schedules import ScheduleRepository
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import make_poller
from tests.integration.slack_harness import RunningService, response_text, settings_for
from tests.integration.time.people import Member, clear_time, ensure_member, log_time
from tests.support.fakeslack import dm_channel

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def tina(service: RunningService) -> Iterator[Member]:
    member = ensure_member(service.seed, "tina", "Tina", "Developer")
    clear_time(service.seed, member.user_id)
    service.fake.add_user(member.slack_id, member.email, name="Tina", tz="Europe/Berlin")
    yield member
    clear_time(service.seed, member.user_id)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def scheduler(service: RunningService, tmp_path: Path) -> AsyncIterator[Scheduler]:
    """The service's scheduler on the service's own database, with an injected clock."""
    settings = settings_for(service.seed, service.fake, tmp_path / "service.sqlite3")
    async with open_services(settings) as services:
        poller = make_poller(services)
        yield build_scheduler(services, poller, clock=Clock(datetime.now(UTC)))


def soon_in_berlin() -> datetime:
    """A Berlin time a minute or two ahead on today's date (past midnight: wait for it)."""
    now = datetime.now(BERLIN)
    if now.hour == 23 and now.minute >= 57:
        clock_time.sleep((60 - now.minute) * 60 - now.second + 1)
        now = datetime.now(BERLIN)
    return (now + timedelta(minutes=2)).replace(second=0, microsecond=0)


async def any_weekday_for_today(scheduler: Scheduler, user: str) -> None:
    # The reminder reads what Redmine holds for the real today (issues changed today), so
    # on a weekend the test lets the schedule run every day; the Monday-to-Friday rule
    # itself is tested with fixed dates in tests/unit/notify/test_scheduler.py.
    if datetime.now(BERLIN).isoweekday() <= 5:
        return
    async with scheduler.sessions() as session:
        row = await ScheduleRepository(session).get(reminder_name(user))
        assert row is not None
        row.weekdays = EVERY_DAY
        await session.commit()


def dms(service: RunningService, user: str) -> list[dict[str, Any]]:
    return [
        c.args for c in service.fake.of("chat.postMessage") if c.args["channel"] == dm_channel(user)
    ]


def button_values(message: dict[str, Any]) -> list[str]:
    return [
        b["accessory"]["value"]
        for b in message["blocks"]
        if b.get("accessory", {}).get("action_id") == REMINDER_LOG_TIME
    ]


def click(service: RunningService, message: dict[str, Any], value: str, user: str) -> None:
    """A button in a bot's DM, as Slack sends it: block_actions with a message container,
    the channel, the message and a response_url (shape of java-slack-sdk
    json-logs/samples/app-backend/interactive-components/BlockActionPayload.json)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": "1700000900.000100",
            "channel_id": dm_channel(user),
            "is_ephemeral": False,
        },
        "trigger_id": f"T.reminder.{clock_time.monotonic_ns()}",
        "team": {"id": "T1", "domain": "test"},
        "channel": {"id": dm_channel(user), "name": "directmessage"},
        "message": {
            "type": "message",
            "user": "UBOT",
            "text": message["text"],
            "ts": "1700000900.000100",
            "blocks": message["blocks"],
        },
        "response_url": service.fake.response_url("reminder"),
        "actions": [
            {
                "type": "button",
                "action_id": REMINDER_LOG_TIME,
                "block_id": "b1",
                "value": value,
                "text": {"type": "plain_text", "text": "Log time", "emoji": True},
                "action_ts": "1700000901.000100",
            }
        ],
    }
    assert service.interaction(payload).status_code == 200


async def test_alice_story_a_reminder_a_logged_hour_and_eight_hours(
    service: RunningService, tina: Member, scheduler: Scheduler
) -> None:
    seed = service.seed
    at = soon_in_berlin()
    service.command(f"remind {at:%H:%M} 8", user=tina.slack_id)
    answer = service.wait_response(lambda a: "DM you" in response_text(a))
    assert f"at {at:%H:%M} (Europe/Berlin)" in answer["text"] and "under 8 h" in answer["text"]
    await any_weekday_for_today(scheduler, tina.slack_id)

    today = at.date()
    worked = rm.create_issue(seed, as_login="alice", subject="Reminder worked on")
    other = rm.create_issue(seed, as_login="alice", subject="Reminder other")
    assigned = rm.create_issue(
        seed, as_login="alice", subject="Reminder assigned", assigned_to_id=tina.user_id
    )
    log_time(seed, "tina", 4.0, today, issue_id=worked["id"], comments="mornings")
    log_time(seed, "tina", 2.5, today, issue_id=other["id"])
    untouched = rm.create_issue(seed, as_login="alice", subject="Reminder untouched")

    clock: Any = scheduler.clock
    clock.now = at.astimezone(UTC) - timedelta(seconds=30)
    assert (await scheduler.tick()).sent == []  # not yet
    clock.now = at.astimezone(UTC) + timedelta(seconds=30)
    assert (await scheduler.tick()).sent == [reminder_name(tina.slack_id)]
    assert (await scheduler.tick()).sent == []  # once

    [dm] = dms(service, tina.slack_id)
    assert dm["text"] == "You logged 6.5 h today, under your 8 h."
    shown = response_text(dm)
    assert "4 h Development on" in shown and ": mornings" in shown
    project = seed.projects["alpha"]
    assert sorted(button_values(dm)) == sorted(
        f"{issue['id']}:{project}" for issue in (worked, other, assigned)
    )
    assert str(untouched["id"]) not in "".join(button_values(dm))

    # Tina logs 1.5 h on the issue she worked on, from its button.
    click(service, dm, f"{worked['id']}:{project}", tina.slack_id)
    [opened] = service.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "message_time_modal"
    issue_block = next(b for b in view["blocks"] if b.get("block_id") == "issue")
    assert issue_block["element"]["initial_value"] == str(worked["id"])
    assert json.loads(view["private_metadata"])["project_id"] == project
    view_id = service.fake.view_id("message_time_modal")
    development = str(seed.activities["Development"])
    chosen = {"text": {"type": "plain_text", "text": "Development"}, "value": development}
    service.fake.enter(view_id, "hours", {"type": "plain_text_input", "value": "1.5"})
    service.fake.enter(
        view_id,
        f"activity.p{project}",
        {"type": "external_select", "selected_option": chosen},
    )
    assert service.submit(view_id, user=tina.slack_id).content in (b"", b"{}")
    service.fake.wait_for("chat.postMessage", lambda c: "logged 1.5 h" in str(c.args.get("text")))

    service.fake.calls.clear()
    service.command("time today", user=tina.slack_id)
    title = service.wait_response(lambda a: "spent time" in response_text(a))["blocks"][0]
    assert title["text"]["text"].endswith("*8 h*")


async def test_no_reminder_when_the_day_is_full(
    service: RunningService, tina: Member, scheduler: Scheduler
) -> None:
    at = soon_in_berlin()
    service.command(f"remind {at:%H:%M} 7.5", user=tina.slack_id)
    service.wait_response(lambda a: "DM you" in response_text(a))
    await any_weekday_for_today(scheduler, tina.slack_id)
    log_time(service.seed, "tina", 7.5, at.date())
    clock: Any = scheduler.clock
    clock.now = at.astimezone(UTC) + timedelta(seconds=30)
    # Taken (so not tried again), but nothing to say: no DM.
    assert (await scheduler.tick()).sent == [reminder_name(tina.slack_id)]
    assert dms(service, tina.slack_id) == []
    assert service.fake.of("conversations.open") == []


async def test_the_weekly_summary_on_friday(
    service: RunningService, tina: Member, scheduler: Scheduler
) -> None:
    service.command("remind 17:30", user=tina.slack_id)
    service.wait_response(lambda a: "DM you" in response_text(a))
    today = datetime.now(BERLIN).date()
    # The coming Friday after today (Redmine accepts time on future dates by default).
    friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)
    monday = friday - timedelta(days=4)
    ensure_member(service.seed, "tina", "Tina", "Developer", project="alpha-sub")
    log_time(service.seed, "tina", 3.0, monday)
    log_time(service.seed, "tina", 2.0, friday, project="alpha-sub")
    log_time(service.seed, "tina", 9.0, friday + timedelta(days=1))  # Saturday: not this week
    clock: Any = scheduler.clock
    clock.now = (
        datetime.combine(friday, datetime.min.time(), BERLIN)
        .replace(hour=17, minute=31)
        .astimezone(UTC)
    )
    report = await scheduler.tick()
    assert weekly_name(tina.slack_id) in report.sent
    [weekly] = [m for m in dms(service, tina.slack_id) if m["text"].startswith("Your week")]
    assert weekly["text"] == "Your week: 5 h"
    text = response_text(weekly)
    assert f"Mon {monday.isoformat()}: 3 h" in text and f"Fri {friday.isoformat()}: 2 h" in text
    assert "Alpha Sub" in text and "9 h" not in text


def test_remind_off_and_bad_times(service: RunningService, tina: Member) -> None:
    service.command("remind off", user=tina.slack_id)
    assert service.wait_response()["text"] == "You had no reminder to turn off."
    service.fake.calls.clear()
    service.command("remind 17:30", user=tina.slack_id)
    service.wait_response(lambda a: "DM you" in response_text(a))
    service.fake.calls.clear()
    service.command("remind off", user=tina.slack_id)
    assert service.wait_response()["text"] == "Reminders are off."
    text = service.command("remind 25:00", user=tina.slack_id).json()["text"]
    assert "`25:00` is not a time of day" in text
    service.fake.calls.clear()
    service.command("remind 17:30", user="USTRANGER")
    assert "stranger@example.com" in service.wait_response()["text"]


async def test_a_restart_across_the_reminder_time_makes_it_up_once(
    service: RunningService, tina: Member, tmp_path: Path
) -> None:
    at = soon_in_berlin()
    service.command(f"remind {at:%H:%M} 8", user=tina.slack_id)
    service.wait_response(lambda a: "DM you" in response_text(a))
    log_time(service.seed, "tina", 1.0, at.date())
    settings = settings_for(service.seed, service.fake, tmp_path / "service.sqlite3")
    # The service is down over the reminder's time and comes back 1 h 50 min later.
    async with open_services(settings) as services:
        restarted = build_scheduler(services, make_poller(services), clock=Clock(at))
        await any_weekday_for_today(restarted, tina.slack_id)
        clock: Any = restarted.clock
        clock.now = at.astimezone(UTC) + timedelta(hours=1, minutes=50)
        assert (await restarted.tick()).sent == [reminder_name(tina.slack_id)]
    # Restarted once more, a minute later: nothing is sent again.
    async with open_services(settings) as services:
        again = build_scheduler(services, make_poller(services), clock=Clock(clock.now))
        again_clock: Any = again.clock
        again_clock.now += timedelta(minutes=1)
        assert (await again.tick()).sent == []
    [dm] = dms(service, tina.slack_id)
    assert dm["text"] == "You logged 1 h today, under your 8 h."
