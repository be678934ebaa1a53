"""Attaching Slack files to an issue: stream each into Redmine, then one update for all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.redmine import Redmine
from bot.redmine.attachments import attachment_spec
from bot.redmine.errors import RedmineError, ValidationError, user_message
from bot.slackfiles import SlackFile, SlackFileError, SlackFiles


@dataclass
class AttachOutcome:
    attached: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)

    def summary(self, issue_label: str) -> str:
        lines = []
        if self.attached:
            names = ", ".join(f"`{n}`" for n in self.attached)
            lines.append(f"Attached {names} to {issue_label}.")
        for name, why in self.refused:
            lines.append(f"`{name}` was not attached: {why}")
        if not lines:
            lines.append("There were no files to attach.")
        return "\n".join(lines)


async def attach_files(
    redmine: Redmine,
    files: SlackFiles,
    issue_id: int,
    slack_files: Sequence[SlackFile],
    *,
    note: str | None = None,
) -> AttachOutcome:
    """Upload every file it can; a file over Redmine's limit is named, the others still attach."""
    outcome = AttachOutcome()
    uploads = []
    for slack_file in slack_files:
        try:
            async with files.open(slack_file) as (stream, length):
                upload = await redmine.uploads.upload(
                    stream,
                    slack_file.name,
                    size=length,
                )
        except SlackFileError as error:
            outcome.refused.append((error.name, error.message))
            continue
        except ValidationError as error:
            # Over Redmine's size limit: Redmine's message names the limit.
            outcome.refused.append(
                (slack_file.name, "; ".join(error.messages) or user_message(error))
            )
            continue
        uploads.append(attachment_spec(upload, slack_file.name, slack_file.mimetype))
        outcome.attached.append(slack_file.name)
    if uploads:
        try:
            await redmine.issues.update(issue_id, uploads=uploads, notes=note or "")
        except RedmineError:
            outcome.attached.clear()
            raise
    return outcome
