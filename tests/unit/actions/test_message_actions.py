"""The message shortcuts' actions: create from a message, note, time, the pre-ack checks."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import respx

from bot.actions.ack_budget import REDMINE_SLOW, AckBudget
from bot.actions.attach_files import FILE_UNREADABLE, FoundFiles
from bot.actions.create_from_message import MessageSource, MessageThread, create_from_message
from bot.actions.issue_target import Target, check_activity, check_target
from bot.actions.message_note import add_message_note
from bot.actions.message_time import log_message_time
from bot.blocks import modals
from bot.blocks.metadata import ModalContext
from bot.config import TextFormatting
from bot.inputs.forms import IssueForm, NoteForm, TimeForm
from bot.redmine import Redmine
from bot.redmine.models import EnumerationItem, Issue
from bot.slack.messages import ThreadMessage
from bot.slack.web.files import SlackFiles
from tests.unit.actions.conftest import REDMINE, slack_file

PERMALINK = "https://example.slack.com/archives/C1/p1700000000000200"
CONTEXT = ModalContext(
    channel_id="C1", message_ts="1700000000.000200", thread_ts="1700000000.000100", in_thread=True
)
PROJECT = {"id": 7, "name": "Helpdesk", "identifier": "helpdesk", "status": 1}
ISSUE = {"id": 41, "project": {"id": 7, "name": "Helpdesk"}, "subject": "Printer jams"}


def issue_form(**changes: Any) -> IssueForm:
    fields: dict[str, Any] = {
        "context": CONTEXT,
        "project_id": 7,
        "project_label": "Helpdesk",
        "tracker_id": 1,
        "subject": "Printer jams",
        "description": "It jams on page 2.",
        "priority_id": None,
        "assignee_id": None,
        "category_id": None,
        "version_id": None,
        "custom_fields": {},
        "custom_field_labels": {},
        "checked": frozenset({modals.INCLUDE_THREAD, modals.INCLUDE_FILES}),
    }
    return IssueForm(**(fields | changes))


def redmine_creates() -> respx.Route:
    respx.get(f"{REDMINE}/projects/7.json").respond(200, json={"project": PROJECT})
    return respx.post(f"{REDMINE}/issues.json").respond(201, json={"issue": ISSUE})


@respx.mock
async def test_the_issue_takes_the_thread_the_link_and_the_files(
    redmine: Redmine, files: SlackFiles
) -> None:
    create = redmine_creates()
    respx.get("http://slack.test/files-pri/T1-F1/download/a.txt").respond(200, content=b"x")
    respx.post(f"{REDMINE}/uploads.json").respond(201, json={"upload": {"token": "1.x"}})
    # conversations.replies messages as Slack lists them (docs.slack.dev/reference/methods/
    # conversations.replies): the parent first; the shortcut's own message is skipped.
    thread = MessageThread(
        [
            ThreadMessage(ts="1700000000.000100", user_id="UANN", text="Printer on floor 2?"),
            ThreadMessage(ts="1700000000.000200", user_id="UBOB", text="It jams on page 2."),
        ],
        {"UANN": "Ann"},
    )
    source = MessageSource(
        PERMALINK, thread, FoundFiles([slack_file("a.txt")], [("F9", FILE_UNREADABLE)])
    )

    made = await create_from_message(
        redmine, files, issue_form(), source, TextFormatting.common_mark
    )

    sent = json.loads(create.calls.last.request.content)["issue"]
    assert sent["project_id"] == 7 and sent["subject"] == "Printer jams"
    assert sent["uploads"] == [{"token": "1.x", "filename": "a.txt", "content_type": "text/plain"}]
    description = sent["description"]
    assert description.startswith("It jams on page 2.\n\nFrom Slack: [message](" + PERMALINK + ")")
    assert "Ann" in description and "Printer on floor 2?" in description
    assert made.issue.id == 41 and made.attached == ["a.txt"]
    assert made.refused == [("F9", FILE_UNREADABLE)] and made.thread_problem is None


@respx.mock
async def test_an_unreadable_thread_is_reported_and_the_issue_still_made(
    redmine: Redmine, files: SlackFiles
) -> None:
    create = redmine_creates()
    source = MessageSource(thread=MessageThread(problem="Invite the bot to copy the thread."))

    made = await create_from_message(
        redmine, files, issue_form(), source, TextFormatting.common_mark
    )

    assert json.loads(create.calls.last.request.content)["issue"]["description"] == (
        "It jams on page 2."
    )
    assert made.thread_problem == "Invite the bot to copy the thread."
    assert made.attached == [] and made.refused == []


def note_form(*, private: bool = False, permalink: str | None = None) -> NoteForm:
    context = ModalContext(channel_id="C1", message_ts="1.2", permalink=permalink)
    return NoteForm(context, 41, None, "Seen on floor 2 too.", private)


@respx.mock
async def test_a_note_gets_the_link_the_form_could_not_be_prefilled_with(
    redmine: Redmine,
) -> None:
    update = respx.put(f"{REDMINE}/issues/41.json").respond(204)
    target = Target(Issue.model_validate(ISSUE), redmine)

    added = await add_message_note(
        target, note_form(private=True), PERMALINK, TextFormatting.textile
    )

    sent = json.loads(update.calls.last.request.content)["issue"]
    assert sent == {
        "notes": f'Seen on floor 2 too.\n\nFrom Slack: "message":{PERMALINK}',
        "private_notes": True,
    }
    assert added.private and added.issue.id == 41


@respx.mock
async def test_a_prefilled_note_is_written_as_the_person_left_it(redmine: Redmine) -> None:
    update = respx.put(f"{REDMINE}/issues/41.json").respond(204)
    private_issue = Issue.model_validate(ISSUE | {"is_private": True})
    form = note_form(permalink=PERMALINK)

    added = await add_message_note(
        Target(private_issue, redmine), form, PERMALINK, TextFormatting.textile
    )

    assert json.loads(update.calls.last.request.content)["issue"]["notes"] == "Seen on floor 2 too."
    assert added.private  # a private issue's note is never announced in the channel


@respx.mock
async def test_time_is_logged_with_the_forms_fields(redmine: Redmine) -> None:
    create = respx.post(f"{REDMINE}/time_entries.json").respond(
        201,
        json={
            "time_entry": {
                "id": 3,
                "project": {"id": 7, "name": "Helpdesk"},
                "hours": 1.5,
                "issue": {"id": 41},
                "spent_on": "2026-11-20",
            }
        },
    )
    form = TimeForm(CONTEXT, 41, None, Decimal("1.5"), None, 9, date(2026, 11, 20), "Fixed it")
    design = EnumerationItem(id=9, name="Design")

    logged = await log_message_time(
        Target(Issue.model_validate(ISSUE), redmine), form, Decimal("1.5"), design
    )

    assert json.loads(create.calls.last.request.content)["time_entry"] == {
        "hours": "1.5",
        "issue_id": 41,
        "activity_id": 9,
        "comments": "Fixed it",
        "spent_on": "2026-11-20",
    }
    assert logged.entry.hours == 1.5 and logged.activity == design


@respx.mock
async def test_the_target_is_the_issue_as_the_person_sees_it(redmine: Redmine) -> None:
    respx.get(f"{REDMINE}/issues/41.json").respond(200, json={"issue": ISSUE})
    errors: dict[str, str] = {}

    async def own_view() -> Redmine:
        return redmine

    target = await check_target(
        own_view, 41, errors, AckBudget.starting_now(), on_impersonation_failure=lambda: None
    )

    assert errors == {} and target is not None and target.issue.id == 41


@respx.mock
async def test_a_hidden_issue_becomes_the_fields_error(redmine: Redmine) -> None:
    respx.get(f"{REDMINE}/issues/41.json").respond(404)
    errors: dict[str, str] = {}

    async def own_view() -> Redmine:
        return redmine

    target = await check_target(
        own_view, 41, errors, AckBudget.starting_now(), on_impersonation_failure=lambda: None
    )

    assert target is None and "#41" in errors[modals.ISSUE]


async def test_a_slow_redmine_spends_the_budget_and_says_so() -> None:
    errors: dict[str, str] = {}

    async def slow_view() -> Redmine:
        await asyncio.sleep(5)
        raise AssertionError("the budget should have run out first")

    started = asyncio.get_running_loop().time()
    target = await check_target(
        slow_view, 41, errors, AckBudget.starting_now(0.05), on_impersonation_failure=lambda: None
    )

    assert target is None and errors == {modals.ISSUE: REDMINE_SLOW}
    assert asyncio.get_running_loop().time() - started < 1


async def test_an_issue_field_already_wrong_asks_nothing() -> None:
    errors = {modals.ISSUE: "Type an issue number."}

    async def no_view() -> Redmine:
        raise AssertionError("Redmine must not be asked")

    assert (
        await check_target(
            no_view, 41, errors, AckBudget.starting_now(), on_impersonation_failure=lambda: None
        )
        is None
    )
    assert errors == {modals.ISSUE: "Type an issue number."}


@respx.mock
async def test_an_activity_the_project_does_not_use_is_refused(redmine: Redmine) -> None:
    respx.get(f"{REDMINE}/projects/7.json").respond(
        200, json={"project": PROJECT | {"time_entry_activities": [{"id": 9, "name": "Design"}]}}
    )
    target = Target(Issue.model_validate(ISSUE), redmine)
    errors: dict[str, str] = {}

    assert await check_activity(target, 4, errors, AckBudget.starting_now()) is None
    assert errors == {modals.ACTIVITY: "That activity is not used in Helpdesk; choose another."}
    chosen = await check_activity(target, 9, {}, AckBudget.starting_now())
    assert chosen is not None and chosen.name == "Design"


@respx.mock
async def test_when_the_activities_cannot_be_read_redmine_judges(redmine: Redmine) -> None:
    respx.get(f"{REDMINE}/projects/7.json").mock(side_effect=httpx.ConnectError("down"))
    errors: dict[str, str] = {}
    target = Target(Issue.model_validate(ISSUE), redmine)

    assert await check_activity(target, 4, errors, AckBudget.starting_now()) is None
    assert errors == {}


@respx.mock
async def test_the_form_from_the_command_has_no_message_to_copy(
    redmine: Redmine, files: SlackFiles
) -> None:
    """`/redmine create` submits the same form with no message: only what was typed goes in."""
    create = redmine_creates()
    form = issue_form(context=ModalContext(channel_id="C1", project_id=7), checked=frozenset())

    made = await create_from_message(
        redmine, files, form, MessageSource(), TextFormatting.common_mark
    )

    assert json.loads(create.calls.last.request.content)["issue"] == {
        "project_id": 7,
        "subject": "Printer jams",
        "tracker_id": 1,
        "description": "It jams on page 2.",
    }
    assert made.attached == [] and made.refused == [] and made.thread_problem is None
