from __future__ import annotations

import pytest

from bot.actions.errors import UserFacingError
from bot.actions.log_time import NoActivity, match_activity
from bot.redmine.models import EnumerationItem

ACTIVITIES = [
    EnumerationItem(id=8, name="Design"),
    EnumerationItem(id=9, name="Development"),
    EnumerationItem(id=10, name="Quality assurance"),
    EnumerationItem(id=11, name="Quality"),
]


@pytest.mark.parametrize(
    ("rest", "activity_id", "comment"),
    [
        ("development fixed it", 9, "fixed it"),
        ("DEVELOPMENT", 9, ""),
        ("dev fixed it", 9, "fixed it"),
        ("des", 8, ""),
        ("quality assurance ran the suite", 10, "ran the suite"),
        ("quality checked", 11, "checked"),
        ("fixed the printer", None, "fixed the printer"),
        ("", None, ""),
    ],
)
def test_activity_by_whole_name_or_unambiguous_prefix(
    rest: str, activity_id: int | None, comment: str
) -> None:
    choice = match_activity(ACTIVITIES, rest)
    assert (choice.activity.id if choice.activity else None) == activity_id
    assert choice.comment == comment


def test_ambiguous_prefix_names_the_candidates() -> None:
    with pytest.raises(UserFacingError) as caught:
        match_activity(ACTIVITIES, "de stuff")
    assert (
        caught.value.message
        == "`de` could be `design`, `development`. Type more of the activity's name."
    )


def test_no_activity_lists_the_choices() -> None:
    error = NoActivity(ACTIVITIES[:2])
    assert "`design`, `development`" in error.message
    assert "/redmine log 42 1h30 design" in error.message
