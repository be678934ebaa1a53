"""The daily digest: sorting Redmine's issues into its lists, and its blocks as whole dicts.

Issue JSON as Redmine 5 sends it (status with `is_closed`); blocks per
docs.slack.dev/reference/block-kit/blocks (section, context).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.actions.digests import assemble
from bot.blocks.digests import digest_blocks, digest_text
from bot.i18n import translator_for, using
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
        "Daily digest for Alpha <ops>: 1 new · 0 closed · 1 updated · 1 overdue · 0 due soon"
    )
    one = f"<{BASE_URL}/issues/1|#1 Issue 1> · New"
    assert digest_blocks(digest, BASE_URL) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ":newspaper: *Daily digest: Alpha &lt;ops&gt;* "
                "(11/22/26, 8:00\u202fAM to 11/23/26, 8:00\u202fAM)",
            },
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "1 new · 0 closed · 1 updated · 1 overdue · 0 due soon",
                }
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*New* (1)\n{one}"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*Updated* (1)\n{one}"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Overdue* (1)\n<{BASE_URL}/issues/3|#3 Issue 3> · New · due Nov 20, 2026",
            },
        },
    ]
    quiet = assemble("Alpha", START, END, TODAY, [])
    assert digest_blocks(quiet, BASE_URL)[2] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Nothing new, closed, updated, overdue or due soon."},
    }


def _digest_in_tokyo() -> Any:
    tokyo = ZoneInfo("Asia/Tokyo")
    return assemble(
        "Alpha",
        datetime(2026, 11, 22, 9, 0, tzinfo=tokyo),
        datetime(2026, 11, 23, 9, 0, tzinfo=tokyo),
        TODAY,
        [
            issue(1, created_on="2026-11-22T01:00:00Z", updated_on="2026-11-22T01:00:00Z"),
            issue(3, due_date="2026-11-20"),
            issue(4, due_date="2026-11-25"),
        ],
    )


def test_a_japanese_channels_digest_says_its_words_dates_and_counts_in_japanese() -> None:
    with using(translator_for("ja")):
        text = digest_text(_digest_in_tokyo())
        blocks = digest_blocks(_digest_in_tokyo(), BASE_URL)
    assert text == (
        "Alpha のデイリーダイジェスト: 新規 1 件 · 終了 0 件 · 更新 1 件 · 期日超過 1 件 · 期日間近 1 件"
    )
    said = [block["text"]["text"] for block in blocks if block["type"] == "section"]
    # The window in the digest's own zone (Tokyo), as Japanese writes dates.
    assert said[0] == (
        ":newspaper: *デイリーダイジェスト: Alpha* (2026/11/22 9:00〜2026/11/23 9:00)"
    )
    assert blocks[1]["elements"][0]["text"] == text.split(": ", 1)[1]
    assert said[1].startswith("*新規* (1)\n")
    assert said[3] == f"*期日超過* (1)\n<{BASE_URL}/issues/3|#3 Issue 3> · New · 期日 2026/11/20"
    assert said[4].startswith("*3 日以内に期日* (1)\n") and said[4].endswith("期日 2026/11/25")
    # Redmine's own status name stays as Redmine wrote it.
    with using(translator_for("ja")):
        quiet = digest_blocks(assemble("Alpha", START, END, TODAY, []), BASE_URL)
    assert (
        quiet[2]["text"]["text"] == "新規、終了、更新、期日超過、期日間近のチケットはありません。"
    )


def test_a_german_channels_digest_uses_german_plurals_dates_and_numbers() -> None:
    many = [issue(n, due_date="2026-11-19") for n in range(10, 1244)]  # 1,234 overdue
    with using(translator_for("de-DE")):
        digest = assemble("Alpha", START, END, TODAY, many)
        text = digest_text(digest)
        blocks = digest_blocks(digest, BASE_URL)
    assert text == (
        "Tägliche Übersicht für Alpha: 0 neu · 0 erledigt · 0 aktualisiert · "
        "1.234 überfällig · 0 bald fällig"
    )
    assert blocks[0]["text"]["text"] == (
        ":newspaper: *Tägliche Übersicht: Alpha* (22.11.26, 08:00 bis 23.11.26, 08:00)"
    )
    overdue = blocks[2]["text"]["text"]
    assert overdue.startswith("*Überfällig* (1.234)\n")
    assert "· fällig am 19.11.2026" in overdue
    last = overdue.rsplit("\n", 1)[1]  # the rest does not fit in one section
    assert last.startswith("…und ") and last.endswith(" weitere")
