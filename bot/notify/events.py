"""Journal -> change lines: one pure function per kind of change (the event table).

A journal becomes one Slack message: who changed what, and the note. Each detail of the
journal maps to a kind (for the subscription's `events:` filter) and a line of text.
Names come through a `Names` lookup so these functions stay pure and testable. Labels are
catalog entries said in the current language: the poller builds each channel's events
inside that channel's language (`lang:`), so one journal reads German in one channel and
Japanese in another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from bot.domain.journal_event import Change, JournalEvent
from bot.i18n import N_, _, current
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
    """`label` is a catalog entry (or a name from Redmine, which no catalog holds)."""
    label, old, new = _(label), escape_mrkdwn(old), escape_mrkdwn(new)
    if old and new:
        return f"{label}: {old} → *{new}*"
    if new:
        return f"{label}: *{new}*"
    return _("{label}: ~{old}~ removed", label=label, old=old)


def _date(value: str | None) -> str:
    """Redmine writes dates as YYYY-MM-DD; the reader reads them as their language does."""
    try:
        return current().format_date(date.fromisoformat(value or ""))
    except ValueError:
        return value or ""


def _yes_no(value: str | None) -> str:
    answer = {"1": True, "0": False, "true": True, "false": False}.get(value or "")
    if answer is None:
        return value or ""
    return _("yes") if answer else _("no")


def _status(d: JournalDetail, n: Names) -> list[Change]:
    changes = [
        Change("status", _from_to(N_("Status"), n.status(d.old_value), n.status(d.new_value)))
    ]
    if n.is_closed(d.new_value) and not n.is_closed(d.old_value):
        changes.append(Change("closed", ""))
    return changes


def _assignee(d: JournalDetail, n: Names) -> list[Change]:
    return [Change("assignee", _from_to(N_("Assignee"), n.user(d.old_value), n.user(d.new_value)))]


def _simple(
    kind: str, label: str, lookup: Callable[[Names, str | None], str]
) -> Callable[[JournalDetail, Names], list[Change]]:
    def describe(d: JournalDetail, n: Names) -> list[Change]:
        return [Change(kind, _from_to(label, lookup(n, d.old_value), lookup(n, d.new_value)))]

    return describe


def _plain(label: str) -> Callable[[JournalDetail, Names], list[Change]]:
    return _simple("other", label, lambda _n, value: value or "")


ATTRIBUTE_EVENTS: dict[str, Callable[[JournalDetail, Names], list[Change]]] = {
    "status_id": _status,
    "assigned_to_id": _assignee,
    "priority_id": _simple("priority", N_("Priority"), lambda n, v: n.priority(v)),
    "tracker_id": _simple("other", N_("Tracker"), lambda n, v: n.tracker(v)),
    "fixed_version_id": _simple("other", N_("Target version"), lambda n, v: n.version(v)),
    "category_id": _simple("other", N_("Category"), lambda n, v: n.category(v)),
    "project_id": _simple("other", N_("Project"), lambda n, v: n.project(v)),
    "subject": _plain(N_("Subject")),
    "due_date": _simple("other", N_("Due date"), lambda _n, v: _date(v)),
    "start_date": _simple("other", N_("Start date"), lambda _n, v: _date(v)),
    "done_ratio": _simple("other", N_("% Done"), lambda _n, v: f"{v}%" if v else ""),
    "estimated_hours": _plain(N_("Estimated time")),
    "parent_id": _simple("other", N_("Parent"), lambda _n, v: f"#{v}" if v else ""),
    "is_private": _simple("other", N_("Private"), lambda _n, v: _yes_no(v)),
}
# Changes shown only as "changed", without values: long texts.
SUMMARISED_ATTRIBUTES = {"description": N_("Description updated")}


def _detail(d: JournalDetail, names: Names) -> list[Change]:
    if d.property == "attr":
        handler = ATTRIBUTE_EVENTS.get(d.name)
        if handler is not None:
            return handler(d, names)
        if d.name in SUMMARISED_ATTRIBUTES:
            return [Change("other", _(SUMMARISED_ATTRIBUTES[d.name]))]
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
            attached = _("Attached `{file}`", file=escape_mrkdwn(d.new_value))
            return [Change("attachments", attached)]
        removed = _("Removed attachment `{file}`", file=escape_mrkdwn(d.old_value or ""))
        return [Change("attachments", removed)]
    if d.property == "relation":
        kind = d.name.replace("_", " ")
        target = d.new_value or d.old_value or ""
        words = {"relation": escape_mrkdwn(kind), "issue": f"#{escape_mrkdwn(target)}"}
        if d.new_value:
            return [Change("other", _("Related: {relation} {issue}", **words))]
        return [Change("other", _("Removed relation: {relation} {issue}", **words))]
    changed = _(
        "Changed {property} {name}",
        property=escape_mrkdwn(d.property),
        name=escape_mrkdwn(d.name),
    )
    return [Change("other", changed)]


def journal_event(journal: Journal, names: Names) -> JournalEvent:
    changes: list[Change] = []
    for detail in journal.details:
        changes.extend(_detail(detail, names))
    return JournalEvent(
        journal_id=journal.id,
        author=journal.user.name if journal.user else _("Someone"),
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
