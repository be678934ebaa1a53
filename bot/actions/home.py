"""App Home: a person's own Redmine, read as them, and their notification settings.

One open costs one Redmine request for the chosen list (one page, read as the person)
besides resolving who they are (cached by bot.people.identity); the store gives the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.errors import UserFacingError
from bot.actions.remind import current_reminder
from bot.domain.recurrence import ReminderSet
from bot.i18n import N_, _
from bot.redmine import Redmine
from bot.redmine.issues import date_filter
from bot.redmine.models import Issue
from bot.store.personal import HOME_LISTS, NOTIFY_KINDS, PersonalRepository, Preferences

# How many issues one list shows: each row takes up to two blocks of the Home tab's 100.
HOME_ROWS = 20

UNKNOWN_LIST = N_("I don't know that list. Pick one from the menu at the top of your App Home.")
UNKNOWN_KIND = N_("I don't know that notification. Tick the boxes in your App Home instead.")


@dataclass(frozen=True)
class SubscriptionSummary:
    channel_id: str
    project_name: str
    paused_reason: str | None


@dataclass(frozen=True)
class HomeData:
    list_key: str
    issues: list[Issue]
    total: int
    subscriptions: list[SubscriptionSummary]
    preferences: Preferences
    reminder: ReminderSet | None = None  # `/redmine remind`, also set from the Home tab


def end_of_week(today: date) -> date:
    """The Sunday that ends `today`'s week (ISO weeks start on Monday)."""
    return today + timedelta(days=6 - today.weekday())


def list_query(list_key: str, today: date) -> dict[str, Any]:
    """Redmine's filters for one of the App Home lists, open issues only, about "me"."""
    if list_key == "assigned":
        return {"assigned_to_id": "me", "sort": "updated_on:desc"}
    if list_key == "reported":
        return {"author_id": "me", "sort": "updated_on:desc"}
    if list_key == "watched":
        return {"watcher_id": "me", "sort": "updated_on:desc"}
    if list_key == "due":
        return {
            "assigned_to_id": "me",
            "due_date": date_filter("<=", end_of_week(today)),
            "sort": "due_date",
        }
    raise UserFacingError(_(UNKNOWN_LIST))


async def my_home(
    redmine: Redmine,
    *,
    slack_user_id: str,
    sessions: async_sessionmaker[AsyncSession],
    today: date,
) -> HomeData:
    """What the person's App Home shows; `redmine` must be their own view."""
    async with sessions() as session:
        repo = PersonalRepository(session)
        preferences = await repo.preferences(slack_user_id)
        created = await repo.subscriptions_created_by(slack_user_id)
        subscriptions = [
            SubscriptionSummary(s.channel_id, s.project_name, s.paused_reason if s.paused else None)
            for s in created
        ]
    list_key = preferences.home_list if preferences.home_list in HOME_LISTS else HOME_LISTS[0]
    issues, total = await redmine.issues.page(limit=HOME_ROWS, **list_query(list_key, today))
    reminder = await current_reminder(sessions, slack_user_id)
    return HomeData(list_key, issues, total, subscriptions, preferences, reminder)


async def choose_home_list(
    list_key: str, *, slack_user_id: str, sessions: async_sessionmaker[AsyncSession]
) -> Preferences:
    if list_key not in HOME_LISTS:
        raise UserFacingError(_(UNKNOWN_LIST))
    return await _change(sessions, slack_user_id, home_list=list_key)


async def set_notifications(
    enabled: Iterable[str], *, slack_user_id: str, sessions: async_sessionmaker[AsyncSession]
) -> Preferences:
    """Switch each personal notification on (in `enabled`) or off (left out)."""
    wanted = set(enabled)
    if wanted - set(NOTIFY_KINDS):
        raise UserFacingError(_(UNKNOWN_KIND))
    return await _change(sessions, slack_user_id, **{kind: kind in wanted for kind in NOTIFY_KINDS})


async def _change(
    sessions: async_sessionmaker[AsyncSession], slack_user_id: str, **changes: Any
) -> Preferences:
    async with sessions() as session:
        repo = PersonalRepository(session)
        current = await repo.preferences(slack_user_id)
        updated = Preferences(**{**current.__dict__, **changes})
        await repo.save(slack_user_id, updated)
        await session.commit()
    return updated
