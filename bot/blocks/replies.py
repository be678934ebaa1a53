"""What the bot says once a form was written to Redmine: in the message's thread or to the person."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.issues import issue_link
from bot.redmine.models import EnumerationItem, Issue, TimeEntry
from bot.text import escape_mrkdwn

# Redmine 7's trackers may make every new issue private ("private by default"), even one
# created from Slack without asking: such an issue is told to its author alone.
PRIVATE_CREATED = "It is private in Redmine, so only you see it here."


def created_from_message(base_url: str, user_id: str, issue: Issue, attached: Sequence[str]) -> str:
    """For the thread; a private issue's subject is left out (only the person hears it)."""
    link = issue_link(base_url, issue.id, None if issue.is_private else issue.subject)
    text = f"<@{user_id}> created {link}"
    if attached:
        text += " with " + ", ".join(f"`{escape_mrkdwn(name)}`" for name in attached)
    return text + "."


def not_attached(name: str, why: str) -> str:
    return f"`{escape_mrkdwn(name)}` was not attached: {why}"


def attached_files(names: Sequence[str], issue_label: str) -> str:
    return "Attached " + ", ".join(f"`{escape_mrkdwn(n)}`" for n in names) + f" to {issue_label}."


def attach_summary(
    attached: Sequence[str], refused: Sequence[tuple[str, str]], issue_label: str
) -> str:
    """Every file's fate in one answer; "no files" rather than silence."""
    lines = [attached_files(attached, issue_label)] if attached else []
    lines += [not_attached(name, why) for name, why in refused]
    return "\n".join(lines) or "There were no files to attach."


def note_added(base_url: str, user_id: str, issue: Issue, *, private: bool) -> str:
    link = issue_link(base_url, issue.id)
    if private:
        return f"Added your private note to {link}."
    return f"<@{user_id}> added this as a note to {link}."


def time_logged(
    base_url: str,
    user_id: str,
    issue: Issue,
    entry: TimeEntry,
    activity: EnumerationItem | None,
) -> str:
    what = f" of {escape_mrkdwn(activity.name)}" if activity else ""
    return f"<@{user_id}> logged {entry.hours:g} h{what} on {issue_link(base_url, issue.id)}."
