"""Editing a note: `PUT /journals/:id.json` as the acting user (Redmine 5.0+)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from bot.redmine import Redmine, RedmineClient
from bot.redmine.errors import ForbiddenError

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.0, max_retries=0) as client:
        yield Redmine(client)


@respx.mock
async def test_update_notes_puts_the_journal_as_the_person(redmine: Redmine) -> None:
    route = respx.put(f"{URL}/journals/77.json").mock(return_value=httpx.Response(204))
    await redmine.as_user("bob").journals.update_notes(77, "new *words*")
    request = route.calls.last.request
    assert json.loads(request.content) == {"journal": {"notes": "new *words*"}}
    assert request.headers["X-Redmine-Switch-User"] == "bob"


@respx.mock
async def test_a_refused_edit_is_a_forbidden_error(redmine: Redmine) -> None:
    respx.put(f"{URL}/journals/77.json").mock(return_value=httpx.Response(403))
    with pytest.raises(ForbiddenError):
        await redmine.as_user("bob").journals.update_notes(77, "")
