"""bot.inputs.help: the help is the command table read back, whole dicts compared."""

from __future__ import annotations

from bot.i18n import translator_for, using
from bot.inputs.help import help_blocks, help_text

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
                "(one message a day instead) `lang:de` (the language of this channel's "
                "messages). Instead of a project, `query:<id or name>` "
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


def test_help_speaks_the_persons_language_and_keeps_the_command_words() -> None:
    with using(translator_for("ja-JP")):
        text = help_text()
        footer = help_blocks()[1]
    assert "*SlackからRedmine*" in text
    assert "• `/redmine create [project] <subject>`: チケットを作成(題名なしならフォーム)" in text
    assert "`/redmine log <id> <hours> [activity] [comment]`" in text  # the grammar stays
    assert "作業時間を記録" in text
    assert "ショートカット" in str(footer)
    with using(translator_for("de-DE")):
        assert "Auch: `spent`" in help_text(topic="log")
