"""Redmine 7.0's REST answers where they differ from 6.1, for what this app reads (respx).

7.0 needs Rails 8.1, which no Debian suite packages yet, so it cannot run here; the
answers below follow redmine/redmine 7.0-stable's API views, diffed against 6.1-stable
(`git diff 6.1-stable 7.0-stable -- 'app/views/**/*.api.rsb'` touches only these):

- app/views/custom_fields/index.api.rsb: `is_for_all`, `projects` (issue fields),
  `roles` for time entry, project and version fields too, `default_value` as stored and
  `default_value_mode` for date fields;
- app/views/wiki/index.api.rsb and wiki/show.api.rsb: each page carries its `project`;
- app/controllers/application_controller.rb: a request that sent an API key and is
  refused gets 401 without `WWW-Authenticate` (6.1 sends `Basic realm="Redmine API"`).

Issues, journals, users, time entries, projects and uploads render as on 6.1. What 7.0
changes in behaviour (trackers private by default) is in
tests/unit/handlers/test_private_create.py; its webhooks in tests/unit/notify/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from bot.actions.issue_form import required_custom_fields
from bot.redmine import Redmine, RedmineClient
from bot.redmine.errors import AuthenticationError, user_message
from bot.redmine.models import Project

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"

CUSTOM_FIELDS_7 = {
    "custom_fields": [
        {
            "id": 3,
            "name": "Severity",
            "customized_type": "issue",
            "field_format": "list",
            "regexp": "",
            "min_length": None,
            "max_length": None,
            "is_required": True,
            "is_for_all": False,
            "is_filter": True,
            "searchable": False,
            "multiple": False,
            "default_value": "",
            "visible": True,
            "editable": True,
            "possible_values": [
                {"value": "Low", "label": "Low"},
                {"value": "High", "label": "High"},
            ],
            "projects": [{"id": 1, "name": "Alpha"}],
            "trackers": [{"id": 1, "name": "Bug"}],
            "roles": [],
        },
        {
            "id": 4,
            "name": "Found on",
            "customized_type": "issue",
            "field_format": "date",
            "is_required": True,
            "is_for_all": True,
            "multiple": False,
            "default_value": "",
            "default_value_mode": "current_date",
            "visible": True,
            "projects": [],
            "trackers": [{"id": 2, "name": "Feature"}],
            "roles": [],
        },
        {
            "id": 9,
            "name": "Billable",
            "customized_type": "time_entry",
            "field_format": "bool",
            "is_required": False,
            "multiple": False,
            "default_value": "1",
            "visible": True,
            "roles": [{"id": 4, "name": "Developer"}],
        },
    ]
}


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.0, max_retries=0) as client:
        yield Redmine(client)


@respx.mock
async def test_custom_field_definitions_of_7_are_read_with_their_projects(
    redmine: Redmine,
) -> None:
    respx.get(f"{URL}/custom_fields.json").respond(200, json=CUSTOM_FIELDS_7)
    severity, found_on, billable = await redmine.custom_fields.all()
    assert (severity.is_for_all, [p.id for p in severity.projects]) == (False, [1])
    assert (found_on.is_for_all, found_on.projects) == (True, [])
    assert [r.name for r in billable.roles] == ["Developer"]  # 7.0 lists roles here too
    assert found_on.default_value == ""  # stored value; the mode is 7.0's own field
    assert (found_on.model_extra or {})["default_value_mode"] == "current_date"


@respx.mock
async def test_the_issue_form_asks_for_7s_required_fields_as_for_6s(redmine: Redmine) -> None:
    respx.get(f"{URL}/custom_fields.json").respond(200, json=CUSTOM_FIELDS_7)
    alpha = Project.model_validate(
        {
            "id": 1,
            "name": "Alpha",
            "identifier": "alpha",
            "issue_custom_fields": [{"id": 3, "name": "Severity"}, {"id": 4, "name": "Found on"}],
        }
    )
    bug = [cf.name for cf in await required_custom_fields(redmine, alpha, 1)]
    feature = [cf.name for cf in await required_custom_fields(redmine, alpha, 2)]
    assert (bug, feature) == (["Severity"], ["Found on"])


@respx.mock
async def test_wiki_pages_of_7_carry_their_project(redmine: Redmine) -> None:
    project = {"id": 1, "name": "Alpha"}
    respx.get(f"{URL}/projects/alpha/wiki/index.json").respond(
        200,
        json={"wiki_pages": [{"title": "Start", "version": 2, "project": project}]},
    )
    respx.get(f"{URL}/projects/alpha/wiki/Start.json").respond(
        200,
        json={
            "wiki_page": {
                "title": "Start",
                "text": "h1. Start",
                "version": 2,
                "author": {"id": 5, "name": "Alice Archer"},
                "comments": "",
                "project": project,
                "created_on": "2026-07-01T10:00:00Z",
                "updated_on": "2026-07-02T10:00:00Z",
            }
        },
    )
    [entry] = await redmine.wiki.index("alpha")
    page = await redmine.wiki.get("alpha", "Start")
    assert entry.project is not None and entry.project.name == "Alpha"
    assert page.project is not None and page.project.id == 1 and page.text == "h1. Start"


@pytest.mark.parametrize(
    "headers",
    [{"WWW-Authenticate": 'Basic realm="Redmine API"'}, {}],
    ids=["6.1", "7.0"],
)
@respx.mock
async def test_a_refused_key_is_an_authentication_error_with_or_without_a_challenge(
    redmine: Redmine, headers: dict[str, str]
) -> None:
    respx.get(f"{URL}/users/current.json").mock(return_value=httpx.Response(401, headers=headers))
    with pytest.raises(AuthenticationError) as raised:
        await redmine.users.current()
    assert user_message(raised.value).startswith("Redmine did not accept the bot's API key")


@respx.mock
async def test_removing_a_group_member_uses_the_route_every_version_serves(
    redmine: Redmine,
) -> None:
    # 7.0 adds DELETE /groups/:id/users.json?user_ids=... and deprecates (until 8.0) the
    # per-user route (groups_controller.rb, config/routes.rb), which 5.0 to 7.0 all route:
    # the adapter keeps that one.
    removed = respx.delete(f"{URL}/groups/7/users/5.json").mock(return_value=httpx.Response(204))
    await redmine.groups.remove_user(7, 5)
    assert removed.called
