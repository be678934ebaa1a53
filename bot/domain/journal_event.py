"""One Redmine journal as the change lines a notification shows: the data only.

bot.notify.events builds these from journals and bot.blocks.notifications draws them;
this leaf module lets the builders take one without importing the notifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    kind: str  # notes | status | assignee | priority | attachments | closed | other
    line: str  # mrkdwn, already escaped


@dataclass
class JournalEvent:
    journal_id: int
    author: str
    private: bool
    changes: list[Change] = field(default_factory=list)
    note: str | None = None  # Redmine markup, converted by the message builder

    @property
    def kinds(self) -> set[str]:
        found = {c.kind for c in self.changes}
        if self.note:
            found.add("notes")
        return found

    def keep(self, events: list[str]) -> JournalEvent | None:
        """Only the changes a subscription's `events:` filter asks for (empty: all)."""
        if not events:
            return self if (self.changes or self.note) else None
        wanted = set(events)
        if "closed" in wanted and any(c.kind == "closed" for c in self.changes):
            wanted.add("status")  # a closing shows which status it went to
        changes = [c for c in self.changes if c.kind in wanted]
        note = self.note if "notes" in events else None
        if not changes and not note:
            return None
        return JournalEvent(self.journal_id, self.author, self.private, changes, note)
