"""Workflow steps' actions against respx: every name resolved before the one write, and a
refusal ends in a sentence that says nothing was written.

The integration tests (tests/integration/steps/) run them against a real Redmine; these
hold the edges a real Redmine is slow to reach.
"""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
import respx

from bot.actions.errors import UserFacingError
from bot.actions.workflow_steps import add_note_step, create_issue_step
from bot.config import TextFormatting
from bot.i18n import translator_for, using
from bot.inputs.steps import CreateIssueStep, NoteStep
from bot.people.identity import IdentityResolver
from bot.redmine import Redmine

URL = "http://redmine.test"
PROJECT = {
    "id": 7,
    "name": "Helpdesk",
    "identifier": "helpdesk",
    "status": 1,
    "trackers": [{"id": 1, "name": "Bug"}, {"id": 3, "name": "Support"}],
}
NO_PEOPLE = cast(IdentityResolver, object())  # a step without an assignee asks nobody


def sees_helpdesk() -> None:
    respx.get(f"{URL}/projects.json").respond(200, json={"projects": [PROJECT], "total_count": 1})
    respx.get(f"{URL}/projects/7.json").respond(200, json={"project": PROJECT})


@respx.mock
async def test_names_are_matched_as_redmine_spells_them_and_sent_as_ids(
    redmine: Redmine,
) -> None:
    sees_helpdesk()
    respx.get(f"{URL}/enumerations/issue_priorities.json").respond(
        200, json={"issue_priorities": [{"id": 4, "name": "High", "active": True}]}
    )
    created = respx.post(f"{URL}/issues.json").respond(
        201, json={"issue": {"id": 42, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Jam"}}
    )
    step = CreateIssueStep(
        person="U1",
        project="HELPDESK",
        subject="Jam",
        tracker="support",
        priority="high",
        due_date=None,
    )
    issue = await create_issue_step(redmine, NO_PEOPLE, step, TextFormatting.textile)
    assert issue.id == 42
    body: dict[str, Any] = json.loads(created.calls.last.request.content)
    assert body == {"issue": {"project_id": 7, "subject": "Jam", "tracker_id": 3, "priority_id": 4}}


@respx.mock
async def test_an_unknown_priority_is_refused_before_anything_is_written(
    redmine: Redmine,
) -> None:
    sees_helpdesk()
    respx.get(f"{URL}/enumerations/issue_priorities.json").respond(
        200, json={"issue_priorities": [{"id": 4, "name": "High", "active": True}]}
    )
    written = respx.post(f"{URL}/issues.json")
    step = CreateIssueStep(person="U1", project="helpdesk", subject="Jam", priority="Urgent")
    with pytest.raises(UserFacingError) as refused:
        await create_issue_step(redmine, NO_PEOPLE, step, TextFormatting.textile)
    assert refused.value.message == (
        "Redmine has no priority “Urgent”. Its priorities: “High”. Nothing was written in Redmine."
    )
    assert not written.called


@respx.mock
async def test_a_note_whose_journal_cannot_be_read_back_still_succeeds(redmine: Redmine) -> None:
    issue = {"id": 42, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Jam"}
    respx.get(f"{URL}/issues/42.json", params={"include": "journals"}).respond(503)
    respx.get(f"{URL}/issues/42.json").respond(200, json={"issue": issue})
    written = respx.put(f"{URL}/issues/42.json").respond(204)
    added = await add_note_step(
        redmine, 5, NoteStep("U1", 42, "Toner *replaced*"), TextFormatting.textile
    )
    assert written.called and added.journal_id is None  # written: only its link is lost


@respx.mock
async def test_a_refusal_is_said_in_the_language_the_step_speaks(redmine: Redmine) -> None:
    # Slack passes a step's error on to the person through a Slackbot message
    # (docs.slack.dev/reference/methods/functions.completeError): it is read, so translated.
    sees_helpdesk()
    written = respx.post(f"{URL}/issues.json")
    step = CreateIssueStep(person="U1", project="helpdesk", subject="Jam", tracker="Feature")
    with using(translator_for("ja")), pytest.raises(UserFacingError) as refused:
        await create_issue_step(redmine, NO_PEOPLE, step, TextFormatting.textile)
    assert refused.value.message == (
        "Helpdesk には「Feature」というトラッカーがありません。"
        "このプロジェクトのトラッカー: “Bug”, “Support”。Redmine には何も書き込んでいません。"
    )
    # A refusal found before the write (here Redmine's 404) says so in the same language.
    respx.get(f"{URL}/issues/42.json").respond(404)
    with using(translator_for("de")), pytest.raises(UserFacingError) as refused:
        await add_note_step(redmine, 5, NoteStep("U1", 42, "x"), TextFormatting.textile)
    assert refused.value.message.endswith(" In Redmine wurde nichts geschrieben.")
    assert "Nothing" not in refused.value.message
    assert not written.called
