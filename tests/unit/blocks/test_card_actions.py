"""The card's reference to its issue: written by us, read back strictly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.blocks.card_actions import CARD_ACTIONS, CardRef, card_actions
from bot.redmine.models import Issue

ISSUE = Issue.model_validate(
    {
        "id": 42,
        "project": {"id": 1, "name": "Alpha"},
        "subject": "Printer jams",
        "updated_on": "2026-11-23T10:00:00Z",
    }
)


def test_a_ref_round_trips_with_the_issue_and_when_it_was_drawn() -> None:
    drawn = int(datetime(2026, 11, 23, 10, tzinfo=UTC).timestamp())
    actions = card_actions(ISSUE)
    assert actions["block_id"] == f"card.42.{drawn}"
    assert CardRef.decode(actions["block_id"]) == CardRef(42, drawn)
    assert [e["action_id"] for e in actions["elements"]] == list(CARD_ACTIONS)


@pytest.mark.parametrize(
    "forged", ["", "card.42", "card.x.1", "card.42.1.2", "card.-1.5", "card.٤٢.1", "x" * 300]
)
def test_anything_we_did_not_write_is_no_ref(forged: str) -> None:
    assert CardRef.decode(forged) is None


def watch_button(watching: bool | None) -> str:
    elements = card_actions(ISSUE, watching=watching)["elements"]
    [label] = [e["text"]["text"] for e in elements if e["action_id"] == "issue_watch"]
    return str(label)


def test_the_watch_button_says_what_a_click_does_where_that_is_known() -> None:
    assert watch_button(None) == "Watch / Unwatch"  # a card many people see
    assert watch_button(False) == "Watch"
    assert watch_button(True) == "Unwatch"
