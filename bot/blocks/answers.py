"""The one-sentence answers to `/redmine` commands, worded once (mrkdwn, Redmine's text escaped).

Pure: each takes plain values from an action's result and returns the text the person
reads; the listener sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.blocks.issues import issue_link
from bot.i18n import N_, _, current
from bot.text import escape_mrkdwn

NOT_CONNECTED = N_("You have no connected Redmine account; nothing to forget.")
DISCONNECTED = N_("Forgot your connected Redmine account. `/redmine whoami` shows who you are now.")
NO_SUBSCRIPTIONS = N_(
    "This channel has no Redmine subscriptions. Add one with `/redmine subscribe <project>`."
)
MUST_INVITE = N_(
    "I'm not in this channel, so I can't post here yet: invite me with `/invite @Redmine`."
)
JOINED = N_("I joined this channel to post the updates.")


@dataclass(frozen=True)
class ListedSubscription:
    """One line of `/redmine subscriptions`, as plain values."""

    project_name: str
    project_identifier: str
    filters: str
    created_by_slack_user: str
    paused_reason: str | None  # None: delivering


def disconnected_text(existed: bool) -> str:
    return _(DISCONNECTED) if existed else _(NOT_CONNECTED)


def note_added_text(base_url: str, issue_id: int) -> str:
    return _("Added your note to {issue}.", issue=issue_link(base_url, issue_id))


def time_logged_text(base_url: str, issue_id: int, hours: float, activity_name: str | None) -> str:
    """`hours` as Redmine stored them (its answer), not as typed: `1h30` reads 1.5."""
    spent, issue = current().format_hours(hours), issue_link(base_url, issue_id)
    if activity_name:
        return _(
            "Logged {hours} of {activity} on {issue}.",
            hours=spent,
            activity=escape_mrkdwn(activity_name),
            issue=issue,
        )
    return _("Logged {hours} on {issue}.", hours=spent, issue=issue)


def subscribed_text(
    project_name: str,
    filters: str,
    *,
    must_invite: bool = False,
    must_join: bool = False,
    join_error: str | None = None,
    query_name: str | None = None,
    digest_zone: str | None = None,
) -> str:
    """What the channel now gets, and whether the bot is there to post it."""
    note = ""
    if must_invite:
        note = "\n:warning: " + _(MUST_INVITE)
    elif must_join:
        note = (
            "\n" + _(JOINED)
            if join_error is None
            else "\n:warning: "
            + _(
                "I couldn't join this channel ({error}): invite me with `/invite @Redmine`.",
                error=join_error,
            )
        )
    if digest_zone is not None:
        note += "\n" + _("Times are in {zone}, your Slack time zone.", zone=digest_zone)
    project, shown = escape_mrkdwn(project_name), escape_mrkdwn(filters)
    if query_name is not None:
        return (
            _(
                "This channel now gets changes to issues of the saved query *{query}* "
                "({project}), as you see them, ({filters}).",
                query=escape_mrkdwn(query_name),
                project=project,
                filters=shown,
            )
            + note
        )
    return (
        _(
            "This channel now gets changes to *{project}* ({filters}).",
            project=project,
            filters=shown,
        )
        + note
    )


def unsubscribed_text(project_name: str) -> str:
    return _(
        "This channel no longer gets changes to *{project}*.", project=escape_mrkdwn(project_name)
    )


def subscriptions_text(subscriptions: Sequence[ListedSubscription]) -> str:
    if not subscriptions:
        return _(NO_SUBSCRIPTIONS)
    lines = [_("This channel gets changes to:")]
    for s in subscriptions:
        state = (
            " — :double_vertical_bar: "
            + _("paused: `{reason}`", reason=escape_mrkdwn(s.paused_reason))
            if s.paused_reason is not None
            else ""
        )
        person = f"<@{s.created_by_slack_user}>"
        line = _(
            "*{project}* (`{identifier}`): {filters}; by {person}",
            project=escape_mrkdwn(s.project_name),
            identifier=escape_mrkdwn(s.project_identifier),
            filters=escape_mrkdwn(s.filters),
            person=person,
        )
        lines.append(f"• {line}{state}")
    return "\n".join(lines)
