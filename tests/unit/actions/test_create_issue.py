"""`/redmine create <word> <subject>`: an issue never lands where the person did not ask."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import respx

from bot.actions.create_issue import split_create_words
from bot.actions.errors import UserFacingError
from bot.redmine import Redmine, RedmineClient

URL = "http://redmine.test"
ONLY_PROJECT = {"id": 7, "name": "Helpdesk", "identifier": "helpdesk", "status": 1}


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, "k" * 40, backoff=0.01, max_retries=0) as client:
        yield Redmine(client)


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
