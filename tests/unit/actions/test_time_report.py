"""bot.actions.time_report over respx: periods, paging, totals, and Redmine's 403."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from bot.actions.errors import UserFacingError
from bot.actions.time_report import NO_TIME_VISIBLE, time_report
from bot.domain.timesheet import DateRange, IssueHours, Period, Person, ProjectHours, resolve_period
from bot.redmine import Redmine, RedmineClient

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"
WEEK = DateRange(date(2026, 11, 23), date(2026, 11, 29), "this week")


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.0, max_retries=0) as client:
        yield Redmine(client).as_user("alice")


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        # 2026-11-25 is a Wednesday; weeks start on Monday.
        (Period("today"), date(2026, 11, 25), ("2026-11-25", "2026-11-25", "today")),
        (Period("week"), date(2026, 11, 25), ("2026-11-23", "2026-11-29", "this week")),
        (Period("week"), date(2026, 11, 23), ("2026-11-23", "2026-11-29", "this week")),
        (Period("week"), date(2026, 11, 29), ("2026-11-23", "2026-11-29", "this week")),
        (Period("last week"), date(2026, 11, 25), ("2026-11-16", "2026-11-22", "last week")),
        (Period("month"), date(2028, 2, 10), ("2028-02-01", "2028-02-29", "February 2028")),
        (
            Period("between", date(2026, 1, 2), date(2026, 1, 3)),
            date(2026, 11, 25),
            ("2026-01-02", "2026-01-03", "2026-01-02 to 2026-01-03"),
        ),
    ],
)
def test_periods_resolve_against_the_persons_today(
    period: Period, today: date, expected: tuple[str, str, str]
) -> None:
    resolved = resolve_period(period, today)
    assert (resolved.start.isoformat(), resolved.end.isoformat(), resolved.label) == expected


def entry(entry_id: int, hours: float, day: str, issue: int | None, project: int = 1) -> Any:
    names = {1: "Alpha", 2: "Beta"}
    return {
        "id": entry_id,
        "project": {"id": project, "name": names[project]},
        **({"issue": {"id": issue}} if issue else {}),
        "user": {"id": 5, "name": "Alice Archer"},
        "activity": {"id": 9, "name": "Development"},
        "hours": hours,
        "comments": None,
        "spent_on": day,
    }


@respx.mock
async def test_the_report_pages_through_every_entry_and_adds_exactly(redmine: Redmine) -> None:
    entries = [entry(i, 0.1, "2026-11-23", 7) for i in range(1, 101)] + [
        entry(101, 0.2, "2026-11-24", 8, project=2),
        entry(102, 1.5, "2026-11-24", None),
    ]

    def page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        chunk = entries[offset : offset + 100]
        return httpx.Response(
            200, json={"time_entries": chunk, "total_count": len(entries), "offset": offset}
        )

    time_route = respx.get(f"{URL}/time_entries.json").mock(side_effect=page)
    issues_route = respx.get(f"{URL}/issues.json").mock(
        return_value=httpx.Response(
            200,
            json={
                "issues": [{"id": 7, "project": {"id": 1, "name": "Alpha"}, "subject": "Seven"}],
                "total_count": 1,
            },
        )
    )
    report = await time_report(redmine, WEEK, None)

    assert time_route.call_count == 2
    params = time_route.calls[0].request.url.params
    assert (params["user_id"], params["from"], params["to"]) == ("me", "2026-11-23", "2026-11-29")
    assert time_route.calls[0].request.headers["X-Redmine-Switch-User"] == "alice"
    assert issues_route.call_count == 1  # subjects for every issue in one request
    assert issues_route.calls[0].request.url.params["issue_id"] == "7,8"
    assert issues_route.calls[0].request.url.params["status_id"] == "*"
    assert report.total == Decimal("11.7")  # 100 x 0.1 + 0.2 + 1.5, with no float drift
    assert report.per_day == (
        (date(2026, 11, 23), Decimal("10.0")),
        (date(2026, 11, 24), Decimal("1.7")),
    )
    assert report.per_issue == (
        IssueHours(7, "Seven", "Alpha", Decimal("10.0"), 1),
        IssueHours(8, None, "Beta", Decimal("0.2"), 2),  # not visible to the asker: no subject
    )
    assert report.per_project == (
        ProjectHours(1, "Alpha", Decimal("11.5")),
        ProjectHours(2, "Beta", Decimal("0.2")),
    )
    assert report.without_issue == Decimal("1.5")


@respx.mock
async def test_another_persons_time_is_asked_for_by_their_id_as_the_asker(
    redmine: Redmine,
) -> None:
    route = respx.get(f"{URL}/time_entries.json").mock(
        return_value=httpx.Response(200, json={"time_entries": [], "total_count": 0})
    )
    report = await time_report(redmine, WEEK, Person(6, "Bob Baker"))
    assert route.calls[0].request.url.params["user_id"] == "6"
    assert route.calls[0].request.headers["X-Redmine-Switch-User"] == "alice"
    assert report.is_empty and report.person == Person(6, "Bob Baker")


@respx.mock
async def test_redmine_403_is_worded_as_a_missing_permission(redmine: Redmine) -> None:
    # Redmine 5.0.4 answers 403 to GET /time_entries.json when the user's roles grant
    # "View spent time" in no project (checked on the real server).
    respx.get(f"{URL}/time_entries.json").mock(return_value=httpx.Response(403))
    with pytest.raises(UserFacingError) as raised:
        await time_report(redmine, WEEK, Person(6, "Bob Baker"))
    assert raised.value.message == NO_TIME_VISIBLE
