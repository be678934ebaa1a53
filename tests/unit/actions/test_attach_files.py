"""One upload path: every file streamed into Redmine, refusals named in readable sizes."""

from __future__ import annotations

import json

import pytest
import respx

from bot.actions.attach_files import (
    FILE_UNREADABLE,
    FoundFiles,
    attach_files,
    attach_from_message,
    human_size,
    readable_refusal,
    upload_each,
)
from bot.config import TextFormatting
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError
from bot.slack.web.files import SlackFiles
from tests.unit.actions.conftest import REDMINE, slack_file

# Redmine's refusal for a file over its attachment_max_size (app/models/attachment.rb,
# "exceeds the maximum allowed file size (%{max_size})" with the size in bytes).
TOO_BIG = "This file cannot be uploaded because it exceeds the maximum allowed file size (13107200)"


def slack_serves(name: str, file_id: str, body: bytes = b"data") -> None:
    respx.get(f"http://slack.test/files-pri/T1-{file_id}/download/{name}").respond(
        200, content=body, headers={"content-type": "application/octet-stream"}
    )


def test_sizes_read_as_people_read_them() -> None:
    assert human_size(13107200) == "12.5 MB" and human_size(5242880) == "5 MB"
    assert human_size(1536) == "1.5 KB" and human_size(10) == "10 Bytes"
    assert human_size(3 * 1024**3) == "3 GB"
    assert readable_refusal(TOO_BIG).endswith("maximum allowed file size (12.5 MB)")
    assert readable_refusal("Subject cannot be blank (12)") == "Subject cannot be blank (12)"


@respx.mock
async def test_every_file_goes_in_with_one_update_and_the_note(
    redmine: Redmine, files: SlackFiles
) -> None:
    slack_serves("a.txt", "F1")
    slack_serves("b.png", "F2")
    uploads = respx.post(f"{REDMINE}/uploads.json").respond(201, json={"upload": {"token": "1.x"}})
    update = respx.put(f"{REDMINE}/issues/5.json").respond(204)
    found = FoundFiles([slack_file("a.txt", "F1"), slack_file("b.png", "F2", "image/png")])

    done = await attach_files(redmine, files, 5, found, note="From Slack")

    assert done.attached == ["a.txt", "b.png"] and done.refused == []
    assert uploads.call_count == 2 and update.call_count == 1
    sent = json.loads(update.calls.last.request.content)["issue"]
    assert sent == {
        "uploads": [
            {"token": "1.x", "filename": "a.txt", "content_type": "text/plain"},
            {"token": "1.x", "filename": "b.png", "content_type": "image/png"},
        ],
        "notes": "From Slack",
    }


@respx.mock
async def test_a_file_too_big_is_named_in_megabytes_and_the_others_still_attach(
    redmine: Redmine, files: SlackFiles
) -> None:
    slack_serves("core.dump", "F1")
    slack_serves("log.txt", "F2")
    respx.post(f"{REDMINE}/uploads.json", params={"filename": "core.dump"}).respond(
        422, json={"errors": [TOO_BIG]}
    )
    respx.post(f"{REDMINE}/uploads.json", params={"filename": "log.txt"}).respond(
        201, json={"upload": {"token": "2.y"}}
    )
    update = respx.put(f"{REDMINE}/issues/5.json").respond(204)
    unreadable = [("F9", FILE_UNREADABLE)]
    found = FoundFiles([slack_file("core.dump", "F1"), slack_file("log.txt", "F2")], unreadable)

    done = await attach_files(redmine, files, 5, found)

    assert done.attached == ["log.txt"]
    assert done.refused == [
        ("core.dump", TOO_BIG.replace("(13107200)", "(12.5 MB)")),
        ("F9", FILE_UNREADABLE),
    ]
    assert update.call_count == 1


@respx.mock
async def test_nothing_uploaded_means_no_update(redmine: Redmine, files: SlackFiles) -> None:
    respx.get("http://slack.test/files-pri/T1-F1/download/a.txt").respond(403)
    update = respx.put(f"{REDMINE}/issues/5.json").respond(204)

    done = await attach_files(redmine, files, 5, FoundFiles([slack_file("a.txt", "F1")]))

    assert done.attached == [] and [name for name, _ in done.refused] == ["a.txt"]
    assert "is the bot in that channel?" in done.refused[0][1]
    assert update.call_count == 0


@respx.mock
async def test_a_refused_update_reaches_the_person_as_redmines_error(
    redmine: Redmine, files: SlackFiles
) -> None:
    slack_serves("a.txt", "F1")
    respx.post(f"{REDMINE}/uploads.json").respond(201, json={"upload": {"token": "1.x"}})
    respx.put(f"{REDMINE}/issues/5.json").respond(403)

    with pytest.raises(ForbiddenError):
        await attach_files(redmine, files, 5, FoundFiles([slack_file("a.txt", "F1")]))


@respx.mock
async def test_upload_each_keeps_the_specs_for_a_new_issue(
    redmine: Redmine, files: SlackFiles
) -> None:
    slack_serves("a.txt", "F1")
    respx.post(f"{REDMINE}/uploads.json").respond(201, json={"upload": {"token": "3.z"}})

    uploaded = await upload_each(redmine, files, [slack_file("a.txt", "F1")])

    assert uploaded.specs == [{"token": "3.z", "filename": "a.txt", "content_type": "text/plain"}]
    assert uploaded.outcome.attached == ["a.txt"]


@respx.mock
async def test_files_from_a_message_carry_a_note_linking_back(
    redmine: Redmine, files: SlackFiles
) -> None:
    slack_serves("a.txt", "F1")
    respx.post(f"{REDMINE}/uploads.json").respond(201, json={"upload": {"token": "1.x"}})
    update = respx.put(f"{REDMINE}/issues/5.json").respond(204)
    permalink = "https://example.slack.com/archives/C1/p1700000000000100"

    await attach_from_message(
        redmine,
        files,
        5,
        FoundFiles([slack_file("a.txt", "F1")]),
        permalink,
        TextFormatting.common_mark,
    )

    note = json.loads(update.calls.last.request.content)["issue"]["notes"]
    assert note == f"From Slack: [message]({permalink})"
