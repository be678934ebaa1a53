"""A channel's daily digest: counts first, then the issues of each list, linked.

Said in the language of the translator in use (the channel's `lang:`, set by
bot.notify.digests); its times, due dates and counts in that language's formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.blocks.common import Block, context, section
from bot.blocks.issues import issue_link
from bot.blocks.time_report import bounded_list
from bot.domain.daily_digest import DUE_SOON_DAYS, Digest
from bot.i18n import N_, _, current, ngettext
from bot.redmine.models import Issue
from bot.text import escape_mrkdwn

QUIET_DAY = N_("Nothing new, closed, updated, overdue or due soon.")
# The lists' headings, each with how many issues it holds.
NEW = N_("*New* ({count})")
CLOSED = N_("*Closed* ({count})")
UPDATED = N_("*Updated* ({count})")
OVERDUE = N_("*Overdue* ({count})")
SEPARATOR = " · "


def _counts(digest: Digest) -> str:
    """ "2 new · 0 closed · …", each by its language's plural rule."""
    return SEPARATOR.join(
        [
            ngettext("{count} new", "{count} new", len(digest.new)),
            ngettext("{count} closed", "{count} closed", len(digest.closed)),
            ngettext("{count} updated", "{count} updated", len(digest.updated)),
            ngettext("{count} overdue", "{count} overdue", len(digest.overdue)),
            ngettext("{count} due soon", "{count} due soon", len(digest.due_soon)),
        ]
    )


def digest_text(digest: Digest) -> str:
    return _("Daily digest for {title}: {counts}", title=digest.title, counts=_counts(digest))


def _moment(value: datetime) -> str:
    """A time of the window as the reader writes it, in the digest's own time zone."""
    return current().format_datetime(value, value.tzinfo, "short")


def _lines(issues: Sequence[Issue], base_url: str, *, due: bool = False) -> list[str]:
    lines = []
    for issue in issues:
        line = issue_link(base_url, issue.id, issue.subject)
        if issue.status and issue.status.name:
            line += f"{SEPARATOR}{escape_mrkdwn(issue.status.name)}"
        if due and issue.due_date:
            line += SEPARATOR + _("due {date}", date=current().format_date(issue.due_date))
        lines.append(line)
    return lines


def digest_blocks(digest: Digest, base_url: str) -> list[Block]:
    window = _("{start} to {end}", start=_moment(digest.start), end=_moment(digest.end))
    title = _(
        "*Daily digest: {title}* ({window})", title=escape_mrkdwn(digest.title), window=window
    )
    blocks: list[Block] = [section(f":newspaper: {title}"), context(_counts(digest))]
    count = current().format_number
    lists = (
        (_(NEW, count=count(len(digest.new))), digest.new, False),
        (_(CLOSED, count=count(len(digest.closed))), digest.closed, False),
        (_(UPDATED, count=count(len(digest.updated))), digest.updated, False),
        (_(OVERDUE, count=count(len(digest.overdue))), digest.overdue, True),
        (
            ngettext(
                "*Due within {count} day* ({issues})",
                "*Due within {count} days* ({issues})",
                DUE_SOON_DAYS,
                issues=count(len(digest.due_soon)),
            ),
            digest.due_soon,
            True,
        ),
    )
    for heading, issues, due in lists:
        if issues:
            blocks.append(section(bounded_list(heading, _lines(issues, base_url, due=due))))
    if len(blocks) == 2:
        blocks.append(section(_(QUIET_DAY)))
    return blocks
