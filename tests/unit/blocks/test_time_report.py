"""bot.blocks.time_report: the whole dicts, escaping, and lists bounded by Slack's limit.

Section text is at most 3000 characters (docs.slack.dev/reference/block-kit/blocks/
section-block); links and escaping follow docs.slack.dev/messaging/formatting-message-text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.blocks.time_report import bounded_list, hours_text, report_text, time_report_blocks
from bot.domain.timesheet import DateRange, IssueHours, Person, ProjectHours, TimeReport
from bot.redmine.models import TimeEntry
from tests.support.redmine_fixtures import BASE_URL

WEEK = DateRange(date(2026, 11, 23), date(2026, 11, 29), "this week")
ENTRY = {"id": 1, "project": {"id": 1, "name": "Alpha"}, "hours": 6.5}


def report(person: Person | None = None, *, empty: bool = False) -> TimeReport:
    return TimeReport(
        period=WEEK,
        person=person,
        total=Decimal("0") if empty else Decimal("6.50"),
        per_day=()
        if empty
        else ((date(2026, 11, 23), Decimal("4.0")), (date(2026, 11, 24), Decimal("2.5"))),
        per_issue=()
        if empty
        else (
            IssueHours(7, "Fix <!channel> & co", "Alpha", Decimal("4.0")),
            IssueHours(8, None, "Secret", Decimal("1.5")),
        ),
        per_project=()
        if empty
        else (ProjectHours(1, "Alpha", Decimal("5.0")), ProjectHours(3, "Secret", Decimal("1.5"))),
        without_issue=Decimal("0") if empty else Decimal("1.0"),
        entries=() if empty else (TimeEntry.model_validate(ENTRY),),
    )


def test_hours_are_written_with_the_digits_they_need() -> None:
    assert [hours_text(Decimal(v)) for v in ("8.00", "6.50", "1.25", "80", "0.1")] == [
        "8 h",
        "6.5 h",
        "1.25 h",
        "80 h",
        "0.1 h",
    ]


def test_a_report_shows_total_days_projects_and_issues_with_links() -> None:
    assert report_text(report()) == "Your spent time this week: 6.5 h"
    assert time_report_blocks(report(), BASE_URL) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Your spent time this week* (2026-11-23 to 2026-11-29): *6.5 h*",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Per day*\nMon 2026-11-23: 4 h\nTue 2026-11-24: 2.5 h",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Per project*\n<{BASE_URL}/projects/1|Alpha>: 5 h\n"
                f"<{BASE_URL}/projects/3|Secret>: 1.5 h",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Per issue*\n<{BASE_URL}/issues/7|#7 Fix &lt;!channel&gt; &amp; co>"
                f" (Alpha): 4 h\n<{BASE_URL}/issues/8|#8> (Secret): 1.5 h",
            },
        },
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "Logged on projects, not on an issue: 1 h"}],
        },
    ]


def test_someone_elses_report_is_titled_with_their_name() -> None:
    blocks = time_report_blocks(report(Person(6, "Bob <Baker>")), BASE_URL)
    assert blocks[0]["text"]["text"] == (
        "*Bob &lt;Baker&gt;'s spent time this week* (2026-11-23 to 2026-11-29): *6.5 h*"
    )


def test_empty_reports_say_why_for_me_and_for_someone_else() -> None:
    mine = time_report_blocks(report(empty=True), BASE_URL)
    assert mine == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "You logged no time this week (2026-11-23 to 2026-11-29).",
            },
        }
    ]
    theirs = time_report_blocks(report(Person(5, "Alice Archer"), empty=True), BASE_URL)
    assert theirs[0]["text"]["text"] == (
        "None of Alice Archer's spent time from 2026-11-23 to 2026-11-29 is visible to you. "
        "Redmine shows another person's time only in projects where your role may view "
        "spent time."
    )


def test_a_long_list_keeps_whole_lines_and_counts_the_rest() -> None:
    lines = [f"line {i:03d} " + "x" * 40 for i in range(200)]
    text = bounded_list("*Per issue*", lines)
    assert len(text) <= 3000
    kept = text.split("\n")[1:-1]
    assert kept == lines[: len(kept)]
    assert text.endswith(f"\n…and {200 - len(kept)} more")
    assert bounded_list("*h*", ["a", "b"], limit=100) == "*h*\na\nb"
