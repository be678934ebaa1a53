"""`connect`'s key, checked inside the submission's budget."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import respx

from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.connect import connect_in_time
from bot.actions.errors import UserFacingError
from bot.inputs.forms import ConnectForm
from bot.people.identity import KEY_REJECTED, IdentityResolver
from bot.redmine import Redmine
from tests.unit.actions.conftest import REDMINE

PROJECT = {"id": 7, "name": "Helpdesk", "identifier": "helpdesk", "status": 1}
ISSUE = {"id": 41, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Printer jams"}


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
