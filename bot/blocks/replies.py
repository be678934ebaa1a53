"""What the bot says once a form was written to Redmine: in the message's thread or to the person."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.issues import issue_link
from bot.i18n import N_, _, current, ngettext
from bot.redmine.models import EnumerationItem, Issue, TimeEntry
from bot.text import escape_mrkdwn

# Redmine 7's trackers may make every new issue private ("private by default"), even one
# created from Slack without asking: such an issue is told to its author alone.
PRIVATE_CREATED = N_("It is private in Redmine, so only you see it here.")
NO_FILES_TO_ATTACH = N_("There were no files to attach.")


def file_list(names: Sequence[str]) -> str:
    """File names as code, listed the reader's way ("`a`, `b`, and `c`", "`a`、`b`、`c`")."""
    return current().format_list([f"`{escape_mrkdwn(name)}`" for name in names])


def created_from_message(base_url: str, user_id: str, issue: Issue, attached: Sequence[str]) -> str:
    """For the thread; a private issue's subject is left out (only the person hears it)."""
    link = issue_link(base_url, issue.id, None if issue.is_private else issue.subject)
    person = f"<@{user_id}>"
    if attached:
        # By the number of files: the same words in English, not in every language.
        return ngettext(
            "{person} created {issue} with {files}.",
            "{person} created {issue} with {files}.",
            len(attached),
            person=person,
            issue=link,
            files=file_list(attached),
        )
    return _("{person} created {issue}.", person=person, issue=link)


def not_attached(name: str, why: str) -> str:
    return _("`{file}` was not attached: {why}", file=escape_mrkdwn(name), why=why)


def attached_files(names: Sequence[str], issue_label: str) -> str:
    return ngettext(
        "Attached {files} to {issue}.",
        "Attached {files} to {issue}.",
        len(names),
        files=file_list(names),
        issue=issue_label,
    )


def attach_summary(
    attached: Sequence[str], refused: Sequence[tuple[str, str]], issue_label: str
) -> str:
    """Every file's fate in one answer; "no files" rather than silence."""
    lines = [attached_files(attached, issue_label)] if attached else []
    lines += [not_attached(name, why) for name, why in refused]
    return "\n".join(lines) or _(NO_FILES_TO_ATTACH)


def note_added(base_url: str, user_id: str, issue: Issue, *, private: bool) -> str:
    link = issue_link(base_url, issue.id)
    if private:
        return _("Added your private note to {issue}.", issue=link)
    return _("{person} added this as a note to {issue}.", person=f"<@{user_id}>", issue=link)


def time_logged(
    base_url: str,
    user_id: str,
    issue: Issue,
    entry: TimeEntry,
    activity: EnumerationItem | None,
) -> str:
    """`entry.hours` as Redmine stored them, in the reader's format ("1.5 h", "1,5 h")."""
    person, link = f"<@{user_id}>", issue_link(base_url, issue.id)
    hours = current().format_hours(entry.hours)
    if activity:
        return _(
            "{person} logged {hours} of {activity} on {issue}.",
            person=person,
            hours=hours,
            activity=escape_mrkdwn(activity.name),
            issue=link,
        )
    return _("{person} logged {hours} on {issue}.", person=person, hours=hours, issue=link)
