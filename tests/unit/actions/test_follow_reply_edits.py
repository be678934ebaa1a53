"""A Slack edit of a reply whose note is gone in Redmine writes nothing (respx).

Redmine 6.1 keeps a journal whose notes were emptied but leaves it out of
`include=journals`, and a PUT with notes brings it back (checked against 6.1.5; 5.0 and
6.0 answer that PUT 404): so the note is looked up before any write.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.errors import UserFacingError
from bot.actions.follow_reply_edits import (
    DELETION_GONE,
    EDIT_GONE,
    ReplyChange,
    follow_reply_change,
)
from bot.config import TextFormatting
from bot.redmine import Redmine
from bot.store.models import ImportedReply
from tests.unit.actions.conftest import REDMINE

ISSUE = {"id": 7, "subject": "S", "project": {"id": 1, "name": "Alpha"}}


def record() -> ImportedReply:
    return ImportedReply(
        channel_id="C1",
        message_ts="1.2",
        issue_id=7,
        slack_user_id="UALICE",
        redmine_user_id=5,
        note_digest="d",
        journal_id=40,
    )


class NoStore:
    """Fails the test if the action touches the store: nothing may be recorded."""

    def __call__(self) -> Any:
        raise AssertionError("the store was written")


@pytest.mark.parametrize(("text", "told"), [("edited", EDIT_GONE), (None, DELETION_GONE)])
@respx.mock
async def test_a_note_hidden_in_redmine_is_told_gone_and_not_brought_back(
    redmine: Redmine, text: str | None, told: str
) -> None:
    # The issue as 6.1 shows it after the note was emptied there: journal 40 is not listed.
    respx.get(f"{REDMINE}/issues/7.json").respond(200, json={"issue": {**ISSUE, "journals": []}})
    put = respx.put(f"{REDMINE}/journals/40.json").respond(204)
    with pytest.raises(UserFacingError) as raised:
        await follow_reply_change(
            ReplyChange("C1", "1.2", text),
            record(),
            redmine=redmine.as_user("alice"),
            sessions=cast(async_sessionmaker[AsyncSession], NoStore()),
            formatting=TextFormatting.textile,
        )
    assert str(raised.value) == told.format(issue_id=7)
    assert put.call_count == 0
