"""`/redmine time` end to end: signed command -> the app -> the real Redmine, as the asker.

The person's dates are in their Slack time zone, read from users.info `tz`
(api.slack.com/methods/users.info). Tina lives in Pacific/Kiritimati (UTC+14), so for ten
hours of every UTC day her today is the UTC tomorrow: a report that used UTC would miss.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.actions.people import NO_SUCH_LOGIN
from bot.blocks.time_report import NOT_VISIBLE
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, response_text
from tests.integration.time.people import Member, clear_time, ensure_member, log_time

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
OLD_DAY = date(2011, 3, 7)  # a Monday no other test logs time on


@pytest.fixture
def tina(service: RunningService) -> Iterator[Member]:
    member = ensure_member(service.seed, "tina", "Tina", "Developer")
    clear_time(service.seed, member.user_id)
    service.fake.add_user(member.slack_id, member.email, name="Tina", tz="Pacific/Kiritimati")
    yield member
    clear_time(service.seed, member.user_id)


def title_of(service: RunningService, marker: str) -> str:
    answer = service.wait_response(lambda a: marker in response_text(a))
    assert answer["response_type"] == "ephemeral"
    return str(answer["blocks"][0]["text"]["text"])


def hours(total: float) -> str:
    return f"*{total:g} h*"


def test_time_covers_each_range_in_the_persons_time_zone(
    service: RunningService, tina: Member
) -> None:
    seed = service.seed
    today = datetime.now(KIRITIMATI).date()
    monday = today - timedelta(days=today.weekday())
    first = rm.create_issue(seed, as_login="alice", subject="Timesheet first")
    second = rm.create_issue(seed, as_login="alice", subject="Timesheet second")
    logged = [
        (1.5, today, first["id"]),
        (0.25, today - timedelta(days=1), second["id"]),  # UTC's today for much of the day
        (2.0, monday, second["id"]),
        (3.0, monday - timedelta(days=5), first["id"]),  # last week's Wednesday
        (0.5, today.replace(day=1), None),
        (4.0, OLD_DAY, first["id"]),
    ]
    for amount, day, issue_id in logged:
        log_time(seed, "tina", amount, day, issue_id=issue_id)

    def total(start: date, end: date) -> float:
        return sum(amount for amount, day, _ in logged if start <= day <= end)

    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    cases = [
        ("time today", "today", total(today, today)),
        ("time", "this week", total(monday, monday + timedelta(days=6))),
        ("time week", "this week", total(monday, monday + timedelta(days=6))),
        (
            "time last week",
            "last week",
            total(monday - timedelta(days=7), monday - timedelta(days=1)),
        ),
        ("time month", f"{today:%B %Y}", total(today.replace(day=1), month_end)),
        ("time 2011-03-01..2011-03-31", "2011-03-01 to 2011-03-31", 4.0),
    ]
    for text, label, expected in cases:
        service.fake.calls.clear()
        service.command(text, user=tina.slack_id)
        title = title_of(service, "spent time")
        assert title.startswith(f"*Your spent time {label}*"), (text, title)
        assert title.endswith(hours(expected)), (text, title, expected)

    service.fake.calls.clear()
    service.command("time 2011-03-07..2011-03-07", user=tina.slack_id)
    answer = service.wait_response(lambda a: "spent time" in response_text(a))
    shown = response_text(answer)
    assert f"/issues/{first['id']}|#{first['id']} Timesheet first>" in shown
    assert "Mon 2011-03-07: 4 h" in shown
    assert f"/projects/{seed.projects['alpha']}|Alpha>: 4 h" in shown


def test_a_colleagues_time_where_redmine_lets_me_see_it(
    service: RunningService, tina: Member
) -> None:
    log_time(service.seed, "tina", 2.5, OLD_DAY)
    for person in ("@tina", f"<@{tina.slack_id}|tina>"):
        service.fake.calls.clear()
        service.command(f"time 2011-03-07..2011-03-07 {person}", user="UBOB")
        title = title_of(service, "spent time")
        assert title == "*Tina Tester's spent time 2011-03-07 to 2011-03-07* (2011-03-07): *2.5 h*"


def test_a_colleagues_time_in_a_project_i_cannot_see_is_refused(
    service: RunningService,
) -> None:
    vera = ensure_member(service.seed, "vera", "Vera", "Developer", project="secret")
    clear_time(service.seed, vera.user_id)
    log_time(service.seed, "vera", 2.0, OLD_DAY, project="secret")
    try:
        # Dave is in no project: Redmine lists none of the private project's time to him.
        service.command("time 2011-03-07..2011-03-07 @vera", user="UDAVE")
        answer = service.wait_response(lambda a: "visible to you" in response_text(a))
        assert answer["blocks"][0]["text"]["text"] == NOT_VISIBLE.format(
            name="Vera Tester", start=OLD_DAY, end=OLD_DAY
        )
        assert "2 h" not in response_text(answer)
        # Bob is a Reporter in `secret`, a role that may view spent time.
        service.fake.calls.clear()
        service.command("time 2011-03-07..2011-03-07 @vera", user="UBOB")
        assert title_of(service, "spent time").endswith(hours(2.0))
    finally:
        clear_time(service.seed, vera.user_id)


def test_an_unknown_login_is_named(service: RunningService) -> None:
    service.command("time week @nobody-here", user="UBOB")
    answer = service.wait_response()
    assert answer["text"] == NO_SUCH_LOGIN.format(login="nobody-here")
