"""Spent-time reports: total, per day, per project and per issue, with links to Redmine.

Everything from Redmine is escaped; lists stop before Slack's section limit with a count
of what was left out, instead of cutting a link in half.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bot.blocks.common import SECTION_LIMIT, Block, context, section
from bot.blocks.issues import issue_link
from bot.domain.timesheet import TimeReport
from bot.i18n import N_, _, current
from bot.text import escape_mrkdwn, link

NOT_VISIBLE = N_(
    "None of {name}'s spent time from {start} to {end} is visible to you. Redmine shows "
    "another person's time only in projects where your role may view spent time."
)
NOTHING_LOGGED = N_("You logged no time {label} ({start} to {end}).")
ON_PROJECTS = N_("Logged on projects, not on an issue: {hours}")


def hours_text(hours: Decimal) -> str:
    """`8 h`, `6.5 h`, `1.25 h` (`6,5 h` in German): as few digits as the number needs."""
    return current().format_hours(float(hours))


def day_text(day: date) -> str:
    return f"{current().format_weekday(day)} {day.isoformat()}"


def project_url(base_url: str, project_id: int) -> str:
    # Redmine finds a project by its numeric id as well as by its identifier.
    return f"{base_url.rstrip('/')}/projects/{project_id}"


def bounded_list(heading: str, lines: Sequence[str], limit: int = SECTION_LIMIT) -> str:
    """`heading` and as many whole lines as fit in `limit`, then how many were left out."""
    text = heading
    for shown, line in enumerate(lines):
        left_after = len(lines) - shown - 1
        room_for_tail = len("\n" + _("…and {count} more", count=left_after)) if left_after else 0
        if len(text) + 1 + len(line) + room_for_tail > limit:
            return text + "\n" + _("…and {count} more", count=len(lines) - shown)
        text += "\n" + line
    return text


def report_title(report: TimeReport) -> str:
    period = report.period
    dates = (
        period.start.isoformat()
        if period.days == 1
        else _("{start} to {end}", start=period.start.isoformat(), end=period.end.isoformat())
    )
    words = {
        "period": escape_mrkdwn(period.label),
        "dates": dates,
        "hours": hours_text(report.total),
    }
    if report.person is None:
        return _("*Your spent time {period}* ({dates}): *{hours}*", **words)
    name = escape_mrkdwn(report.person.name)
    return _("*{name}'s spent time {period}* ({dates}): *{hours}*", name=name, **words)


def report_text(report: TimeReport) -> str:
    """The notification text: what a screen reader or a push notification says."""
    words = {"period": report.period.label, "hours": hours_text(report.total)}
    if report.person is None:
        return _("Your spent time {period}: {hours}", **words)
    return _("{name}'s spent time {period}: {hours}", name=report.person.name, **words)


def empty_text(report: TimeReport) -> str:
    period = report.period
    if report.person is not None:
        return _(
            NOT_VISIBLE, name=escape_mrkdwn(report.person.name), start=period.start, end=period.end
        )
    return _(NOTHING_LOGGED, label=escape_mrkdwn(period.label), start=period.start, end=period.end)


def time_report_blocks(report: TimeReport, base_url: str) -> list[Block]:
    if report.is_empty:
        return [section(empty_text(report))]
    days = [f"{day_text(day)}: {hours_text(hours)}" for day, hours in report.per_day]
    projects = [
        f"{link(project_url(base_url, p.project_id), p.name)}: {hours_text(p.hours)}"
        for p in report.per_project
    ]
    issues = [
        f"{issue_link(base_url, i.issue_id, i.subject)} ({escape_mrkdwn(i.project)}): "
        f"{hours_text(i.hours)}"
        for i in report.per_issue
    ]
    blocks: list[Block] = [
        section(report_title(report)),
        section(bounded_list(_("*Per day*"), days)),
        section(bounded_list(_("*Per project*"), projects)),
    ]
    if issues:
        blocks.append(section(bounded_list(_("*Per issue*"), issues)))
    if report.without_issue:
        blocks.append(context(_(ON_PROJECTS, hours=hours_text(report.without_issue))))
    return blocks
