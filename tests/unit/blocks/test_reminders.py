"""bot.blocks.reminders: the reminder and weekly DMs as whole dicts, and the button codec.

A section block may carry one accessory element, here a button (text at most 75
characters, value at most 2000: docs.slack.dev/reference/block-kit/block-elements/
button-element); a message holds at most 50 blocks (docs.slack.dev/reference/block-kit/blocks).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.blocks.reminders import (
    MAX_TOUCHED,
    decode_log_time_target,
    encode_log_time_target,
    reminder_blocks,
    weekly_blocks,
)
from bot.domain.timesheet import (
    DateRange,
    DayReview,
    IssueHours,
    ProjectHours,
    TimeReport,
    TouchedIssue,
)
from bot.redmine.models import TimeEntry
from tests.support.redmine_fixtures import BASE_URL

TODAY = DateRange(date(2026, 11, 23), date(2026, 11, 23), "today")
ENTRIES = (
    TimeEntry.model_validate(
        {
            "id": 1,
            "project": {"id": 1, "name": "Alpha"},
            "issue": {"id": 7},
            "activity": {"id": 9, "name": "Development"},
            "hours": 4.0,
            "comments": "review <!here>",
            "spent_on": "2026-11-23",
        }
    ),
    TimeEntry.model_validate(
        {"id": 2, "project": {"id": 1, "name": "Alpha"}, "hours": 2.5, "spent_on": "2026-11-23"}
    ),
)


def report(entries: tuple[TimeEntry, ...] = ENTRIES) -> TimeReport:
    return TimeReport(
        period=TODAY,
        person=None,
        total=Decimal("6.5") if entries else Decimal(0),
        per_day=((date(2026, 11, 23), Decimal("6.5")),) if entries else (),
        per_issue=(IssueHours(7, "Seven", "Alpha", Decimal("4.0"), 1),) if entries else (),
        per_project=(ProjectHours(1, "Alpha", Decimal("6.5")),) if entries else (),
        without_issue=Decimal("2.5") if entries else Decimal(0),
        entries=entries,
    )


def test_the_button_value_round_trips_and_refuses_strangers() -> None:
    assert encode_log_time_target(7, 1) == "7:1"
    assert encode_log_time_target(7, None) == "7"
    assert decode_log_time_target("7:1") == (7, 1)
    assert decode_log_time_target("7") == (7, None)
    for bad in ("", "x", "7:x", "²", "7:²", "-1", "1" * 11, "7:" + "1" * 11):
        assert decode_log_time_target(bad) is None, bad


def test_the_reminder_lists_todays_entries_and_a_button_per_touched_issue() -> None:
    review = DayReview(
        report(),
        (TouchedIssue(7, "Seven", 1, "Alpha"), TouchedIssue(9, "Nine & co", 1, "Alpha")),
        Decimal("8"),
    )
    assert reminder_blocks(review, BASE_URL) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ":hourglass: *You logged 6.5 h today, under your 8 h.*",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Today's entries*\n4 h Development on <{BASE_URL}/issues/7|#7 Seven>: "
                f"review &lt;!here&gt;\n2.5 h on <{BASE_URL}/projects/1|Alpha>",
            },
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"<{BASE_URL}/issues/7|#7 Seven> (Alpha)"},
            "accessory": {
                "type": "button",
                "text": {"type": "plain_text", "text": "Log time", "emoji": True},
                "action_id": "reminder_log_time",
                "value": "7:1",
            },
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"<{BASE_URL}/issues/9|#9 Nine &amp; co> (Alpha)"},
            "accessory": {
                "type": "button",
                "text": {"type": "plain_text", "text": "Log time", "emoji": True},
                "action_id": "reminder_log_time",
                "value": "9:1",
            },
        },
    ]


def test_an_empty_day_and_too_many_issues_stay_within_slacks_limits() -> None:
    nothing = reminder_blocks(DayReview(report(()), (), Decimal("8")), BASE_URL)
    assert nothing[1:] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Today's entries*: none"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "No issue was assigned to you, changed by you or logged on today.",
                }
            ],
        },
    ]
    many = tuple(TouchedIssue(n, f"Issue {n}", 1, "Alpha") for n in range(1, 60))
    blocks = reminder_blocks(DayReview(report(), many, Decimal("8")), BASE_URL)
    assert len(blocks) == 2 + MAX_TOUCHED + 1 <= 50
    assert blocks[-1]["elements"][0]["text"] == "…and 39 more issues touched today."


def test_the_weekly_summary_shows_days_and_projects() -> None:
    week = TimeReport(
        period=DateRange(date(2026, 11, 23), date(2026, 11, 27), "this week"),
        person=None,
        total=Decimal("5"),
        per_day=((date(2026, 11, 23), Decimal("3")), (date(2026, 11, 27), Decimal("2"))),
        per_issue=(),
        per_project=(ProjectHours(1, "Alpha", Decimal("3")), ProjectHours(2, "Sub", Decimal("2"))),
        without_issue=Decimal("5"),
        entries=ENTRIES,
    )
    assert (
        weekly_blocks(week, BASE_URL)
        == [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":calendar: *Your week* (Nov 23, 2026 to Nov 27, 2026): *5 h*",  # dates as the reader writes them
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Per day*\nMon 2026-11-23: 3 h\nFri 2026-11-27: 2 h",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*Per project*\n<{BASE_URL}/projects/1|Alpha>: 3 h\n"
                    f"<{BASE_URL}/projects/2|Sub>: 2 h",
                },
            },
        ]
    )
