"""bot.blocks.common and bot.blocks.help: the whole dicts, and the cuts at Slack's limits.

Limits (bot/limits.py, each from Slack's reference): a section's text at most 3000
characters (docs.slack.dev/reference/block-kit/blocks/section-block), a button's text
75 (…/block-elements/button-element), an option object's text 75
(…/composition-objects/option-object), a modal title 24 (docs.slack.dev/reference/views/
modal-view). Text objects: `plain_text` with `emoji`, or `mrkdwn`
(…/composition-objects/text-object).
"""

from __future__ import annotations

from bot import limits
from bot.blocks.common import button, context, mrkdwn, option, plain, section
from bot.blocks.help import help_blocks

FOOTER = {
    "type": "context",
    "elements": [
        {
            "type": "mrkdwn",
            "text": "Message shortcuts (⋯ on a message): create an issue, add as note, "
            "log time, attach files.",
        }
    ],
}


def test_text_objects() -> None:
    assert mrkdwn("*a* &amp; b") == {"type": "mrkdwn", "text": "*a* &amp; b"}
    assert plain("Create") == {"type": "plain_text", "text": "Create", "emoji": True}


def test_plain_text_is_cut_to_its_limit_with_an_ellipsis() -> None:
    title = "A title far longer than twenty-four"
    assert plain(title, limits.VIEW_TITLE) == {
        "type": "plain_text",
        "text": "A title far longer than…",  # 23 characters and the ellipsis: 24
        "emoji": True,
    }
    exact = "x" * limits.VIEW_TITLE
    assert plain(exact, limits.VIEW_TITLE)["text"] == exact


def test_section_is_cut_at_slacks_3000_characters() -> None:
    assert section("short") == {"type": "section", "text": {"type": "mrkdwn", "text": "short"}}
    assert section("y" * 3001) == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "y" * 2999 + "…"},
    }
    assert section("z" * 3000)["text"]["text"] == "z" * 3000


def test_context_holds_one_mrkdwn_element_per_text() -> None:
    assert context("one", "two") == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "one"}, {"type": "mrkdwn", "text": "two"}],
    }


def test_button_with_and_without_style_and_a_cut_label() -> None:
    assert button("More", "search_more", "v") == {
        "type": "button",
        "text": {"type": "plain_text", "text": "More", "emoji": True},
        "action_id": "search_more",
        "value": "v",
    }
    assert button("b" * 80, "go", "1", style="primary") == {
        "type": "button",
        "text": {"type": "plain_text", "text": "b" * 74 + "…", "emoji": True},
        "action_id": "go",
        "value": "1",
        "style": "primary",
    }


def test_option_label_is_cut_at_75() -> None:
    assert option("Alpha", "1") == {
        "text": {"type": "plain_text", "text": "Alpha", "emoji": True},
        "value": "1",
    }
    assert option("o" * 76, "2")["text"]["text"] == "o" * 74 + "…"


def test_help_for_one_command_with_the_problem_first() -> None:
    assert help_blocks("I did not understand `lgo`.", "log") == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ":warning: I did not understand `lgo`.\n"
                "`/redmine log <id> <hours> [activity] [comment]`: "
                "log time, e.g. `log 42 1h30 development fixed it`\n"
                "Also: `spent`\n"
                "Hours: `1.5`, `1h30`, `1:30`, `90m` or `1h 30min`. Issues: `123` or `#123`.",
            },
        },
        FOOTER,
    ]


def test_help_for_subscribe_lists_the_filters() -> None:
    assert help_blocks(topic="subscribe") == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "`/redmine subscribe <project> [filters]`: "
                "post a project's changes in this channel\n"
                "Filters: `trackers:Bug,Feature` `events:created,notes,status,assignee,"
                "priority,attachments,closed` `subprojects:on` `threads:off` "
                "`private:on` (private channels only) "
                "`replies:on` (replies in issue threads become notes) `digest:daily@09:00` "
                "(one message a day instead). Instead of a project, `query:<id or name>` "
                "follows a saved Redmine query (public, or yours).",
            },
        },
        FOOTER,
    ]


def test_whole_help_lists_every_command() -> None:
    assert help_blocks() == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "\n".join(
                    [
                        "*Redmine from Slack*: everything runs in Redmine as you.",
                        "• `/redmine create [project] <subject>`: "
                        "create an issue (no subject: a form)",
                        "• `/redmine show <id>`: show an issue",
                        "• `/redmine note <id> <text>`: add a note to an issue",
                        "• `/redmine log <id> <hours> [activity] [comment]`: "
                        "log time, e.g. `log 42 1h30 development fixed it`",
                        "• `/redmine time [today|week|month|last week|YYYY-MM-DD..YYYY-MM-DD] "
                        "[@person]`: spent time, yours or a colleague's (default: this week)",
                        "• `/redmine remind <HH:MM> [hours] | remind off`: "
                        "a workday DM when you logged less than `hours` (default 8)",
                        "• `/redmine search <words>`: search issues",
                        "• `/redmine mine`: your open assigned issues",
                        "• `/redmine attach <id>`: upload files to an issue",
                        "• `/redmine subscribe <project> [filters]`: "
                        "post a project's changes in this channel",
                        "• `/redmine unsubscribe <project>`: stop posting a project's changes here",
                        "• `/redmine subscriptions`: list this channel's subscriptions",
                        "• `/redmine connect`: connect your Redmine account with your API key",
                        "• `/redmine disconnect`: forget your connected Redmine account",
                        "• `/redmine whoami`: which Redmine account you act as, and why",
                        "• `/redmine help [command]`: this help",
                        "The first word is the project (identifier or name). A project you "
                        "cannot add issues to is refused; only when the first word is no "
                        "project at all does the issue go to your one project.",
                        "Hours: `1.5`, `1h30`, `1:30`, `90m` or `1h 30min`. "
                        "Issues: `123` or `#123`.",
                    ]
                ),
            },
        },
        FOOTER,
    ]
