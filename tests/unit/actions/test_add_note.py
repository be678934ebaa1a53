"""Adding a note: Slack's mrkdwn becomes Redmine's markup; an empty note is never sent."""

from __future__ import annotations

import json

import pytest
import respx

from bot.actions.add_note import add_note, add_slack_note
from bot.actions.errors import UserFacingError
from bot.config import TextFormatting
from bot.redmine import Redmine

URL = "http://redmine.test"


@respx.mock
async def test_a_slack_note_reaches_redmine_in_its_markup_with_mentions_named(
    redmine: Redmine,
) -> None:
    updated = respx.put(f"{URL}/issues/42.json").respond(204)
    await add_slack_note(
        redmine,
        42,
        "*done*, thanks <@U123>",
        formatting=TextFormatting.common_mark,
        names={"U123": "Alice Archer"},
    )
    assert json.loads(updated.calls.last.request.content) == {
        "issue": {"notes": "**done**, thanks @Alice Archer", "private_notes": False}
    }


@respx.mock
async def test_a_private_note_is_marked_private(redmine: Redmine) -> None:
    updated = respx.put(f"{URL}/issues/42.json").respond(204)
    await add_note(redmine, 42, "internal", private=True)
    assert json.loads(updated.calls.last.request.content)["issue"]["private_notes"] is True


@respx.mock(assert_all_called=False)
async def test_an_empty_note_is_refused_and_nothing_is_sent(redmine: Redmine) -> None:
    updated = respx.put(f"{URL}/issues/42.json").respond(204)
    with pytest.raises(UserFacingError) as refused:
        await add_slack_note(redmine, 42, "  \n ", formatting=TextFormatting.textile, names={})
    assert refused.value.message == "The note is empty."
    assert updated.call_count == 0
