"""A message's files into Redmine: looked up with files.info, streamed into uploads.

Each file goes from Slack's download straight into `POST /uploads.json` in chunks, so
memory stays flat whatever the size. A file Redmine refuses (over its size limit) is
named with Redmine's reason; the others still go in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.actions.reply_to_note import UploadedFiles, UploadFiles
from bot.commands.attach import AttachOutcome, attach_files
from bot.redmine import Redmine
from bot.redmine.attachments import attachment_spec
from bot.redmine.errors import ValidationError, user_message
from bot.slackfiles import SlackFile, SlackFileError, SlackFiles
from bot.slackreads import SlackReads

FILE_UNREADABLE = "Slack would not show that file to the bot (is the bot in the channel?)"

# Redmine's API names its size limit in bytes: "... maximum allowed file size (5242880)".
_LIMIT_IN_BYTES = re.compile(r"\((\d{4,})\)")


def human_size(size: int) -> str:
    """Bytes as Redmine shows them to people: 1024-based, "5 MB", "1.5 GB"."""
    units = ("Bytes", "KB", "MB", "GB")
    value, index = float(size), 0
    while value >= 1024 and index < len(units) - 1:
        value /= 1024
        index += 1
    return f"{value:.1f}".removesuffix(".0") + f" {units[index]}"


def readable_refusal(why: str) -> str:
    return _LIMIT_IN_BYTES.sub(lambda m: f"({human_size(int(m.group(1)))})", why)


def _readable(outcome: AttachOutcome) -> AttachOutcome:
    outcome.refused = [(name, readable_refusal(why)) for name, why in outcome.refused]
    return outcome


@dataclass
class Uploaded:
    specs: list[dict[str, Any]] = field(default_factory=list)  # for `uploads` on create/update
    outcome: AttachOutcome = field(default_factory=AttachOutcome)


async def look_up(
    reads: SlackReads, file_ids: Sequence[str]
) -> tuple[list[SlackFile], list[tuple[str, str]]]:
    """files.info for each id: (the files, (id, why) for those Slack would not show)."""
    found: list[SlackFile] = []
    missing: list[tuple[str, str]] = []
    for file_id in file_ids:
        slack_file = await reads.file(file_id)
        if slack_file is None:
            missing.append((file_id, FILE_UNREADABLE))
        else:
            found.append(slack_file)
    return found, missing


async def upload_all(
    redmine: Redmine, files: SlackFiles, slack_files: Sequence[SlackFile]
) -> Uploaded:
    """Stream each file into an upload, for attaching on issue creation."""
    result = Uploaded()
    for slack_file in slack_files:
        try:
            async with files.open(slack_file) as (stream, length):
                upload = await redmine.uploads.upload(stream, slack_file.name, size=length)
        except SlackFileError as error:
            result.outcome.refused.append((error.name, error.message))
            continue
        except ValidationError as error:
            # Over Redmine's size limit: Redmine's own message names the limit.
            why = "; ".join(error.messages) or user_message(error)
            result.outcome.refused.append((slack_file.name, readable_refusal(why)))
            continue
        result.specs.append(attachment_spec(upload, slack_file.name, slack_file.mimetype))
        result.outcome.attached.append(slack_file.name)
    return result


async def attach_message_files(
    redmine: Redmine,
    files: SlackFiles,
    reads: SlackReads,
    issue_id: int,
    file_ids: Sequence[str],
    *,
    note: str | None,
) -> AttachOutcome:
    """All the message's files onto the issue in one update, with `note`."""
    found, missing = await look_up(reads, file_ids)
    outcome = await attach_files(redmine, files, issue_id, found, note=note)
    outcome.refused.extend(missing)
    return _readable(outcome)


def reply_file_uploader(files: SlackFiles, reads: SlackReads) -> UploadFiles:
    """The upload step of a thread reply (bot.actions.reply_to_note), from the code above."""

    async def upload(redmine: Redmine, file_ids: Sequence[str]) -> UploadedFiles:
        found, missing = await look_up(reads, file_ids)
        uploaded = await upload_all(redmine, files, found)
        return UploadedFiles(uploaded.specs, [*uploaded.outcome.refused, *missing])

    return upload
