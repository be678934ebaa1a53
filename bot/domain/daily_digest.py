"""A channel's daily digest as data: shared by its action and its builder (a leaf module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.redmine.models import Issue

DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Digest:
    title: str  # the project's name, or the saved query's
    start: datetime  # the 24 hours it covers, in the channel's digest time zone
    end: datetime
    today: date
    new: tuple[Issue, ...]
    closed: tuple[Issue, ...]
    updated: tuple[Issue, ...]  # changed in the window, new ones included
    overdue: tuple[Issue, ...]  # open, due before today
    due_soon: tuple[Issue, ...]  # open, due today or within DUE_SOON_DAYS days
