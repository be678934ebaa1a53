"""`/redmine create <word> <subject>`: an issue never lands where the person did not ask."""

from __future__ import annotations

import json

import pytest
import respx

from bot.actions.create_issue import (
    create_from_words,
    create_issue,
    split_create_words,
)
from bot.actions.errors import UserFacingError
from bot.redmine import Redmine
from bot.redmine.errors import ValidationError
from bot.redmine.models import Project
from bot.slack import limits
from tests.support.redmine_fixtures import answer

URL = "http://redmine.test"
ONLY_PROJECT = {"id": 7, "name": "Helpdesk", "identifier": "helpdesk", "status": 1}


def sees_only_helpdesk() -> None:
    respx.get(f"{URL}/projects.json").respond(
        200, json={"projects": [ONLY_PROJECT], "total_count": 1}
    )


@respx.mock
async def test_a_hidden_project_is_refused_not_taken_as_the_subject(redmine: Redmine) -> None:
    sees_only_helpdesk()
    respx.get(f"{URL}/projects/alpha.json").respond(403, json={})
    with pytest.raises(UserFacingError) as refused:
        await split_create_words(redmine, "alpha Printer jams")
    assert "cannot add issues to the project `alpha`" in refused.value.message
    assert "nothing was created" in refused.value.message


@respx.mock
async def test_a_visible_project_closed_for_issues_is_refused(redmine: Redmine) -> None:
    sees_only_helpdesk()
    respx.get(f"{URL}/projects/archive.json").respond(
        200, json={"project": {"id": 9, "name": "Archive", "identifier": "archive", "status": 5}}
    )
    with pytest.raises(UserFacingError) as refused:
        await split_create_words(redmine, "archive Old thing")
    assert "You cannot add issues to Archive" in refused.value.message


@respx.mock
async def test_a_first_word_that_is_no_project_goes_to_the_only_project(redmine: Redmine) -> None:
    sees_only_helpdesk()
    respx.get(f"{URL}/projects/printer.json").respond(404, json={})
    new = await split_create_words(redmine, "printer jams again")
    assert (new.project.id, new.subject) == (7, "printer jams again")


@respx.mock
async def test_a_word_that_cannot_be_an_identifier_is_not_looked_up(redmine: Redmine) -> None:
    sees_only_helpdesk()  # any other request would fail: respx refuses unmatched routes
    new = await split_create_words(redmine, "Printer jams")
    assert (new.project.id, new.subject) == (7, "Printer jams")


@respx.mock
async def test_the_one_liner_creates_in_the_named_project_as_asked(redmine: Redmine) -> None:
    respx.get(f"{URL}/projects.json").respond(
        200,
        json={
            "projects": [ONLY_PROJECT, {"id": 8, "name": "Ops", "identifier": "ops", "status": 1}],
            "total_count": 2,
        },
    )
    created = respx.post(f"{URL}/issues.json").respond(201, json=answer("issue__status_closed"))
    issue = await create_from_words(redmine, "ops Printer jams")
    assert json.loads(created.calls.last.request.content) == {
        "issue": {"project_id": 8, "subject": "Printer jams"}
    }
    assert issue.id == 1


@respx.mock
async def test_redmines_blank_project_answer_becomes_a_sentence_about_the_project(
    redmine: Redmine,
) -> None:
    # Redmine answers a forbidden project with these two validation messages
    # (bot/redmine/errors.py is_cannot_add_issues), which mean nothing to the person.
    respx.post(f"{URL}/issues.json").respond(
        422, json={"errors": ["Project cannot be blank", "Tracker cannot be blank"]}
    )
    with pytest.raises(UserFacingError) as refused:
        await create_issue(redmine, Project(id=7, name="Helpdesk", identifier="helpdesk"), "S")
    assert refused.value.message == (
        "You cannot add issues to Helpdesk. Ask one of its managers for a role that may add issues."
    )


@respx.mock
async def test_other_validation_errors_reach_the_person_as_redmine_said(redmine: Redmine) -> None:
    respx.post(f"{URL}/issues.json").respond(422, json={"errors": ["Due date is not a valid date"]})
    with pytest.raises(ValidationError):
        await create_issue(redmine, Project(id=7, name="Helpdesk", identifier="helpdesk"), "S")


@respx.mock
async def test_a_subject_over_redmines_limit_is_refused_before_any_write(redmine: Redmine) -> None:
    sees_only_helpdesk()
    respx.get(f"{URL}/projects/xxxx.json").respond(404, json={})
    with pytest.raises(UserFacingError) as refused:
        await create_from_words(redmine, "x" * (limits.REDMINE_SUBJECT + 1))
    assert refused.value.message == (
        "The subject is too long. Redmine takes at most 255 characters; this is 256."
    )
