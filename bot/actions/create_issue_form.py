"""The `/redmine create` modal (and the global shortcut's) becomes an issue, as the person."""

from __future__ import annotations

from bot.actions.create_issue import create_issue
from bot.actions.errors import UserFacingError
from bot.actions.projects import visible_projects
from bot.config import TextFormatting
from bot.forms import CreateIssueForm
from bot.redmine import Redmine
from bot.redmine.models import Issue
from bot.text import slack_to_redmine

PROJECT_GONE = "You can't see that project in Redmine any more."


async def create_from_form(
    redmine: Redmine, form: CreateIssueForm, formatting: TextFormatting
) -> Issue:
    projects = {p.id: p for p in await visible_projects(redmine)}
    project = projects.get(form.project_id or 0)
    if project is None:
        raise UserFacingError(PROJECT_GONE)
    fields = form.fields()
    if "description" in fields:  # Slack's mrkdwn, written the way Redmine renders text
        fields["description"] = slack_to_redmine(fields["description"], formatting)
    return await create_issue(redmine, project, form.subject, **fields)
