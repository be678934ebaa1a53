"""The daily digest: sorting Redmine's issues into its lists, and its blocks as whole dicts.

Issue JSON as Redmine 5 sends it (status with `is_closed`); blocks per
docs.slack.dev/reference/block-kit/blocks (section, context).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.actions.digests import assemble
from bot.blocks.digests import digest_blocks, digest_text
from bot.redmine.models import Issue
from tests.support.redmine_fixtures import BASE_URL

START = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def issue(number: int, **fields: Any) -> Issue:
    closed = fields.pop("closed", False)
    body = {
        "id": number,
        "project": {"id": 1, "name": "Alpha"},
        "subject": f"Issue {number}",
        "status": {
            "id": 5 if closed else 1,
            "name": "Closed" if closed else "New",
            "is_closed": closed,
        },
        "created_on": "2026-11-01T10:00:00Z",
        "updated_on": "2026-11-01T10:00:00Z",
        **fields,
    }
    return Issue.model_validate(body)


def test_issues_sort_into_the_digests_lists() -> None:
    digest = assemble(
        "Alpha",
        START,
        END,
        TODAY,
        [
            issue(1, created_on="2026-11-22T09:00:00Z", updated_on="2026-11-22T09:00:00Z"),
            issue(
                2, closed=True, closed_on="2026-11-22T12:00:00Z", updated_on="2026-11-22T12:00:00Z"
            ),
            issue(3, due_date="2026-11-20"),  # overdue, unchanged
            issue(4, due_date="2026-11-26", updated_on="2026-11-23T07:59:59Z"),  # due in 3 days
            issue(5, due_date="2026-11-27"),  # due in 4 days: not soon
            issue(6, closed=True, due_date="2026-11-01"),  # closed: never overdue
            issue(7, updated_on="2026-11-23T08:00:00Z"),  # at the end: the next digest's
            issue(1, created_on="2026-11-22T09:00:00Z", updated_on="2026-11-22T09:00:00Z"),
        ],
    )
    ids = lambda issues: [i.id for i in issues]  # noqa: E731
    assert ids(digest.new) == [1]
    assert ids(digest.closed) == [2]
    assert ids(digest.updated) == [1, 2, 4]
    assert ids(digest.overdue) == [3]
    assert ids(digest.due_soon) == [4]


def test_the_digest_message() -> None:
    digest = assemble(
        "Alpha <ops>",
        START,
        END,
        TODAY,
        [
            issue(1, created_on="2026-11-22T09:00:00Z", updated_on="2026-11-22T09:00:00Z"),
            issue(3, due_date="2026-11-20"),
        ],
    )
    assert digest_text(digest) == (
        "Daily digest for Alpha <ops>: 1 new, 0 closed, 1 updated, 1 overdue, 0 due within 3 days"
    )
    one = f"<{BASE_URL}/issues/1|#1 Issue 1> · New"
    assert digest_blocks(digest, BASE_URL) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ":newspaper: *Daily digest: Alpha &lt;ops&gt;* "
                "(2026-11-22 08:00 to 2026-11-23 08:00)",
            },
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "1 new · 0 closed · 1 updated · 1 overdue · 0 due within 3 days",
                }
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*New* (1)\n{one}"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Updated* (1)\n{one}"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Overdue* (1)\n<{BASE_URL}/issues/3|#3 Issue 3> · New · due 2026-11-20",
            },
        },
    ]
    quiet = assemble("Alpha", START, END, TODAY, [])
    assert digest_blocks(quiet, BASE_URL)[2] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Nothing new, closed, updated, overdue or due soon."},
    }
