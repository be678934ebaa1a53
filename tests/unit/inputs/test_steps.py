"""Workflow steps' inputs read into typed steps; what a workflow author got wrong, refused.

The inputs arrive flat, keyed by the names the manifest declares, as in bolt-python's
tests/scenario_tests_async/test_function.py (`"inputs": {"stringToReverse": "hello"}`);
a `slack#/types/user_id` is a user id string and a `slack#/types/date` a YYYY-MM-DD one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot.i18n import translator_for, using
from bot.inputs.grammar import UsageError
from bot.inputs.steps import CreateIssueStep, NoteStep, TimeStep


def test_a_create_step_reads_every_input() -> None:
    step = CreateIssueStep.from_inputs(
        {
            "person": "U123",
            "project": " helpdesk ",
            "tracker": "Bug",
            "subject": "Printer\njams  again",
            "description": "It *smokes*",
            "assignee": "W456",
            "priority": "High",
            "due_date": "2026-12-24",
        }
    )
    assert step == CreateIssueStep(
        person="U123",
        project="helpdesk",
        subject="Printer jams again",
        tracker="Bug",
        description="It *smokes*",
        assignee="W456",
        priority="High",
        due_date=date(2026, 12, 24),
    )


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"project": "alpha", "subject": "x"}, "needs the person it acts as"),
        ({"person": "alice", "project": "alpha", "subject": "x"}, "is not a Slack user"),
        ({"person": "U1", "subject": "x"}, "needs a project"),
        ({"person": "U1", "project": "  ", "subject": "x"}, "needs a project"),
        ({"person": "U1", "project": "alpha"}, "needs a subject"),
        ({"person": "U1", "project": "alpha", "subject": "x" * 256}, "Subject"),
        ({"person": "U1", "project": "alpha", "subject": "x", "due_date": "soon"}, "not a date"),
        (
            {"person": "U1", "project": "alpha", "subject": "x", "assignee": "<@U2>"},
            "“Assignee” input is not a Slack user",
        ),
    ],
)
def test_a_create_step_refuses_what_it_cannot_use(inputs: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as refused:
        CreateIssueStep.from_inputs(inputs)
    assert words in refused.value.message
    assert refused.value.message.endswith("Nothing was written in Redmine.")


def test_a_note_step_takes_issue_numbers_as_people_write_them() -> None:
    step = NoteStep.from_inputs(
        {"person": "U1", "issue_id": "#42", "text": "done", "private": True}
    )
    assert step == NoteStep("U1", 42, "done", private=True)
    assert NoteStep.from_inputs({"person": "U1", "issue_id": 7, "text": "x"}).private is False


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"person": "U1", "text": "x"}, "needs an issue: set its “Issue” input"),
        ({"person": "U1", "issue_id": "forty-two", "text": "x"}, "`forty-two`, is not an issue"),
        ({"person": "U1", "issue_id": "42", "text": "  "}, "“Note” input is empty"),
    ],
)
def test_a_note_step_refuses_what_it_cannot_use(inputs: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError) as refused:
        NoteStep.from_inputs(inputs)
    assert words in refused.value.message


def test_a_time_step_reads_hours_as_the_command_does() -> None:
    step = TimeStep.from_inputs(
        {
            "person": "U1",
            "issue_id": "42",
            "hours": "1h30",
            "activity": "Design",
            "comment": "sketches",
            "date": "2026-12-01",
        }
    )
    assert step == TimeStep("U1", 42, Decimal("1.50"), "Design", "sketches", date(2026, 12, 1))


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ("abc", "“Hours” input is not a duration Redmine accepts: `abc` is not a duration."),
        ("0", "more than zero"),
        ("", "needs the time spent: set its “Hours” input"),
    ],
)
def test_a_time_step_refuses_hours_redmine_would_not_take(hours: str, words: str) -> None:
    with pytest.raises(UsageError) as refused:
        TimeStep.from_inputs({"person": "U1", "issue_id": "42", "hours": hours})
    assert words in refused.value.message
    assert refused.value.message.endswith("Nothing was written in Redmine.")


def test_a_refusal_is_said_in_the_language_the_step_speaks_naming_the_input_as_written() -> None:
    # Workflow Builder shows an input by its manifest title, in every language.
    with using(translator_for("ja")), pytest.raises(UsageError) as refused:
        TimeStep.from_inputs({"person": "U1", "issue_id": "forty-two", "hours": "1"})
    assert refused.value.message == (
        "ステップの入力項目「Issue」の `forty-two` はチケット番号ではありません"
        "（`42` や `#42` の形で指定してください）。Redmine には何も書き込んでいません。"
    )
    with using(translator_for("de")), pytest.raises(UsageError) as refused:
        CreateIssueStep.from_inputs({"person": "U1", "subject": "x"})
    assert refused.value.message.startswith("Der Schritt braucht ein Projekt: Setzen Sie")
    assert "„Project“" in refused.value.message
    # Hours' own reason comes from the command grammar, in the same language.
    with using(translator_for("de")), pytest.raises(UsageError) as refused:
        TimeStep.from_inputs({"person": "U1", "issue_id": "42", "hours": "0"})
    assert refused.value.message.startswith(
        "Die Eingabe „Hours“ des Schritts ist keine Dauer, die Redmine annimmt: "
    )
    assert refused.value.message.endswith("In Redmine wurde nichts geschrieben.")
