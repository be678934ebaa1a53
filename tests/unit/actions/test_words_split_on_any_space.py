"""The actions that split the words after the grammar (create's project, log's activity)
split at any space, as the grammar does: a Japanese IME's full-width space U+3000 too."""

from __future__ import annotations

import pytest
import respx

from bot.actions.create_issue import split_create_words
from bot.actions.log_time import match_activity
from bot.inputs import grammar
from bot.inputs.grammar import parse
from bot.redmine import Redmine
from bot.redmine.models import EnumerationItem

IDEOGRAPHIC = "\u3000"

URL = "http://redmine.test"


@respx.mock
async def test_create_takes_the_project_before_an_ime_space(redmine: Redmine) -> None:
    respx.get(f"{URL}/projects.json").respond(
        200,
        json={
            "projects": [
                {"id": 1, "name": "Alpha", "identifier": "alpha", "status": 1},
                {"id": 2, "name": "Beta", "identifier": "beta", "status": 1},
            ],
            "total_count": 2,
        },
    )
    command = parse(f"create alpha{IDEOGRAPHIC}プリンターが{IDEOGRAPHIC}紙詰まり")
    assert isinstance(command, grammar.Create)
    new = await split_create_words(redmine, command.words)
    assert (new.project.identifier, new.subject) == ("alpha", f"プリンターが{IDEOGRAPHIC}紙詰まり")


JAPANESE_ACTIVITIES = [
    EnumerationItem(id=8, name="設計作業"),
    EnumerationItem(id=9, name="開発作業"),
]


@pytest.mark.parametrize(
    ("rest", "activity_id", "comment"),
    [
        (f"開発作業{IDEOGRAPHIC}直した", 9, "直した"),
        (f"開発{IDEOGRAPHIC}直した", 9, "直した"),  # an unambiguous prefix
        (f"設計作業\u00a0レビュー{IDEOGRAPHIC}二回目", 8, f"レビュー{IDEOGRAPHIC}二回目"),
        (f"開発作業直した{IDEOGRAPHIC}", None, "開発作業直した"),  # no space: no activity
    ],
)
def test_the_activity_ends_at_any_space(rest: str, activity_id: int | None, comment: str) -> None:
    choice = match_activity(JAPANESE_ACTIVITIES, rest)
    chosen = choice.activity.id if choice.activity else None
    assert (chosen, choice.comment) == (activity_id, comment)
