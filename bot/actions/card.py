"""What a person does from an issue card: assign it to themselves, move its status,
watch or unwatch it. As the person who clicked, never as whoever posted the card.

A card shows the issue as it was when drawn. Before writing, the issue is read again as
the person; if it changed since the card was drawn (its `updated_on` moved), nothing is
written and `StaleCard` carries the issue as it is now, for the card to be redrawn.
Redmine 5's REST API does not expose `lock_version` in an issue's JSON (app/views/issues/
show.api.rsb), so `updated_on` is the version a client can see; the window between that
read and the write is one request.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.errors import UserFacingError
from bot.actions.issue_form import visible_issue
from bot.blocks.card_actions import CardRef, card_ref
from bot.i18n import N_, _
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError
from bot.redmine.models import Issue, Ref

# What an issue is read back with after an action, for its redrawn card: its watchers,
# so a card only the clicker sees says Watch or Unwatch (`watched_by`).
SHOWN = ("watchers",)


class StaleCard(Exception):
    """The card was drawn before the issue's last change: redraw it, write nothing."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(f"#{issue.id} stale card")  # for logs; people read STALE
        self.issue = issue


@dataclass(frozen=True)
class Watching:
    issue: Issue
    watching: bool  # after the click


STALE = N_(
    "#{id} changed since this card was drawn, so nothing was changed. "
    "The card now shows it as it is; click again if you still want to."
)


def not_a_status_you_may_set(issue: Issue) -> UserFacingError:
    if issue.status is None:
        return UserFacingError(
            _(
                "Redmine's workflow does not let you move #{id} to that status; choose one "
                "the list offers.",
                id=issue.id,
            )
        )
    return UserFacingError(
        _(
            "Redmine's workflow does not let you move #{id} to that status from {status}; "
            "choose one the list offers.",
            id=issue.id,
            status=issue.status.name,
        )
    )


def watched_by(issue: Issue, redmine_user_id: int) -> bool | None:
    """Whether the person watches the issue; None where Redmine did not say: it lists
    watchers only when asked (include=watchers) and only to people whose role may see
    them (view_issue_watchers), and an absent list is not an empty one."""
    if "watchers" not in issue.model_fields_set:
        return None
    return any(watcher.id == redmine_user_id for watcher in issue.watchers)


async def current(redmine: Redmine, ref: CardRef, *, include: tuple[str, ...] = ()) -> Issue:
    """The issue as the person sees it now; StaleCard if it changed since the card."""
    issue = await visible_issue(redmine, ref.issue_id, include=include)
    if ref.drawn_at and card_ref(issue).drawn_at != ref.drawn_at:
        raise StaleCard(issue)
    return issue


async def assign_to_me(redmine: Redmine, ref: CardRef, redmine_user_id: int) -> Issue:
    await current(redmine, ref)
    # Redmine takes "me" for the acting user (IssuesController#update_issue_from_params).
    # It answers 403 where the person may not edit the issue at all and 422 where they may
    # not be its assignee; where their role may edit the issue but not its assignee it
    # drops the field and answers 204 (safe attributes), so the result is read back.
    await redmine.issues.update(ref.issue_id, assigned_to_id="me")
    issue = await redmine.issues.get(ref.issue_id, include=SHOWN)
    if issue.assigned_to is None or issue.assigned_to.id != redmine_user_id:
        raise UserFacingError(
            _(
                "Redmine did not let you take #{id}: your role in {project} may not change "
                "its assignee. Nothing was changed.",
                id=issue.id,
                project=issue.project.name,
            )
        )
    return issue


async def allowed_statuses(redmine: Redmine, issue_id: int) -> list[Ref]:
    """The statuses this person may move the issue to (Redmine's workflow for their
    roles), without the one it has."""
    issue = await redmine.issues.get(issue_id, include=("allowed_statuses",))
    here = issue.status.id if issue.status else None
    return [status for status in issue.allowed_statuses if status.id != here]


async def set_status(redmine: Redmine, ref: CardRef, status_id: int) -> Issue:
    issue = await current(redmine, ref, include=("allowed_statuses",))
    # Redmine silently keeps the old status when the workflow refuses the new one
    # (safe attributes): check first, so the person is told instead.
    if status_id not in {status.id for status in issue.allowed_statuses}:
        raise not_a_status_you_may_set(issue)
    await redmine.issues.update(ref.issue_id, status_id=status_id)
    return await redmine.issues.get(ref.issue_id, include=SHOWN)


async def toggle_watch(redmine: Redmine, ref: CardRef, redmine_user_id: int) -> Watching:
    """Watch the issue, or stop watching it if the person already does."""
    issue = await current(redmine, ref, include=SHOWN)
    # Not listed (a role that may not view watchers): taken as not watching, so the
    # click adds the person, which Redmine does once however often it is asked.
    watching = watched_by(issue, redmine_user_id) is True
    try:
        if watching:
            await redmine.issues.remove_watcher(ref.issue_id, redmine_user_id)
        else:
            await redmine.issues.add_watcher(ref.issue_id, redmine_user_id)
    except ForbiddenError:
        # Redmine's API asks for "Add watchers" (or "Delete watchers") even for watching
        # oneself: only WatchersController#create/#destroy take an API key, and both check
        # the permission; the web page's Watch link (#watch) is not open to the API.
        words = {"id": issue.id, "project": issue.project.name}
        if watching:
            refusal = _(
                "Redmine did not let you stop watching #{id}: your role in {project} lacks "
                "the \u201cDelete watchers\u201d permission, which Redmine's API asks for "
                "even for yourself. Nothing was changed.",
                **words,
            )
        else:
            refusal = _(
                "Redmine did not let you watch #{id}: your role in {project} lacks the "
                "\u201cAdd watchers\u201d permission, which Redmine's API asks for even for "
                "yourself. Nothing was changed.",
                **words,
            )
        raise UserFacingError(refusal) from None
    return Watching(await redmine.issues.get(ref.issue_id, include=SHOWN), not watching)
