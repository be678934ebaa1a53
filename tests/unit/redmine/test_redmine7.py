"""What Redmine 7.0 answers differently from 6.1, for what this app reads and writes.

Redmine 7.0 needs Rails 8.1, which Debian does not package yet, so it cannot run here;
these answers are written from redmine/redmine's 7.0-stable branch (the REST views
app/views/**/*.api.rsb, app/controllers/application_controller.rb, groups_controller.rb,
config/routes.rb), compared with 6.1-stable. The list with what the app does about each
is in docs/redmine.md ("Redmine 7.0").
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from bot.actions.errors import describe
from bot.actions.issue_form import required_custom_fields
from bot.redmine import Redmine, RedmineClient
from bot.redmine.errors import AuthenticationError
from bot.redmine.models import Project

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, max_retries=0) as client:
        yield Redmine(client)


@respx.mock
async def test_a_refused_key_without_www_authenticate_is_still_a_refused_key(
    redmine: Redmine,
) -> None:
    # 7.0's ApplicationController#require_login answers an API request that carried a
    # key with a bare 401; 6.1 added `WWW-Authenticate: Basic realm="Redmine API"`.
    respx.get(f"{URL}/users/current.json").mock(return_value=httpx.Response(401))
    with pytest.raises(AuthenticationError) as raised:
        await redmine.users.current()
    assert "API key" in describe(raised.value)


# 7.0's custom_fields/index.api.rsb adds `is_for_all`, the `projects` of an issue field,
# `default_value_mode` for date fields, and writes the stored default_value as it is.
SEVEN_DEFINITIONS = {
    "custom_fields": [
        {
            "id": 1,
            "name": "Customer",
            "customized_type": "issue",
            "field_format": "string",
            "is_required": True,
            "is_for_all": False,
            "default_value": "",
            "visible": True,
            "projects": [{"id": 1, "name": "Alpha"}],
            "trackers": [{"id": 1, "name": "Bug"}],
            "roles": [],
        },
        {
            "id": 2,
            "name": "Deadline",
            "customized_type": "issue",
            "field_format": "date",
            "is_required": True,
            "is_for_all": True,
            "default_value": None,
            "default_value_mode": "fixed_date",
            "visible": True,
            "projects": [],
            "trackers": [{"id": 2, "name": "Feature"}],
            "roles": [],
        },
    ]
}


@respx.mock
async def test_custom_field_definitions_with_7_0s_new_keys_pick_the_same_required_fields(
    redmine: Redmine,
) -> None:
    respx.get(f"{URL}/custom_fields.json").mock(
        return_value=httpx.Response(200, json=SEVEN_DEFINITIONS)
    )
    alpha = Project.model_validate(
        {
            "id": 1,
            "name": "Alpha",
            "identifier": "alpha",
            "issue_custom_fields": [{"id": 1, "name": "Customer"}, {"id": 2, "name": "Deadline"}],
        }
    )
    required = await required_custom_fields(redmine, alpha, tracker_id=1)
    assert [(f.id, f.name, f.default_value) for f in required] == [(1, "Customer", "")]
    for_features = await required_custom_fields(redmine, alpha, tracker_id=2)
    assert [(f.id, f.field_format) for f in for_features] == [(2, "date")]


@respx.mock
async def test_removing_a_group_member_uses_the_route_every_version_serves(
    redmine: Redmine,
) -> None:
    # 7.0 adds DELETE /groups/:id/users.json?user_ids=... and deprecates (until 8.0) the
    # per-user route, which 5.0 to 7.0 all route: the adapter keeps that one.
    removed = respx.delete(f"{URL}/groups/7/users/5.json").mock(return_value=httpx.Response(204))
    await redmine.groups.remove_user(7, 5)
    assert removed.called
