"""The reminder DM (today's entries, a "Log time" button per issue touched today) and the
weekly summary DM (hours per day and per project). Pure: data in, blocks out."""

from __future__ import annotations

from decimal import Decimal

from bot.blocks.common import Block, button, context, section
from bot.blocks.issues import issue_link
from bot.blocks.time_report import bounded_list, day_text, hours_text, project_url
from bot.domain.timesheet import DayReview, TimeReport, entry_issue_id, hours_of
from bot.i18n import N_, _, current, ngettext
from bot.redmine.models import TimeEntry
from bot.text import escape_mrkdwn, link

# The reminder's buttons; handlers/reminders.py opens the log-time form from them.
REMINDER_LOG_TIME = "reminder_log_time"
LOG_TIME_LABEL = N_("Log time")
# Buttons in one reminder: each issue is a section with its button, and a message holds
# at most 50 blocks (docs.slack.dev/reference/block-kit/blocks); the rest is counted.
MAX_TOUCHED = 20
NOTHING_TOUCHED = N_("No issue was assigned to you, changed by you or logged on today.")


def encode_log_time_target(issue_id: int, project_id: int | None) -> str:
    """A button's value: the issue, and its project for the form's activity choices."""
    return f"{issue_id}:{project_id}" if project_id else str(issue_id)


def decode_log_time_target(value: str) -> tuple[int, int | None] | None:
    """The pair `encode_log_time_target` wrote; None for anything else."""
    issue, _colon, project = value.partition(":")
    if not issue.isascii() or not issue.isdigit() or len(issue) > 10:
        return None
    if project and (not project.isascii() or not project.isdigit() or len(project) > 10):
        return None
    return int(issue), int(project) if project else None


def entry_line(entry: TimeEntry, subjects: dict[int, str | None], base_url: str) -> str:
    issue_id = entry_issue_id(entry)
    where = (
        issue_link(base_url, issue_id, subjects.get(issue_id))
        if issue_id is not None
        else link(project_url(base_url, entry.project.id), entry.project.name)
    )
    hours = hours_text(hours_of(entry))
    comment = f": {escape_mrkdwn(entry.comments)}" if entry.comments else ""
    if entry.activity and entry.activity.name:
        activity = escape_mrkdwn(entry.activity.name)
        said = _("{hours} {activity} on {where}", hours=hours, activity=activity, where=where)
    else:
        said = _("{hours} on {where}", hours=hours, where=where)
    return said + comment


def reminder_text(total: Decimal, target: Decimal) -> str:
    return _(
        "You logged {hours} today, under your {target}.",
        hours=hours_text(total),
        target=hours_text(target),
    )


def reminder_blocks(review: DayReview, base_url: str) -> list[Block]:
    report, touched = review.report, review.touched
    subjects = {i.issue_id: i.subject for i in report.per_issue}
    subjects.update({t.issue_id: t.subject for t in touched})
    lines = [entry_line(e, subjects, base_url) for e in report.entries]
    blocks: list[Block] = [
        section(f":hourglass: *{reminder_text(report.total, review.target)}*"),
        section(
            bounded_list(_("*Today's entries*"), lines) if lines else _("*Today's entries*: none")
        ),
    ]
    for issue in touched[:MAX_TOUCHED]:
        label = f"{issue_link(base_url, issue.issue_id, issue.subject)} ({escape_mrkdwn(issue.project)})"
        blocks.append(
            {
                **section(label),
                "accessory": button(
                    _(LOG_TIME_LABEL),
                    REMINDER_LOG_TIME,
                    encode_log_time_target(issue.issue_id, issue.project_id),
                ),
            }
        )
    if not touched:
        blocks.append(context(_(NOTHING_TOUCHED)))
    elif len(touched) > MAX_TOUCHED:
        more = len(touched) - MAX_TOUCHED
        blocks.append(
            context(
                ngettext(
                    "…and {count} more issue touched today.",
                    "…and {count} more issues touched today.",
                    more,
                )
            )
        )
    return blocks


def weekly_text(report: TimeReport) -> str:
    return _("Your week: {hours}", hours=hours_text(report.total))


def weekly_blocks(report: TimeReport, base_url: str) -> list[Block]:
    period = report.period
    title = ":calendar: " + _(
        "*Your week* ({start} to {end}): *{hours}*",
        start=current().format_date(period.start),
        end=current().format_date(period.end),
        hours=hours_text(report.total),
    )
    if report.is_empty:
        return [section(title), context(_("No time logged this week."))]
    days = [f"{day_text(day)}: {hours_text(hours)}" for day, hours in report.per_day]
    projects = [
        f"{link(project_url(base_url, p.project_id), p.name)}: {hours_text(p.hours)}"
        for p in report.per_project
    ]
    return [
        section(title),
        section(bounded_list(_("*Per day*"), days)),
        section(bounded_list(_("*Per project*"), projects)),
    ]
