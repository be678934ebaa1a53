"""Logging time: the activity matched or checked, Redmine's fields, a warm log in one request."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import respx

from bot.actions.errors import UserFacingError
from bot.actions.log_time import (
    NoActivity,
    TimeLog,
    log_time,
    log_time_from_words,
    match_activity,
)
from bot.redmine import Redmine
from bot.redmine.models import EnumerationItem
from bot.slack import limits
from tests.support.redmine_fixtures import answer

ACTIVITIES = [
    EnumerationItem(id=8, name="Design"),
    EnumerationItem(id=9, name="Development"),
    EnumerationItem(id=10, name="Quality assurance"),
    EnumerationItem(id=11, name="Quality"),
]


@pytest.mark.parametrize(
    ("rest", "activity_id", "comment"),
    [
        ("development fixed it", 9, "fixed it"),
        ("DEVELOPMENT", 9, ""),
        ("dev fixed it", 9, "fixed it"),
        ("des", 8, ""),
        ("quality assurance ran the suite", 10, "ran the suite"),
        ("quality checked", 11, "checked"),
        ("fixed the printer", None, "fixed the printer"),
        ("", None, ""),
    ],
)
def test_activity_by_whole_name_or_unambiguous_prefix(
    rest: str, activity_id: int | None, comment: str
) -> None:
    choice = match_activity(ACTIVITIES, rest)
    assert (choice.activity.id if choice.activity else None) == activity_id
    assert choice.comment == comment


def test_ambiguous_prefix_names_the_candidates() -> None:
    with pytest.raises(UserFacingError) as caught:
        match_activity(ACTIVITIES, "de stuff")
    assert (
        caught.value.message
        == "`de` could be `design`, `development`. Type more of the activity's name."
    )


def test_no_activity_lists_the_choices() -> None:
    error = NoActivity(ACTIVITIES[:2])
    assert "`design`, `development`" in error.message
    assert "/redmine log 42 1h30 design" in error.message


# -- the action itself, against Redmine's answers (respx) ---------------------------------

URL = "http://redmine.test"
ISSUE = answer("issue__status_closed")  # issue #1 in project #1
PROJECT_ONE = f"{URL}/projects/1.json"


def project_activities_are(*activities: dict[str, object]) -> None:
    respx.get(f"{URL}/issues/1.json").respond(200, json=ISSUE)
    respx.get(PROJECT_ONE).respond(
        200,
        json={
            "project": {
                "id": 1,
                "name": "Alpha",
                "identifier": "alpha",
                "time_entry_activities": list(activities),
            }
        },
    )


def entry_written() -> respx.Route:
    return respx.post(f"{URL}/time_entries.json").respond(
        201,
        json={"time_entry": {"id": 5, "project": {"id": 1, "name": "Alpha"}, "hours": 1.5}},
    )


@respx.mock
async def test_the_named_activity_and_the_comment_are_written(redmine: Redmine) -> None:
    project_activities_are({"id": 9, "name": "Development"})
    written = entry_written()
    logged = await log_time_from_words(redmine, 1, Decimal("1.5"), "dev fixed it")
    assert json.loads(written.calls.last.request.content) == {
        "time_entry": {"hours": "1.5", "issue_id": 1, "comments": "fixed it", "activity_id": 9}
    }
    assert logged.activity is not None and logged.activity.name == "Development"
    assert logged.entry.hours == 1.5


@respx.mock
async def test_a_warm_log_writes_the_entry_with_no_other_request(redmine: Redmine) -> None:
    project_activities_are({"id": 9, "name": "Development"})
    written = entry_written()
    await log_time_from_words(redmine, 1, Decimal("1"), "development")
    before = len(respx.calls)
    await log_time_from_words(redmine, 1, Decimal("2"), "development again")
    assert len(respx.calls) - before == 1
    assert written.call_count == 2


@respx.mock
async def test_no_activity_and_no_default_is_refused_before_any_write(redmine: Redmine) -> None:
    project_activities_are({"id": 9, "name": "Development"}, {"id": 8, "name": "Design"})
    written = entry_written()
    with pytest.raises(NoActivity) as refused:
        await log_time_from_words(redmine, 1, Decimal("1"), "fixed the printer")
    assert "Choices: `development`, `design`." in refused.value.message
    assert written.call_count == 0


@respx.mock
async def test_an_activity_id_the_project_does_not_use_is_refused(redmine: Redmine) -> None:
    project_activities_are({"id": 9, "name": "Development"})
    written = entry_written()
    with pytest.raises(UserFacingError) as refused:
        await log_time(redmine, TimeLog(1, Decimal("1"), activity_id=4))
    assert refused.value.message == (
        "That activity is not used in the issue's project; choose another."
    )
    assert written.call_count == 0


@respx.mock
async def test_a_form_entry_keeps_its_date_and_a_long_comment_is_cut(redmine: Redmine) -> None:
    project_activities_are({"id": 9, "name": "Development"})
    written = entry_written()
    log = TimeLog(1, Decimal("0.25"), 9, "x" * 2000, spent_on=date(2026, 11, 20))
    await log_time(redmine, log)
    sent = json.loads(written.calls.last.request.content)["time_entry"]
    assert (sent["spent_on"], sent["activity_id"], len(sent["comments"])) == (
        "2026-11-20",
        9,
        limits.REDMINE_TIME_COMMENT,
    )


@respx.mock
async def test_redmines_default_activity_is_left_to_redmine(redmine: Redmine) -> None:
    project_activities_are({"id": 9, "name": "Development", "is_default": True})
    written = entry_written()
    logged = await log_time_from_words(redmine, 1, Decimal("1"), "fixed the printer")
    sent = json.loads(written.calls.last.request.content)["time_entry"]
    assert "activity_id" not in sent and sent["comments"] == "fixed the printer"
    assert logged.activity is None


@respx.mock
async def test_a_project_without_its_own_list_uses_the_global_activities(
    redmine: Redmine,
) -> None:
    project_activities_are()
    respx.get(f"{URL}/enumerations/time_entry_activities.json").respond(
        200,
        json={
            "time_entry_activities": [
                {"id": 3, "name": "Support", "active": True},
                {"id": 4, "name": "Sunset", "active": False},
            ]
        },
    )
    entry_written()
    logged = await log_time_from_words(redmine, 1, Decimal("1"), "su call")
    assert logged.activity is not None and logged.activity.id == 3
