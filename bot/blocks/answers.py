"""The one-sentence answers to `/redmine` commands, worded once (mrkdwn, Redmine's text escaped).

Pure: each takes plain values from an action's result and returns the text the person
reads; the listener sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.blocks.issues import issue_link
from bot.text import escape_mrkdwn

NOT_CONNECTED = "You have no connected Redmine account; nothing to forget."
DISCONNECTED = "Forgot your connected Redmine account. `/redmine whoami` shows who you are now."
NO_SUBSCRIPTIONS = (
    "This channel has no Redmine subscriptions. Add one with `/redmine subscribe <project>`."
)
MUST_INVITE = (
    "\n:warning: I'm not in this channel, so I can't post here yet: invite me with "
    "`/invite @Redmine`."
)
JOINED = "\nI joined this channel to post the updates."


@dataclass(frozen=True)
class ListedSubscription:
    """One line of `/redmine subscriptions`, as plain values."""

    project_name: str
    project_identifier: str
    filters: str
    created_by_slack_user: str
    paused_reason: str | None  # None: delivering


def disconnected_text(existed: bool) -> str:
    return DISCONNECTED if existed else NOT_CONNECTED


def note_added_text(base_url: str, issue_id: int) -> str:
    return f"Added your note to {issue_link(base_url, issue_id)}."


def time_logged_text(base_url: str, issue_id: int, hours: float, activity_name: str | None) -> str:
    """`hours` as Redmine stored them (its answer), not as typed: `1h30` reads 1.5."""
    what = f" of {escape_mrkdwn(activity_name)}" if activity_name else ""
    return f"Logged {hours:g} h{what} on {issue_link(base_url, issue_id)}."


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
        note = MUST_INVITE
    elif must_join:
        note = (
            JOINED
            if join_error is None
            else f"\n:warning: I couldn't join this channel ({join_error}): "
            "invite me with `/invite @Redmine`."
        )
    if digest_zone is not None:
        note += f"\nTimes are in {digest_zone}, your Slack time zone."
    what = f"*{escape_mrkdwn(project_name)}*"
    if query_name is not None:
        what = (
            f"issues of the saved query *{escape_mrkdwn(query_name)}* "
            f"({escape_mrkdwn(project_name)}), as you see them,"
        )
    return f"This channel now gets changes to {what} ({escape_mrkdwn(filters)})." + note


def unsubscribed_text(project_name: str) -> str:
    return f"This channel no longer gets changes to *{escape_mrkdwn(project_name)}*."


def subscriptions_text(subscriptions: Sequence[ListedSubscription]) -> str:
    if not subscriptions:
        return NO_SUBSCRIPTIONS
    lines = ["This channel gets changes to:"]
    for s in subscriptions:
        state = (
            f" — :double_vertical_bar: paused: `{escape_mrkdwn(s.paused_reason)}`"
            if s.paused_reason is not None
            else ""
        )
        lines.append(
            f"• *{escape_mrkdwn(s.project_name)}* (`{escape_mrkdwn(s.project_identifier)}`): "
            f"{escape_mrkdwn(s.filters)}; by <@{s.created_by_slack_user}>{state}"
        )
    return "\n".join(lines)
