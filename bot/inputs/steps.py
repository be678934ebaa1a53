"""Typed readers of Workflow Builder steps' inputs (the `function_executed` event's `inputs`).

A custom step's inputs arrive as one flat object keyed by the input names slack-manifest.yml
declares under `functions` (bolt-python tests/scenario_tests_async/test_function.py:
`"inputs": {"stringToReverse": "hello"}`); a `slack#/types/user_id` input is a user id
string, a `slack#/types/date` one a `YYYY-MM-DD` string, a boolean a JSON boolean. An
input the workflow left empty is absent. Whatever a workflow author wired in wrongly is
refused here, in a sentence that names the input, before anyone asks Redmine anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.i18n import N_, _
from bot.inputs.forms import subject_problem
from bot.inputs.grammar import ISSUE_ID, UsageError, parse_hours

# The steps' callback ids: slack-manifest.yml's `functions` keys, which Slack names in
# `event.function.callback_id` and bolt's app.function(...) matches.
CREATE_ISSUE_STEP = "create_redmine_issue"
ADD_NOTE_STEP = "add_redmine_note"
LOG_TIME_STEP = "log_redmine_time"

# Input names, shared by the three steps where they mean the same thing.
PERSON = "person"  # slack#/types/user_id: the step acts in Redmine as this person
PROJECT = "project"
TRACKER = "tracker"
SUBJECT = "subject"
DESCRIPTION = "description"
ASSIGNEE = "assignee"  # slack#/types/user_id
PRIORITY = "priority"
DUE_DATE = "due_date"  # slack#/types/date
ISSUE = "issue_id"
TEXT = "text"
PRIVATE = "private"
HOURS = "hours"
ACTIVITY = "activity"
COMMENT = "comment"
SPENT_ON = "date"  # slack#/types/date

# Each input's title as slack-manifest.yml declares it: Workflow Builder shows the author
# this one string (Slack's manifest has one `title` per parameter, no language of its
# own), so a sentence names the input by it, untranslated, like a command word
# (tests/contract/test_manifest.py holds these to the manifest).
INPUT_TITLES = {
    PERSON: "Person",
    PROJECT: "Project",
    TRACKER: "Tracker",
    SUBJECT: "Subject",
    DESCRIPTION: "Description",
    ASSIGNEE: "Assignee",
    PRIORITY: "Priority",
    DUE_DATE: "Due date",
    ISSUE: "Issue",
    TEXT: "Note",
    PRIVATE: "Private",
    HOURS: "Hours",
    ACTIVITY: "Activity",
    COMMENT: "Comment",
    SPENT_ON: "Date",
}

# `{input}`: an input's title (INPUT_TITLES), as Workflow Builder shows it.
NO_PERSON = N_(
    "The step needs the person it acts as: set its “{input}” input, e.g. to the person "
    "who submitted the form. Nothing was written in Redmine."
)
NOT_A_USER = N_(
    "The step's “{input}” input is not a Slack user ({value}): pick a person there. "
    "Nothing was written in Redmine."
)
NO_PROJECT = N_(
    "The step needs a project: set its “{input}” input to a Redmine project's "
    "identifier (e.g. `helpdesk`) or name. Nothing was written in Redmine."
)
NO_ISSUE = N_(
    "The step needs an issue: set its “{input}” input to an issue number such as `42` "
    "or `#42`. Nothing was written in Redmine."
)
NOT_AN_ISSUE = N_(
    "The step's “{input}” input, `{value}`, is not an issue number (use `42` or `#42`). "
    "Nothing was written in Redmine."
)
NO_TEXT = N_("The step's “{input}” input is empty, so there is no note to add.")
NO_HOURS = N_(
    "The step needs the time spent: set its “{input}” input, e.g. `1.5`, `1h30` or `90m`. "
    "Nothing was written in Redmine."
)
BAD_HOURS = N_(
    "The step's “{input}” input is not a duration Redmine accepts: {reason} "
    "Nothing was written in Redmine."
)
NOT_A_DATE = N_(
    "The step's “{input}” input, `{value}`, is not a date (YYYY-MM-DD). "
    "Nothing was written in Redmine."
)
BAD_SUBJECT = N_("The step's “{input}” input will not do: {reason} Nothing was written in Redmine.")


def refusal(sentence: str, name: str, **params: object) -> UsageError:
    """`sentence` (one of the above) in the current language, naming the input `name`."""
    return UsageError(_(sentence, input=INPUT_TITLES[name], **params))


def _text(inputs: Mapping[str, Any], name: str) -> str:
    value = inputs.get(name)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _user(inputs: Mapping[str, Any], name: str) -> str | None:
    value = _text(inputs, name)
    if not value:
        return None
    # Slack's user ids: U... or W... (Enterprise Grid), upper-case letters and digits.
    if not (value[:1] in ("U", "W") and value.isascii() and value.isalnum() and len(value) < 30):
        raise refusal(NOT_A_USER, name, value=f"`{value[:40]}`")
    return value


def _person(inputs: Mapping[str, Any]) -> str:
    person = _user(inputs, PERSON)
    if person is None:
        raise refusal(NO_PERSON, PERSON)
    return person


def _date(inputs: Mapping[str, Any], name: str) -> date | None:
    value = _text(inputs, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refusal(NOT_A_DATE, name, value=value[:40]) from None


def _issue(inputs: Mapping[str, Any]) -> int:
    value = _text(inputs, ISSUE)
    if not value:
        raise refusal(NO_ISSUE, ISSUE)
    match = ISSUE_ID.match(value)
    if not match:
        raise refusal(NOT_AN_ISSUE, ISSUE, value=value[:40])
    return int(match.group(1))


def _flag(inputs: Mapping[str, Any], name: str) -> bool:
    value = inputs.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return value is True


@dataclass(frozen=True)
class CreateIssueStep:
    """ "Create a Redmine issue": every name here is resolved in Redmine by the action."""

    person: str
    project: str
    subject: str
    tracker: str = ""
    description: str = ""
    assignee: str | None = None  # a Slack user id
    priority: str = ""
    due_date: date | None = None

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> CreateIssueStep:
        person = _person(inputs)
        project = _text(inputs, PROJECT)
        if not project:
            raise refusal(NO_PROJECT, PROJECT)
        subject = " ".join(_text(inputs, SUBJECT).split())  # a subject is one line
        if problem := subject_problem(subject):
            raise refusal(BAD_SUBJECT, SUBJECT, reason=problem)
        return cls(
            person=person,
            project=project,
            subject=subject,
            tracker=_text(inputs, TRACKER),
            description=_text(inputs, DESCRIPTION),
            assignee=_user(inputs, ASSIGNEE),
            priority=_text(inputs, PRIORITY),
            due_date=_date(inputs, DUE_DATE),
        )


@dataclass(frozen=True)
class NoteStep:
    """ "Add a note to a Redmine issue"."""

    person: str
    issue_id: int
    text: str
    private: bool = False

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> NoteStep:
        person = _person(inputs)
        issue_id = _issue(inputs)
        text = _text(inputs, TEXT)
        if not text:
            raise refusal(NO_TEXT, TEXT)
        return cls(person=person, issue_id=issue_id, text=text, private=_flag(inputs, PRIVATE))


@dataclass(frozen=True)
class TimeStep:
    """ "Log time in Redmine": hours as everywhere else (`1h30`), an activity by name."""

    person: str
    issue_id: int
    hours: Decimal
    activity: str = ""
    comment: str = ""
    spent_on: date | None = None

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> TimeStep:
        person = _person(inputs)
        issue_id = _issue(inputs)
        typed = _text(inputs, HOURS)
        if not typed:
            raise refusal(NO_HOURS, HOURS)
        try:
            hours = parse_hours(typed)
        except UsageError as error:
            raise refusal(BAD_HOURS, HOURS, reason=error.message) from None
        return cls(
            person=person,
            issue_id=issue_id,
            hours=hours,
            activity=_text(inputs, ACTIVITY),
            comment=_text(inputs, COMMENT),
            spent_on=_date(inputs, SPENT_ON),
        )
