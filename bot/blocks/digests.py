"""A channel's daily digest: counts first, then the issues of each list, linked."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, context, section
from bot.blocks.issues import issue_link
from bot.blocks.time_report import bounded_list
from bot.domain.daily_digest import DUE_SOON_DAYS, Digest
from bot.redmine.models import Issue
from bot.text import escape_mrkdwn

QUIET_DAY = "Nothing new, closed, updated, overdue or due soon."


def digest_text(digest: Digest) -> str:
    return (
        f"Daily digest for {digest.title}: {len(digest.new)} new, {len(digest.closed)} "
        f"closed, {len(digest.updated)} updated, {len(digest.overdue)} overdue, "
        f"{len(digest.due_soon)} due within {DUE_SOON_DAYS} days"
    )


def _lines(issues: Sequence[Issue], base_url: str, *, due: bool = False) -> list[str]:
    lines = []
    for issue in issues:
        line = issue_link(base_url, issue.id, issue.subject)
        if issue.status and issue.status.name:
            line += f" · {escape_mrkdwn(issue.status.name)}"
        if due and issue.due_date:
            line += f" · due {issue.due_date.isoformat()}"
        lines.append(line)
    return lines


def digest_blocks(digest: Digest, base_url: str) -> list[Block]:
    window = f"{digest.start:%Y-%m-%d %H:%M} to {digest.end:%Y-%m-%d %H:%M}"
    blocks: list[Block] = [
        section(f":newspaper: *Daily digest: {escape_mrkdwn(digest.title)}* ({window})"),
        context(
            f"{len(digest.new)} new · {len(digest.closed)} closed · {len(digest.updated)} "
            f"updated · {len(digest.overdue)} overdue · {len(digest.due_soon)} due within "
            f"{DUE_SOON_DAYS} days"
        ),
    ]
    lists = (
        ("New", digest.new, False),
        ("Closed", digest.closed, False),
        ("Updated", digest.updated, False),
        ("Overdue", digest.overdue, True),
        (f"Due within {DUE_SOON_DAYS} days", digest.due_soon, True),
    )
    for heading, issues, due in lists:
        if issues:
            heading_text = f"*{heading}* ({len(issues)})"
            blocks.append(section(bounded_list(heading_text, _lines(issues, base_url, due=due))))
    if len(blocks) == 2:
        blocks.append(section(QUIET_DAY))
    return blocks
