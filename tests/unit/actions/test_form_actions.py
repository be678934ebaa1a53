"""`/redmine create`'s form and `connect`'s key, as actions."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.connect_form import connect_in_time
from bot.actions.create_issue_form import PROJECT_GONE, create_from_form
from bot.actions.errors import UserFacingError
from bot.blocks.metadata import ModalContext
from bot.config import TextFormatting
from bot.forms import ConnectForm, CreateIssueForm
from bot.identity import KEY_REJECTED, IdentityResolver
from bot.redmine import Redmine
from tests.unit.actions.conftest import REDMINE

PROJECT = {"id": 7, "name": "Helpdesk", "identifier": "helpdesk", "status": 1}
ISSUE = {"id": 41, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Printer jams"}


def create_form(project_id: int = 7, description: str = "") -> CreateIssueForm:
    return CreateIssueForm(
        ModalContext(channel_id="C1", project_id=project_id),
        project_id=project_id,
        tracker_id=None,
        subject="Printer jams",
        description=description,
        priority_id=4,
        assignee_id=None,
    )


def sees_helpdesk() -> None:
    respx.get(f"{REDMINE}/projects.json").respond(
        200, json={"projects": [PROJECT], "total_count": 1}
    )


@respx.mock
async def test_the_form_becomes_an_issue_in_redmines_markup(redmine: Redmine) -> None:
    sees_helpdesk()
    create = respx.post(f"{REDMINE}/issues.json").respond(201, json={"issue": ISSUE})

    issue = await create_from_form(
        redmine, create_form(description="*urgent*"), TextFormatting.textile
    )

    assert issue.id == 41
    assert json.loads(create.calls.last.request.content)["issue"] == {
        "project_id": 7,
        "subject": "Printer jams",
        "description": "*urgent*",
        "priority_id": 4,
    }


@respx.mock
async def test_a_project_no_longer_visible_is_refused_before_writing(redmine: Redmine) -> None:
    sees_helpdesk()
    create = respx.post(f"{REDMINE}/issues.json").respond(201, json={"issue": ISSUE})

    with pytest.raises(UserFacingError) as refused:
        await create_from_form(redmine, create_form(project_id=8), TextFormatting.textile)

    assert refused.value.message == PROJECT_GONE and create.call_count == 0


def resolver(redmine: Redmine) -> IdentityResolver:
    # A refused or late key never reaches the store, so none is given.
    no_store: Any = None
    return IdentityResolver(
        redmine=redmine, slack=no_store, sessions=no_store, admin_mode=True, secret_key=None
    )


@respx.mock
async def test_a_key_redmine_refuses_is_the_fields_answer(redmine: Redmine) -> None:
    respx.get(f"{REDMINE}/my/account.json").respond(401)

    with pytest.raises(UserFacingError) as refused:
        await connect_in_time(
            resolver(redmine), "UBOB", ConnectForm("0" * 40), AckBudget.starting_now()
        )

    assert refused.value.message == KEY_REJECTED


@respx.mock
async def test_a_slow_redmine_answers_inside_the_budget(redmine: Redmine) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(2)
        return httpx.Response(200, json={"user": {"id": 5, "login": "bob"}})

    respx.get(f"{REDMINE}/my/account.json").mock(side_effect=slow)
    started = asyncio.get_running_loop().time()

    with pytest.raises(UserFacingError) as late:
        await connect_in_time(
            resolver(redmine), "UBOB", ConnectForm("0" * 40), AckBudget.starting_now(0.1)
        )

    assert late.value.message == REDMINE_SLOW
    assert asyncio.get_running_loop().time() - started < 1
