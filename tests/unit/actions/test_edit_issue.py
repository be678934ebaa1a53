"""Editing from a card: only what the person changed is sent, and what Redmine kept
(safe attributes: a field the role may not change is dropped with a 204) is told."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import respx

from bot.actions.card import StaleCard
from bot.actions.edit_issue import (
    apply_edit,
    check_edit,
    kept_sentence,
    tracker_fields,
    wanted_fields,
)
from bot.actions.errors import UserFacingError
from bot.blocks.card_actions import CardRef
from bot.blocks.metadata import ModalContext
from bot.inputs.forms import EditForm
from bot.redmine import Redmine
from bot.redmine.models import Issue, Tracker

URL = "http://redmine.test"
UPDATED = "2026-11-23T10:00:00Z"
DRAWN = CardRef(42, 1795428000)  # UPDATED in Unix seconds

ISSUE: dict[str, Any] = {
    "id": 42,
    "project": {"id": 1, "name": "Alpha"},
    "tracker": {"id": 1, "name": "Bug"},
    "subject": "Printer jams",
    "status": {"id": 1, "name": "New"},
    "priority": {"id": 2, "name": "Normal"},
    "assigned_to": {"id": 5, "name": "Bob Baker"},
    "due_date": "2026-12-24",
    "done_ratio": 0,
    "updated_on": UPDATED,
    "allowed_statuses": [{"id": 1, "name": "New"}, {"id": 2, "name": "In Progress"}],
}


def form(**fields: Any) -> EditForm:
    given: dict[str, Any] = {
        "status_id": 1,
        "assignee_id": 5,
        "priority_id": 2,
        "due_date": date(2026, 12, 24),
        "no_due_date": False,
        "done_ratio": 0,
    }
    return EditForm(context=ModalContext(), **{**given, **fields})


def test_a_form_left_alone_wants_nothing() -> None:
    assert wanted_fields(Issue.model_validate(ISSUE), form()) == {}


def test_only_changed_fields_are_wanted_in_redmines_terms() -> None:
    issue = Issue.model_validate(ISSUE)
    wanted = wanted_fields(issue, form(status_id=2, assignee_id=0, done_ratio=50))
    assert wanted == {"status_id": 2, "assigned_to_id": "", "done_ratio": 50}
    assert wanted_fields(issue, form(no_due_date=True)) == {"due_date": ""}
    assert wanted_fields(issue, form(due_date=date(2027, 1, 2))) == {"due_date": "2027-01-02"}
    # No choice sent (a value Slack would never send) leaves the field alone.
    assert wanted_fields(issue, form(status_id=None, priority_id=None, due_date=None)) == {}


@respx.mock
async def test_a_change_since_the_form_was_drawn_is_stale(redmine: Redmine) -> None:
    later = {**ISSUE, "updated_on": "2026-11-23T10:00:05Z"}
    respx.get(f"{URL}/issues/42.json").respond(200, json={"issue": later})
    with pytest.raises(StaleCard):
        await check_edit(redmine, DRAWN, form(priority_id=3))


@respx.mock
async def test_a_status_outside_the_workflow_is_refused_before_writing(redmine: Redmine) -> None:
    respx.get(f"{URL}/issues/42.json").respond(200, json={"issue": ISSUE})
    written = respx.put(f"{URL}/issues/42.json").respond(204)
    with pytest.raises(UserFacingError, match="workflow"):
        await check_edit(redmine, DRAWN, form(status_id=5))
    assert not written.called


@respx.mock
async def test_what_redmine_kept_is_told_and_what_it_took_is_not_claimed_otherwise(
    redmine: Redmine,
) -> None:
    after = {**ISSUE, "status": {"id": 2, "name": "In Progress"}}  # priority dropped
    respx.get(f"{URL}/issues/42.json").respond(200, json={"issue": after})
    written = respx.put(f"{URL}/issues/42.json").respond(204)
    edited = await apply_edit(redmine, 42, {"status_id": 2, "priority_id": 3})
    assert json.loads(written.calls.last.request.content) == {
        "issue": {"status_id": 2, "priority_id": 3}
    }
    assert (edited.changed, edited.kept) == (["status"], ["priority"])
    assert kept_sentence(edited) == (
        "Redmine changed the status of #42 but kept its priority: your role in Alpha, its "
        "workflow or the Bug tracker does not allow changing it."
    )


@respx.mock
async def test_nothing_to_change_writes_nothing(redmine: Redmine) -> None:
    written = respx.put(f"{URL}/issues/42.json").respond(204)
    with pytest.raises(UserFacingError, match="nothing was changed"):
        await apply_edit(redmine, 42, {})
    assert not written.called


def test_the_trackers_fields_are_read_only_where_redmine_lists_them() -> None:
    issue = Issue.model_validate(ISSUE)  # a Bug
    listed = Tracker.model_validate(
        {"id": 1, "name": "Bug", "enabled_standard_fields": ["due_date"]}
    )
    assert tracker_fields([listed], issue) == frozenset({"due_date"})
    older = Tracker.model_validate({"id": 1, "name": "Bug"})  # Redmine before 5.0
    assert tracker_fields([older], issue) is None
    assert tracker_fields([], issue) is None
