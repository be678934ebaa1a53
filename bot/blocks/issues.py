"""Issue cards and issue lists. Everything from Redmine is escaped before it enters mrkdwn."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.blocks.card_actions import card_actions
from bot.blocks.common import Block, button, context, mrkdwn, section
from bot.config import TextFormatting
from bot.i18n import N_, _, current
from bot.redmine.models import Issue, Ref, SearchResult
from bot.slack import limits
from bot.text import escape_mrkdwn, link, redmine_to_mrkdwn

DESCRIPTION_EXCERPT = 600


def issue_url(base_url: str, issue_id: int) -> str:
    return f"{base_url.rstrip('/')}/issues/{issue_id}"


def issue_link(base_url: str, issue_id: int, subject: str | None = None) -> str:
    label = f"#{issue_id}" + (f" {subject}" if subject else "")
    linked: str = link(issue_url(base_url, issue_id), label)
    return linked


def _name(ref: Ref | None, empty: str = "—") -> str:
    return escape_mrkdwn(ref.name) if ref and ref.name else empty


def _when(value: datetime | None) -> str:
    if value is None:
        return "—"
    # Slack renders this in each reader's own time zone; the fallback is UTC.
    epoch = int(value.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{value:%Y-%m-%d %H:%M} UTC>"


def issue_summary_line(issue: Issue, base_url: str) -> str:
    """`#42 Subject` linked, then tracker, status and assignee: one line in a list."""
    parts = [f"*{issue_link(base_url, issue.id, issue.subject)}*"]
    details = [_name(issue.tracker, ""), _name(issue.status, "")]
    if issue.assigned_to:
        details.append("→ " + _name(issue.assigned_to))
    return " ".join(parts) + "  " + " · ".join(d for d in details if d)


def issue_card(
    issue: Issue,
    base_url: str,
    formatting: TextFormatting,
    *,
    with_description: bool = True,
    with_actions: bool = False,
    watching: bool | None = None,
) -> list[Block]:
    """The issue as Slack shows it: title link, key fields, a description excerpt, and
    (`with_actions`) the buttons anyone may click to act on it as themselves."""
    title = f"*{issue_link(base_url, issue.id, issue.subject)}*"
    if issue.is_private:
        title += "  :lock: " + _("private")
    blocks: list[Block] = [section(title)]
    fields = [
        (_("Project"), _name(issue.project)),
        (_("Tracker"), _name(issue.tracker)),
        (_("Status"), _name(issue.status)),
        (_("Priority"), _name(issue.priority)),
        (_("Assignee"), _name(issue.assigned_to, _("nobody"))),
        (_("Author"), _name(issue.author)),
    ]
    # Shown once set, so a card edited from Slack shows what the Edit form changed.
    if issue.due_date:
        # Written as the reader's language writes dates: "Dec 24, 2026", "2026/12/24".
        fields.append((_("Due date"), current().format_date(issue.due_date)))
    if issue.done_ratio:
        fields.append((_("Done"), f"{issue.done_ratio} %"))
    blocks.append(
        {"type": "section", "fields": [mrkdwn(f"*{label}*\n{value}") for label, value in fields]}
    )
    if with_description and issue.description and issue.description.strip():
        excerpt = redmine_to_mrkdwn(
            issue.description,
            formatting,
            base_url=base_url,
            limit=DESCRIPTION_EXCERPT,
            more_url=issue_url(base_url, issue.id),
        )
        blocks.append(section(excerpt))
    blocks.append(context(_("Updated {when}", when=_when(issue.updated_on))))
    if with_actions:
        blocks.append(card_actions(issue, watching=watching))
    return blocks


def issue_card_text(issue: Issue) -> str:
    """Fallback text for notifications and screen readers; Slack parses it as mrkdwn too."""
    status = f" ({escape_mrkdwn(issue.status.name)})" if issue.status else ""
    return f"#{issue.id} {escape_mrkdwn(issue.subject)}{status}"


def issue_list(issues: Sequence[Issue], base_url: str, *, heading: str, empty: str) -> list[Block]:
    if not issues:
        return [section(empty)]
    lines = [issue_summary_line(issue, base_url) for issue in issues]
    return [section(heading), section("\n".join(lines))]


SEARCH_MORE_ACTION = "search_more"
TOO_LONG_TO_PAGE = N_(
    "More results: this query is too long to page through; search with fewer words."
)


def encode_search_page(query: str, offset: int) -> str:
    return json.dumps({"q": query, "o": offset}, separators=(",", ":"))


# Slack caps a button's value at 2000 characters (Block Kit reference, button element).
BUTTON_VALUE_LIMIT = 2000
SEARCH_OFFSET_LIMIT = 100_000


def decode_search_page(value: str) -> tuple[str, int]:
    """(query, offset) from a More button; ValueError for anything we did not write."""
    if len(value) > BUTTON_VALUE_LIMIT:
        raise ValueError("button value too long")
    data = json.loads(value)
    if not isinstance(data, dict):
        raise ValueError("not a search page")
    query, offset = data.get("q"), data.get("o")
    # bool is an int in Python; 1e309 is a float (inf): neither is an offset we wrote.
    if not isinstance(query, str) or type(offset) is not int:
        raise ValueError("not a search page")
    if not 0 <= offset <= SEARCH_OFFSET_LIMIT:
        raise ValueError("offset out of range")
    return query, offset


def search_results(
    query: str,
    results: Sequence[SearchResult],
    statuses: dict[int, str],
    *,
    offset: int,
    total: int,
    base_url: str,
) -> list[Block]:
    """Issues first: id and title linked, then status; a "More" button for the next page."""
    shown_query = escape_mrkdwn(query)
    if not results:
        return [section(_("No issues found for “{query}”.", query=shown_query))]
    lines = []
    for result in results:
        status = statuses.get(result.id)
        suffix = f" · {escape_mrkdwn(status)}" if status else ""
        lines.append("• " + link(issue_url(base_url, result.id), result.title) + suffix)
    end = offset + len(results)
    blocks: list[Block] = [
        section(
            _(
                "Issues matching “{query}” ({first}–{last} of {total}):",
                query=shown_query,
                first=offset + 1,
                last=end,
                total=total,
            )
        ),
        section("\n".join(lines)),
    ]
    if end < total:
        page = encode_search_page(query, end)
        if len(page) <= limits.BUTTON_VALUE:
            more = button(_("More"), SEARCH_MORE_ACTION, page)
            blocks.append({"type": "actions", "elements": [more]})
        else:  # the query does not fit in a button's value: no More, a hint instead
            blocks.append(context(_(TOO_LONG_TO_PAGE)))
    return blocks
