"""A Redmine adapter and Slack's file downloads against respx, for the actions' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.redmine import Redmine, RedmineClient
from bot.slack.web.files import SlackFile, SlackFiles

REDMINE = "http://redmine.test"
SLACK_API = "http://slack.test/api/"  # SlackFiles sends its token only to this host


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(REDMINE, "k" * 40, backoff=0.01, max_retries=0) as client:
        yield Redmine(client)


@pytest.fixture
async def files() -> AsyncIterator[SlackFiles]:
    async with httpx.AsyncClient() as http:
        yield SlackFiles(http, "xoxb-test", SLACK_API)


def slack_file(name: str, file_id: str = "F1", mimetype: str = "text/plain") -> SlackFile:
    # The fields files.info and file_input give (docs.slack.dev/reference/objects/file-object):
    # url_private_download is where a bot token may fetch the bytes.
    return SlackFile(
        id=file_id,
        name=name,
        size=None,
        mimetype=mimetype,
        url=f"http://slack.test/files-pri/T1-{file_id}/download/{name}",
    )
