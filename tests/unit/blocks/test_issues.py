"""bot.blocks.issues: the whole dict each builder returns, fed by recorded Redmine answers.

Shapes follow Slack's Block Kit reference: section block (text at most 3000 characters,
at most 10 fields of 2000 each: docs.slack.dev/reference/block-kit/blocks/section-block),
context block, actions block and button element (text 75, value 2000:
docs.slack.dev/reference/block-kit/block-elements/button-element). Links, escaping
(`&`, `<`, `>` only) and `<!date^…|fallback>` follow docs.slack.dev/messaging/
formatting-message-text.
"""

from __future__ import annotations

from datetime import date

from bot.blocks.issues import (
    DESCRIPTION_EXCERPT,
    TOO_LONG_TO_PAGE,
    issue_card,
    issue_card_text,
    issue_list,
    issue_summary_line,
    search_results,
)
from bot.config import TextFormatting
from tests.support.redmine_fixtures import BASE_URL, issue, issues
from tests.support.redmine_fixtures import search_results as recorded_results

TEXTILE = TextFormatting.textile
# 2026-03-04T16:45:30Z, the pinned updated_on of every recorded issue.
UPDATED = "Updated <!date^1772642730^{date_short_pretty} {time}|2026-03-04 16:45 UTC>"
# The recorded subject "Release <!channel> notes & *bold* claims": `<!channel>` must not
# ping anyone and `&` must not start an entity; `*` is left as Redmine wrote it.
CLOSED_LINK = (
    "<https://redmine.example.test/issues/1|#1 Release &lt;!channel&gt; notes &amp; *bold* claims>"
)
STEP = "Steps: open the *report* and wait. "  # the recorded description repeats it 30 times


def fields(*pairs: tuple[str, str]) -> dict[str, object]:
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{value}"} for label, value in pairs],
    }


def test_card_of_a_closed_issue_escapes_the_subject() -> None:
    assert issue_card(issue("issue__status_closed"), BASE_URL, TEXTILE) == [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{CLOSED_LINK}*"}},
        fields(
            ("Project", "Alpha"),
            ("Tracker", "Bug"),
            ("Status", "Closed"),
            ("Priority", "Normal"),
            ("Assignee", "Alice Archer"),
            ("Author", "Bob Baker"),
        ),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": UPDATED}]},
    ]


def test_card_of_a_private_issue_is_marked_and_its_description_cut_with_a_link() -> None:
    private = issue("issue__private")
    assert private.is_private and len(private.description or "") > DESCRIPTION_EXCERPT
    # 17 steps are 595 characters: the last word boundary before the 600-character excerpt.
    excerpt = (STEP * 17).rstrip() + "… <https://redmine.example.test/issues/2|more>"
    assert issue_card(private, BASE_URL, TEXTILE) == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*<https://redmine.example.test/issues/2|#2 Payroll export leaks salaries>*"
                "  :lock: private",
            },
        },
        fields(
            ("Project", "Alpha"),
            ("Tracker", "Bug"),
            ("Status", "New"),
            ("Priority", "Urgent"),
            ("Assignee", "nobody"),
            ("Author", "Alice Archer"),
        ),
        {"type": "section", "text": {"type": "mrkdwn", "text": excerpt}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": UPDATED}]},
    ]


def test_card_without_description_leaves_the_excerpt_out() -> None:
    blocks = issue_card(issue("issue__private"), BASE_URL, TEXTILE, with_description=False)
    assert [block["type"] for block in blocks] == ["section", "section", "context"]
    assert blocks[2] == {"type": "context", "elements": [{"type": "mrkdwn", "text": UPDATED}]}


def test_card_text_is_escaped_for_the_notification_fallback() -> None:
    assert (
        issue_card_text(issue("issue__status_closed"))
        == "#1 Release &lt;!channel&gt; notes &amp; *bold* claims (Closed)"
    )


def test_summary_line_names_tracker_status_and_assignee() -> None:
    assert (
        issue_summary_line(issue("issue__status_closed"), BASE_URL)
        == f"*{CLOSED_LINK}*  Bug · Closed · → Alice Archer"
    )


def test_list_of_what_bob_sees_in_alpha() -> None:
    # Recorded as bob: alice's private #2 is not in Redmine's answer, so not in the list.
    listed = issues("issues__alpha")
    assert [i.id for i in listed] == [1, 3]
    assert issue_list(listed, BASE_URL, heading="*Your issues*", empty="None.") == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Your issues*"}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{CLOSED_LINK}*  Bug · Closed · → Alice Archer\n"
                "*<https://redmine.example.test/issues/3|#3 Export stalls>*"
                "  Feature · In Progress · → Alice Archer",
            },
        },
    ]


def test_empty_list_says_so() -> None:
    assert issue_list([], BASE_URL, heading="*Your issues*", empty="No open issues.") == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "No open issues."}}
    ]


def test_search_results_escape_the_query_and_offer_the_next_page() -> None:
    results = recorded_results("search__export")
    blocks = search_results(
        "export <!here> & *",
        results,
        {3: "In Progress"},
        offset=0,
        total=5,
        base_url=BASE_URL,
    )
    assert blocks == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "Issues matching “export &lt;!here&gt; &amp; *” (1–1 of 5):",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "• <https://redmine.example.test/issues/3|Feature #3 (In Progress): "
                "Export stalls> · In Progress",
            },
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "More", "emoji": True},
                    "action_id": "search_more",
                    # The raw query travels in the value (plain JSON, not mrkdwn).
                    "value": '{"q":"export <!here> & *","o":1}',
                }
            ],
        },
    ]


def test_search_results_on_the_last_page_have_no_more_button() -> None:
    blocks = search_results(
        "export", recorded_results("search__export"), {}, offset=4, total=5, base_url=BASE_URL
    )
    assert blocks == [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Issues matching “export” (5–5 of 5):"},
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "• <https://redmine.example.test/issues/3|Feature #3 (In Progress): "
                "Export stalls>",
            },
        },
    ]


def test_search_whose_query_cannot_fit_a_button_value_gets_a_hint_instead() -> None:
    query = "x" * 2000  # with its JSON wrapping, over a button value's 2000 characters
    blocks = search_results(
        query, recorded_results("search__export"), {}, offset=0, total=9, base_url=BASE_URL
    )
    assert blocks[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": TOO_LONG_TO_PAGE}],
    }
    assert blocks[0] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"Issues matching “{query}” (1–1 of 9):"},
    }


def test_no_search_results_says_so_escaped() -> None:
    assert search_results("<!channel>", [], {}, offset=0, total=0, base_url=BASE_URL) == [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "No issues found for “&lt;!channel&gt;”."},
        }
    ]


def test_a_card_shows_a_due_date_and_progress_once_set() -> None:
    planned = issue("issue__status_closed").model_copy(
        update={"due_date": date(2026, 12, 24), "done_ratio": 40}
    )
    card = issue_card(planned, BASE_URL, TEXTILE)
    texts = [f["text"] for f in card[1]["fields"]]
    assert texts[-2:] == ["*Due date*\nDec 24, 2026", "*Done*\n40 %"]
    assert len(texts) <= 10  # a section holds at most 10 fields (Block Kit reference)
