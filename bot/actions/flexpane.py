"""The flexpane: one issue, read as the person who opened it, for `entity.presentDetails`;
and the edits they make in it, through the card Edit form's checks and write.

Slack sends `entity_details_requested` when someone clicks a Work Object or refreshes its
flexpane (docs.slack.dev/reference/events/entity_details_requested), and draws what the
app answers for that person alone. So it is read with their own Redmine view, never the
admin's: what Redmine does not let them read (a private issue, a project they are not in,
a private note) is not there to leak. Once the person is known, an open costs one request
to Redmine (the issue with its journals and the statuses they may set) and, for the
assignee choices, the project's memberships, cached (bench/flexpane.py counts them).

An edit is the card's Edit form by another door (bot.actions.edit_issue): checked against
the issue as it is now, refused when it changed since the flexpane showed it, and only
the fields the person changed are written, as them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.actions import edit_issue
from bot.actions.choices import assignable_members
from bot.actions.errors import UserFacingError
from bot.actions.issue_form import no_such_issue
from bot.blocks.card_actions import CardRef
from bot.blocks.entities import EntityEdits
from bot.i18n import N_, _
from bot.inputs.forms import EditForm
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, NotFoundError, RedmineHTTPError
from bot.redmine.models import Issue

log = logging.getLogger(__name__)

STALE = N_(
    "#{id} changed since you opened it, so nothing was saved. "
    "The panel now shows it as it is; change it again if you still want to."
)
NOT_OPENED = N_(
    "I can't tell what #{id} looked like when you opened it, so nothing was saved. "
    "Close the panel and open it again, then make your change."
)


@dataclass(frozen=True)
class Flexpane:
    issue: Issue  # with the journals the person may read and the statuses they may set
    read_at: datetime  # when Redmine served it
    edits: EntityEdits | None  # what they may choose; None: the panel is read-only

    @property
    def ref(self) -> CardRef:
        """The issue's version as shown, for the "changed since you opened it" check."""
        updated = int(self.issue.updated_on.timestamp()) if self.issue.updated_on else 0
        return CardRef(self.issue.id, updated)


async def open_flexpane(redmine: Redmine, issue_id: int) -> Flexpane:
    """The issue, its notes and its edit choices as the person sees them."""
    try:
        issue, served_at = await redmine.issues.get_served(
            issue_id, include=("journals", "allowed_statuses")
        )
    except (NotFoundError, ForbiddenError):
        raise UserFacingError(no_such_issue(issue_id)) from None
    edits = None
    if issue.allowed_statuses:  # Redmine lists none to someone who may not edit it
        try:
            members = await assignable_members(redmine, issue.project.id)
            edits = EntityEdits(issue.allowed_statuses, members)
        except RedmineHTTPError as error:
            log.info("no edit choices for #%s: %s", issue.id, error)
    # Some servers in front of Redmine send no Date header: then it was read now.
    return Flexpane(issue, served_at or datetime.now(UTC), edits)


async def check_flexpane_edit(
    redmine: Redmine, issue_id: int, opened: CardRef | None, form: EditForm
) -> dict[str, Any]:
    """The fields to write (before the ack): edit_issue.check_edit's StaleCard when the
    issue changed since the flexpane showed it (`opened`), which is also the answer when
    the version shown is not known."""
    if opened is None:
        raise UserFacingError(_(NOT_OPENED, id=issue_id))
    return await edit_issue.check_edit(redmine, opened, form)
