"""Create an issue as the person: from the one-liner `create [project] <subject>`, or a form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.actions.errors import UserFacingError, cannot_add_issues
from bot.actions.projects import match_project, visible_projects
from bot.i18n import _
from bot.inputs.grammar import split_word
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError, NotFoundError, ValidationError, is_cannot_add_issues
from bot.redmine.models import Issue, Project
from bot.slack import limits
from bot.text import escape_mrkdwn

# Redmine's project identifiers: a lower-case letter, then letters, digits, - and _.
IDENTIFIER_SHAPE = re.compile(r"^[a-z][a-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class NewIssue:
    project: Project
    subject: str


async def refuse_unusable_project(redmine: Redmine, word: str) -> None:
    """Refuse when `word` is a project the person cannot add issues to.

    An issue must never land in a project the person did not ask for: a first word that
    names a project they cannot use is a refusal, not part of a subject for their default
    project. Asked as the person: Redmine answers 403 for a project that exists but is
    hidden from them (and 404 for none), so nothing is learnt that Redmine would not say.
    """
    if not IDENTIFIER_SHAPE.match(word):
        return
    try:
        project = await redmine.projects.get(word)
    except ForbiddenError:
        raise UserFacingError(
            _(
                "You cannot add issues to the project `{project}`: you are not a member of "
                "it. Ask one of its managers to add you; nothing was created.",
                project=word,
            )
        ) from None
    except NotFoundError:
        return  # not a project at all: the word is part of the subject
    raise UserFacingError(
        _(
            "{refusal} (The project is not open for new issues, or not one of yours.) "
            "Nothing was created.",
            refusal=cannot_add_issues(project.name).message,
        )
    )


async def split_create_words(redmine: Redmine, words: str) -> NewIssue:
    """`[project] subject`: the first word is the project when it names one the user sees.

    A first word naming a project the user cannot add issues to is refused. Only when it
    is not a project at all does a user who can see exactly one project get that one;
    others are asked which.
    """
    first, rest = split_word(words)
    projects = await visible_projects(redmine)
    project = match_project(projects, first) if rest.strip() else None
    subject = rest.strip() if project else words.strip()
    if project is None and rest.strip():
        await refuse_unusable_project(redmine, first)
    if project is None:
        if len(projects) == 1:
            project = projects[0]
        else:
            known = ", ".join(f"`{p.identifier}`" for p in projects[:15]) or _("none")
            raise UserFacingError(
                _(
                    "Which project? Start with its identifier: "
                    "`/redmine create &lt;project&gt; {subject}`. Your projects: {projects}.",
                    subject=escape_mrkdwn(subject),
                    projects=known,
                )
            )
    if not subject:
        raise UserFacingError(
            _("The issue needs a subject: `/redmine create <project> <subject>`.")
        )
    if len(subject) > limits.REDMINE_SUBJECT:
        problem = limits.too_long_for_redmine(len(subject), limits.REDMINE_SUBJECT)
        raise UserFacingError(_("The subject is too long. {problem}", problem=problem))
    return NewIssue(project, subject)


async def create_issue(redmine: Redmine, project: Project, subject: str, **fields: Any) -> Issue:
    """Create as the acting user; Redmine's meaningless 422 for a forbidden project is reworded."""
    try:
        return await redmine.issues.create(project_id=project.id, subject=subject, **fields)
    except ValidationError as error:
        if is_cannot_add_issues(error):
            raise cannot_add_issues(project.name) from None
        raise


async def create_from_words(redmine: Redmine, words: str) -> Issue:
    """`/redmine create [project] <subject>`: the project found, the subject checked, created."""
    new = await split_create_words(redmine, words)
    return await create_issue(redmine, new.project, new.subject)
