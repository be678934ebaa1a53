"""Ids Redmine would not name are worded when read, in the reader's language: the names
cache is shared by every channel and DM, so it must hold no language of its own."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.i18n import translator_for, using
from bot.notify.names import RedmineNames
from bot.redmine.errors import RedmineError
from bot.redmine.models import Issue


def refused(path: str) -> RedmineError:
    return RedmineError("forbidden", method="GET", path=path, status=403)


class Redmine:
    """Alice (5) is readable; user 9 is not, and only an admin may list custom fields."""

    def __init__(self) -> None:
        self.issue_statuses = SimpleNamespace(all=self.none)
        self.trackers = SimpleNamespace(all=self.none)
        self.enumerations = SimpleNamespace(priorities=self.none)
        self.custom_fields = SimpleNamespace(all=self.no_custom_fields)
        self.users = SimpleNamespace(get=self.user)

    async def none(self) -> list[Any]:
        return []

    async def no_custom_fields(self) -> list[Any]:
        raise refused("/custom_fields.json")

    async def user(self, user_id: int) -> Any:
        if user_id == 5:
            return SimpleNamespace(name="Alice Archer")
        raise refused(f"/users/{user_id}.json")


def reassigned() -> Issue:
    return Issue.model_validate(
        {
            "id": 42,
            "project": {"id": 1, "name": "Alpha"},
            "subject": "Export stalls",
            "journals": [
                {
                    "id": 7,
                    "details": [
                        {
                            "property": "attr",
                            "name": "assigned_to_id",
                            "old_value": "9",
                            "new_value": "5",
                        },
                        {"property": "cf", "name": "3", "old_value": "a", "new_value": "b"},
                    ],
                }
            ],
        }
    )


async def test_unnamed_ids_are_worded_in_each_readers_language() -> None:
    names = RedmineNames(Redmine())  # type: ignore[arg-type]
    await names.prepare([reassigned()])  # read once, in no language
    said = {}
    for locale in ("ja-JP", "de-DE", "en"):
        with using(translator_for(locale)):
            said[locale] = (
                names.user("9"),
                names.user("5"),
                names.version("4"),  # never prepared
                names.custom_field("3"),
            )
    assert said == {
        "ja-JP": ("ユーザー #9", "Alice Archer", "バージョン #4", "カスタムフィールド 3"),
        "de-DE": ("Benutzer #9", "Alice Archer", "Version #4", "Benutzerdefiniertes Feld 3"),
        "en": ("user #9", "Alice Archer", "version #4", "Custom field 3"),
    }
    assert names.user(None) == "" and names.project("") == ""
