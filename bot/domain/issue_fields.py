"""The project-dependent part of the new-issue form, as data.

bot.actions.issue_form reads it from Redmine and bot.blocks.modals draws it; it lives
in this leaf module so that the builders never import a command.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.redmine.models import CustomField, EnumerationItem, Project, Ref, Version


@dataclass(frozen=True)
class IssueFields:
    """The project-dependent part of the new-issue form."""

    project: Project
    tracker_id: int | None
    priorities: list[EnumerationItem] = field(default_factory=list)
    members: list[Ref] = field(default_factory=list)
    categories: list[Ref] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    required: list[CustomField] = field(default_factory=list)

    @property
    def trackers(self) -> list[Ref]:
        return self.project.trackers

    @property
    def default_priority_id(self) -> int | None:
        return next((p.id for p in self.priorities if p.is_default), None)
