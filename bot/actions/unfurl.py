"""Unfurl links to Redmine issues that people paste into Slack.

An unfurl is shown to everyone in the conversation, so it is read as the person who
shared the link (what they cannot see is not shown) and only for what anybody could see
anyway: an issue that is not private, in a public project. Anything else stays a bare
link; `/redmine show` still answers the person alone.

Each unfurl goes twice: as today's Block Kit card (for clients that do not draw Work
Objects) and as a task entity in `metadata.entities` (bot.blocks.entities).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.blocks.entities import entities_metadata, issue_entity
from bot.blocks.issues import issue_card, issue_card_text
from bot.config import TextFormatting
from bot.redmine import Redmine
from bot.redmine.errors import RedmineError
from bot.slack import limits

log = logging.getLogger(__name__)

MAX_UNFURLS = limits.UNFURLS_PER_MESSAGE
_ISSUE_PATH = re.compile(r"^/issues/([0-9]{1,9})/?$")  # ASCII digits, bounded


def issue_links(urls: Iterable[str], redmine_base_url: str) -> dict[str, int]:
    """The shared URLs that point at an issue of this Redmine, with the issue's id."""
    base = urlsplit(redmine_base_url)
    base_path = base.path.rstrip("/")
    found: dict[str, int] = {}
    for url in urls:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()):
            continue
        if not parts.path.startswith(base_path + "/"):
            continue
        match = _ISSUE_PATH.match(parts.path[len(base_path) :])
        if match and len(found) < MAX_UNFURLS:
            found[url] = int(match.group(1))
    return found


@dataclass
class IssueUnfurls:
    """`chat.unfurl`'s `unfurls` (Block Kit per URL) and the same issues as entities."""

    unfurls: dict[str, dict[str, Any]] = field(default_factory=dict)
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def metadata(self) -> dict[str, Any] | None:
        return entities_metadata(self.entities) if self.entities else None


async def issue_unfurls(
    redmine: Redmine,
    links: dict[str, int],
    *,
    base_url: str,
    formatting: TextFormatting,
) -> IssueUnfurls:
    """An issue card and a task entity for each link that may be shown to all."""
    found = IssueUnfurls()
    public_projects: dict[int, bool] = {}
    for url, issue_id in links.items():
        try:
            issue, served_at = await redmine.issues.get_served(issue_id)
            # Some servers in front of Redmine send no Date header: then it is now.
            read_at = served_at or datetime.now(UTC)
            if issue.is_private or issue.project is None:
                continue
            if issue.project.id not in public_projects:
                project = await redmine.projects.get(issue.project.id)
                public_projects[issue.project.id] = project.is_public
        except RedmineError as error:
            # Not found, not visible to the sharer, or Redmine away: a bare link it stays.
            log.info("no unfurl for issue %s: %s", issue_id, error)
            continue
        if not public_projects[issue.project.id]:
            continue
        found.unfurls[url] = {
            "blocks": issue_card(issue, base_url, formatting),
            "fallback": issue_card_text(issue),
        }
        found.entities.append(
            issue_entity(issue, base_url, formatting, read_at=read_at, app_unfurl_url=url)
        )
    return found
