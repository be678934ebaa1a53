"""Slack files into Redmine: the one upload path for `/redmine attach` and the shortcuts.

Each file goes from Slack's download straight into `POST /uploads.json` in chunks, so
memory stays flat whatever the size. A file Slack will not show or Redmine refuses
(over its size limit) is named with the reason, its size in readable units; the others
still go in. Attaching to an existing issue is then one update carrying every upload;
a new issue takes the uploads on creation instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import TextFormatting
from bot.domain.message_text import permalink_line
from bot.i18n import N_
from bot.redmine import Redmine
from bot.redmine.attachments import attachment_spec
from bot.redmine.errors import ValidationError, user_message
from bot.slack.web.files import SlackFile, SlackFileError, SlackFiles

FILE_UNREADABLE = N_("Slack would not show that file to the bot (is the bot in the channel?)")

# Redmine's API names its size limit in bytes: "... maximum allowed file size (5242880)".
_LIMIT_IN_BYTES = re.compile(r"\((\d{4,})\)")


def human_size(size: int) -> str:
    """Bytes as Redmine shows them to people: 1024-based, "5 MB", "12.5 MB", "1.5 GB"."""
    units = ("Bytes", "KB", "MB", "GB")
    value, index = float(size), 0
    while value >= 1024 and index < len(units) - 1:
        value /= 1024
        index += 1
    return f"{value:.1f}".removesuffix(".0") + f" {units[index]}"


def readable_refusal(why: str) -> str:
    """Redmine's refusal with any byte count in it shown as a size people read."""
    return _LIMIT_IN_BYTES.sub(lambda m: f"({human_size(int(m.group(1)))})", why)


@dataclass
class AttachOutcome:
    attached: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


@dataclass
class Uploaded:
    specs: list[dict[str, Any]] = field(default_factory=list)  # for `uploads` on create/update
    outcome: AttachOutcome = field(default_factory=AttachOutcome)


@dataclass(frozen=True)
class FoundFiles:
    """A message's files as Slack's files.info showed them, and those it would not show."""

    files: list[SlackFile] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file id, why)


async def upload_each(
    redmine: Redmine, files: SlackFiles, slack_files: Sequence[SlackFile]
) -> Uploaded:
    """Stream every file into a Redmine upload; the one loop every path shares."""
    result = Uploaded()
    for slack_file in slack_files:
        try:
            async with files.open(slack_file) as (stream, length):
                upload = await redmine.uploads.upload(stream, slack_file.name, size=length)
        except SlackFileError as error:
            result.outcome.refused.append((error.name, error.message))
            continue
        except ValidationError as error:
            # Over Redmine's size limit: Redmine's own message names the limit, in bytes.
            why = "; ".join(error.messages) or user_message(error)
            result.outcome.refused.append((slack_file.name, readable_refusal(why)))
            continue
        result.specs.append(attachment_spec(upload, slack_file.name, slack_file.mimetype))
        result.outcome.attached.append(slack_file.name)
    return result


async def attach_files(
    redmine: Redmine,
    files: SlackFiles,
    issue_id: int,
    found: FoundFiles,
    *,
    note: str | None = None,
) -> AttachOutcome:
    """Every file it can onto the issue in one update (with `note`); the rest named."""
    uploaded = await upload_each(redmine, files, found.files)
    if uploaded.specs:
        await redmine.issues.update(issue_id, uploads=uploaded.specs, notes=note or "")
    uploaded.outcome.refused.extend(found.unreadable)
    return uploaded.outcome


async def attach_from_message(
    redmine: Redmine,
    files: SlackFiles,
    issue_id: int,
    found: FoundFiles,
    permalink: str | None,
    formatting: TextFormatting,
) -> AttachOutcome:
    """A message's files onto the issue, the update's note linking back to the message."""
    note = permalink_line(permalink, formatting) if permalink else None
    return await attach_files(redmine, files, issue_id, found, note=note)
