"""The flexpane: one issue, read as the person who opened it, for `entity.presentDetails`.

Slack sends `entity_details_requested` when someone clicks a Work Object or refreshes its
flexpane (docs.slack.dev/reference/events/entity_details_requested), and draws what the
app answers for that person alone. So it is read with their own Redmine view, never the
admin's: what Redmine does not let them read (a private issue, a project they are not in,
a private note) is not there to leak. One request to Redmine per open once the person is
known: the issue with its journals (bench/flexpane.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.actions.errors import UserFacingError
from bot.actions.issue_form import no_such_issue
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, NotFoundError
from bot.redmine.models import Issue


@dataclass(frozen=True)
class Flexpane:
    issue: Issue  # with the journals the person may read
    read_at: datetime  # when Redmine served it


async def open_flexpane(redmine: Redmine, issue_id: int) -> Flexpane:
    """The issue and its notes as the person sees them; UserFacingError if they cannot."""
    try:
        issue, served_at = await redmine.issues.get_served(issue_id, include=("journals",))
    except (NotFoundError, ForbiddenError):
        raise UserFacingError(no_such_issue(issue_id)) from None
    # Some servers in front of Redmine send no Date header: then it was read now.
    return Flexpane(issue, served_at or datetime.now(UTC))
