"""bot.actions.home: the Redmine filters behind each App Home list, and refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.actions.errors import UserFacingError
from bot.actions.home import (
    UNKNOWN_KIND,
    UNKNOWN_LIST,
    choose_home_list,
    end_of_week,
    list_query,
    set_notifications,
)
from bot.store import db
from bot.store.personal import PersonalRepository, Preferences

THURSDAY = date(2026, 11, 26)


def test_each_list_asks_redmine_about_me_open_issues_only() -> None:
    # `me` is the acting user (the person, through impersonation); no status_id: open only.
    assert list_query("assigned", THURSDAY) == {"assigned_to_id": "me", "sort": "updated_on:desc"}
    assert list_query("reported", THURSDAY) == {"author_id": "me", "sort": "updated_on:desc"}
    assert list_query("watched", THURSDAY) == {"watcher_id": "me", "sort": "updated_on:desc"}
    assert list_query("due", THURSDAY) == {
        "assigned_to_id": "me",
        "due_date": "<=2026-11-29",
        "sort": "due_date",
    }


def test_the_week_ends_on_sunday() -> None:
    assert end_of_week(date(2026, 11, 23)) == date(2026, 11, 29)  # Monday
    assert end_of_week(date(2026, 11, 29)) == date(2026, 11, 29)  # Sunday


async def test_unknown_choices_are_refused_in_plain_words(tmp_path: Path) -> None:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'h.sqlite3'}")
    await db.migrate(engine)
    sessions = db.session_factory(engine)
    with pytest.raises(UserFacingError) as refused:
        await choose_home_list("everything", slack_user_id="UBOB", sessions=sessions)
    assert refused.value.message == UNKNOWN_LIST
    with pytest.raises(UserFacingError) as refused:
        await set_notifications(["assigned", "spam"], slack_user_id="UBOB", sessions=sessions)
    assert refused.value.message == UNKNOWN_KIND
    with pytest.raises(UserFacingError):
        list_query("everything", THURSDAY)
    # Nothing was written by the refusals; a valid change keeps the rest.
    await choose_home_list("watched", slack_user_id="UBOB", sessions=sessions)
    saved = await set_notifications(["mentions"], slack_user_id="UBOB", sessions=sessions)
    assert saved == Preferences(False, False, False, True, "watched")
    async with sessions() as session:
        assert await PersonalRepository(session).preferences("UBOB") == saved
    await engine.dispose()
