"""The one new-issue form becomes a Redmine issue, as the person: with its message's
thread and files when opened on a message, as typed when opened by `/redmine create`
or the global shortcut (an empty `MessageSource`).

The listener reads Slack (permalink, thread, names, files) and hands it over as plain
data in `MessageSource`; this action writes the description, streams the files into
uploads, creates the issue with them, and says what happened in `CreatedFromMessage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.actions.attach_files import FoundFiles, upload_each
from bot.actions.create_issue import create_issue
from bot.actions.issue_form import project_for_issues
from bot.config import TextFormatting
from bot.domain.message_text import description_with_thread, permalink_line, render_thread
from bot.inputs.forms import IssueForm
from bot.redmine import Redmine
from bot.redmine.models import Issue
from bot.slack.messages import ThreadMessage
from bot.slack.web.files import SlackFiles


@dataclass(frozen=True)
class MessageThread:
    """The thread as Slack showed it, or why it could not be read."""

    messages: list[ThreadMessage] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # Slack user id -> display name
    problem: str | None = None


@dataclass(frozen=True)
class MessageSource:
    """What the listener read from Slack for this submission."""

    permalink: str | None = None  # when the form was opened without one
    thread: MessageThread | None = None  # None: the person did not ask for it
    files: FoundFiles = field(default_factory=FoundFiles)


@dataclass(frozen=True)
class CreatedFromMessage:
    issue: Issue
    attached: list[str]
    refused: list[tuple[str, str]]  # (file name, why)
    thread_problem: str | None


def _description(form: IssueForm, source: MessageSource, formatting: TextFormatting) -> str:
    description = form.description
    if source.permalink and not form.context.permalink:
        description = f"{description}\n\n{permalink_line(source.permalink, formatting)}"
    if source.thread is not None:
        rendered = render_thread(
            source.thread.messages,
            formatting,
            names=source.thread.names,
            skip_ts=form.context.message_ts,
        )
        description = description_with_thread(description, rendered)
    return description


async def create_from_message(
    redmine: Redmine,
    files: SlackFiles,
    form: IssueForm,
    source: MessageSource,
    formatting: TextFormatting,
) -> CreatedFromMessage:
    project = await project_for_issues(redmine, form.project_id or 0)
    fields = form.fields()
    description = _description(form, source, formatting)
    if description:
        fields["description"] = description
    uploaded = await upload_each(redmine, files, source.files.files)
    if uploaded.specs:
        fields["uploads"] = uploaded.specs
    issue = await create_issue(redmine, project, form.subject, **fields)
    return CreatedFromMessage(
        issue=issue,
        attached=uploaded.outcome.attached,
        refused=uploaded.outcome.refused + source.files.unreadable,
        thread_problem=source.thread.problem if source.thread else None,
    )
