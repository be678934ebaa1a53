"""Journal -> change lines: one pure function per kind of change (the event table).

A journal becomes one Slack message: who changed what, and the note. Each detail of the
journal maps to a kind (for the subscription's `events:` filter) and a line of text.
Names come through a `Names` lookup so these functions stay pure and testable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.domain.journal_event import Change, JournalEvent
from bot.redmine.models import Issue, Journal, JournalDetail
from bot.text import escape_mrkdwn


class Names(Protocol):
    """Ids in journal details -> names (resolved and cached by the caller)."""

    def status(self, status_id: str | None) -> str: ...
    def is_closed(self, status_id: str | None) -> bool: ...
    def tracker(self, tracker_id: str | None) -> str: ...
    def priority(self, priority_id: str | None) -> str: ...
    def user(self, user_id: str | None) -> str: ...
    def version(self, version_id: str | None) -> str: ...
    def category(self, category_id: str | None) -> str: ...
    def project(self, project_id: str | None) -> str: ...
    def custom_field(self, field_id: str) -> str: ...


def _from_to(label: str, old: str, new: str) -> str:
    old, new = escape_mrkdwn(old), escape_mrkdwn(new)
    if old and new:
        return f"{label}: {old} → *{new}*"
    if new:
        return f"{label}: *{new}*"
    return f"{label}: ~{old}~ removed"


def _status(d: JournalDetail, n: Names) -> list[Change]:
    changes = [Change("status", _from_to("Status", n.status(d.old_value), n.status(d.new_value)))]
    if n.is_closed(d.new_value) and not n.is_closed(d.old_value):
        changes.append(Change("closed", ""))
    return changes


def _assignee(d: JournalDetail, n: Names) -> list[Change]:
    return [Change("assignee", _from_to("Assignee", n.user(d.old_value), n.user(d.new_value)))]


def _simple(
    kind: str, label: str, lookup: Callable[[Names, str | None], str]
) -> Callable[[JournalDetail, Names], list[Change]]:
    def describe(d: JournalDetail, n: Names) -> list[Change]:
        return [Change(kind, _from_to(label, lookup(n, d.old_value), lookup(n, d.new_value)))]

    return describe


def _plain(label: str) -> Callable[[JournalDetail, Names], list[Change]]:
    return _simple("other", label, lambda _, value: value or "")


ATTRIBUTE_EVENTS: dict[str, Callable[[JournalDetail, Names], list[Change]]] = {
    "status_id": _status,
    "assigned_to_id": _assignee,
    "priority_id": _simple("priority", "Priority", lambda n, v: n.priority(v)),
    "tracker_id": _simple("other", "Tracker", lambda n, v: n.tracker(v)),
    "fixed_version_id": _simple("other", "Target version", lambda n, v: n.version(v)),
    "category_id": _simple("other", "Category", lambda n, v: n.category(v)),
    "project_id": _simple("other", "Project", lambda n, v: n.project(v)),
    "subject": _plain("Subject"),
    "due_date": _plain("Due date"),
    "start_date": _plain("Start date"),
    "done_ratio": _simple("other", "% Done", lambda _, v: f"{v}%" if v else ""),
    "estimated_hours": _plain("Estimated time"),
    "parent_id": _simple("other", "Parent", lambda _, v: f"#{v}" if v else ""),
    "is_private": _simple(
        "other",
        "Private",
        lambda _, v: {"1": "yes", "0": "no", "true": "yes", "false": "no"}.get(v or "", v or ""),
    ),
}
# Changes shown only as "changed", without values: long texts.
SUMMARISED_ATTRIBUTES = {"description": "Description updated"}


def _detail(d: JournalDetail, names: Names) -> list[Change]:
    if d.property == "attr":
        handler = ATTRIBUTE_EVENTS.get(d.name)
        if handler is not None:
            return handler(d, names)
        if d.name in SUMMARISED_ATTRIBUTES:
            return [Change("other", SUMMARISED_ATTRIBUTES[d.name])]
        return [
            Change(
                "other",
                _from_to(
                    d.name.replace("_", " ").capitalize(), d.old_value or "", d.new_value or ""
                ),
            )
        ]
    if d.property == "cf":
        return [
            Change(
                "other", _from_to(names.custom_field(d.name), d.old_value or "", d.new_value or "")
            )
        ]
    if d.property == "attachment":
        if d.new_value:
            return [Change("attachments", f"Attached `{escape_mrkdwn(d.new_value)}`")]
        return [Change("attachments", f"Removed attachment `{escape_mrkdwn(d.old_value or '')}`")]
    if d.property == "relation":
        kind = d.name.replace("_", " ")
        target = d.new_value or d.old_value or ""
        verb = "Related" if d.new_value else "Removed relation"
        return [Change("other", f"{verb}: {escape_mrkdwn(kind)} #{escape_mrkdwn(target)}")]
    return [Change("other", f"Changed {escape_mrkdwn(d.property)} {escape_mrkdwn(d.name)}")]


def journal_event(journal: Journal, names: Names) -> JournalEvent:
    changes: list[Change] = []
    for detail in journal.details:
        changes.extend(_detail(detail, names))
    return JournalEvent(
        journal_id=journal.id,
        author=journal.user.name if journal.user else "Someone",
        private=journal.private_notes,
        changes=changes,
        note=journal.notes or None,
    )


def is_closing(event: JournalEvent) -> bool:
    return any(c.kind == "closed" for c in event.changes)


def tracker_matches(issue: Issue, trackers: list[str]) -> bool:
    if not trackers:
        return True
    name = (issue.tracker.name if issue.tracker else "").lower()
    return name in {t.lower() for t in trackers}
