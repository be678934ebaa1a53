"""Pasted Redmine issue links unfurl as issue cards, only for what anyone may see."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

import pytest

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService


def link_shared(service: RunningService, urls: list[str], **event: Any) -> None:
    answer = service.event(
        {
            "type": "link_shared",
            "channel": "CPUBLIC",
            "is_bot_user_member": True,
            "user": "UALICE",
            "message_ts": "1700000000.000001",
            "unfurl_id": "C123456.1700000000.000001.abc",
            "source": "conversations_history",
            "links": [{"domain": "127.0.0.1", "url": url} for url in urls],
            **event,
        }
    )
    assert answer.status_code == 200


def test_only_public_issues_of_public_projects_unfurl(service: RunningService) -> None:
    seed = service.seed
    title = f"Unfurl me {uuid.uuid4().hex[:8]}"
    public = rm.create_issue(seed, subject=title, description="Steps: *one*, <!channel>")
    private = rm.create_issue(seed, subject="private issue", is_private=True)
    hidden_project = rm.create_issue(
        seed, subject="in the private project", project_id=seed.projects["secret"]
    )
    base = seed.url
    public_url = f"{base}/issues/{public['id']}?tab=history"
    link_shared(
        service,
        [
            public_url,
            f"{base}/issues/{private['id']}",
            f"{base}/issues/{hidden_project['id']}",
            f"{base}/issues/99999999",
            f"{base}/projects/alpha",
            f"https://elsewhere.example/issues/{public['id']}",
        ],
    )
    call = service.fake.wait_for("chat.unfurl")[0]
    assert (call.args["channel"], call.args["ts"]) == ("CPUBLIC", "1700000000.000001")
    unfurls = call.args["unfurls"]
    assert list(unfurls) == [public_url]
    shown = json.dumps(unfurls[public_url]["blocks"])
    assert f"/issues/{public['id']}|#{public['id']} {title}" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "private issue" not in json.dumps(unfurls)
    assert "in the private project" not in json.dumps(unfurls)


def test_links_typed_in_the_composer_unfurl_by_their_unfurl_id(service: RunningService) -> None:
    issue = rm.create_issue(service.seed, subject="composer link")
    link_shared(
        service,
        [f"{service.seed.url}/issues/{issue['id']}"],
        source="composer",
        unfurl_id="composer-unfurl-1",
        channel="COMPOSER",
        message_ts="",
    )
    call = service.fake.wait_for("chat.unfurl")[0]
    assert call.args["unfurl_id"] == "composer-unfurl-1" and call.args["source"] == "composer"
    assert "channel" not in call.args and "ts" not in call.args


def test_someone_redmine_does_not_know_gets_no_unfurl(service: RunningService) -> None:
    issue = rm.create_issue(service.seed, subject="stranger link")
    url = f"{service.seed.url}/issues/{issue['id']}"
    link_shared(service, [url], user="USTRANGER", message_ts="1700000000.000002")
    link_shared(service, [url], user="UBOB", message_ts="1700000000.000003")
    service.fake.wait_for("chat.unfurl")
    time.sleep(0.5)  # the stranger's event was sent first; give it every chance to post
    calls = service.fake.of("chat.unfurl")
    assert [c.args["ts"] for c in calls] == ["1700000000.000003"]


def test_a_malformed_link_list_is_ignored(
    service: RunningService, caplog: pytest.LogCaptureFixture
) -> None:
    issue = rm.create_issue(service.seed, subject="after the malformed one")
    link_shared(service, [], links="nonsense", message_ts="1700000000.000004")
    link_shared(service, [], links=[42, {"url": 7}], message_ts="1700000000.000005")
    link_shared(
        service, [f"{service.seed.url}/issues/{issue['id']}"], message_ts="1700000000.000006"
    )
    service.fake.wait_for("chat.unfurl")
    time.sleep(0.3)
    assert [c.args["ts"] for c in service.fake.of("chat.unfurl")] == ["1700000000.000006"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
