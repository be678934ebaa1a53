"""Signed, Slack-shaped payloads that once ended in a traceback (issue 22).

Each passes the door's shape check (bot/slack/door/payloads.py) and is wrong only where
a reader used to trust it. The fuzz suite and bench/hostile_payloads.py both send them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.blocks import modals
from tests.fixtures import load


def project_change_without_view() -> dict[str, Any]:
    """A project choice in the issue form, the `view` it came from left out.

    Slack sends a view's actions with the view (docs.slack.dev/reference/
    interaction-payloads/block_actions-payload: `view` "if the action was within a
    view"); without it there is no view id for `views.update` to redraw.
    """
    payload = load("block_actions__issue_project")
    payload.pop("view")
    payload["response_url"] = "https://hooks.slack.test/actions/T1/1/x"
    return payload


def attach_with_size_abc() -> dict[str, Any]:
    """The attach form with a file whose `size` is not a number (Slack sends an integer:
    docs.slack.dev/reference/objects/file-object, `size`)."""
    payload = load("view_submission__message_form")
    view = payload["view"]
    view["callback_id"] = modals.ATTACH_VIEW
    view["private_metadata"] = json.dumps({"issue_id": 1, "channel_id": "CPUBLIC"})
    view["state"] = {
        "values": {
            modals.FILES: {
                modals.FILES: {
                    "type": "file_input",
                    "files": [
                        {
                            "id": "F0ABC",
                            "name": "report.txt",
                            "size": "abc",
                            "mimetype": "text/plain",
                            "url_private_download": "https://files.slack.com/files-pri/T1-F0ABC/report.txt",
                        }
                    ],
                }
            }
        }
    }
    return payload


def issue_form_with_odd_blocks() -> dict[str, Any]:
    """The new-issue form whose blocks are not as the app drew them: one without a
    block_id, one whose label is a bare string (Slack's labels are text objects:
    docs.slack.dev/reference/block-kit/blocks/input-block, `label`)."""
    payload = load("view_submission__message_form")
    payload["view"]["blocks"] = [
        {"type": "input", "label": {"type": "plain_text", "text": "No id"}},
        {"type": "input", "block_id": modals.SUBJECT, "label": "Subject"},
        {"type": "input", "block_id": modals.DESCRIPTION, "label": ["Description"]},
    ]
    return payload


KNOWN_MALFORMED: dict[str, Callable[[], dict[str, Any]]] = {
    "project_change_without_view": project_change_without_view,
    "attach_with_size_abc": attach_with_size_abc,
    "issue_form_with_odd_blocks": issue_form_with_odd_blocks,
}
