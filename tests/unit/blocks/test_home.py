"""bot.blocks.home: the Home tab as whole dicts.

Shapes: a `home` view (docs.slack.dev/surfaces/app-home, views.publish), header,
section, divider, context and actions blocks, a static_select with `initial_option` and
checkboxes with `initial_options` (docs.slack.dev/reference/block-kit/block-elements/
checkboxes-element: options that exactly match ones in `options`).
"""

from __future__ import annotations

from decimal import Decimal

from bot.blocks.card_actions import card_actions
from bot.blocks.home import NO_REMINDER, home_row, home_view, reminder_blocks, unlinked_home_view
from bot.domain.recurrence import ReminderSet
from bot.people.identity import HOW_TO_CONNECT
from bot.redmine.models import Issue
from bot.store.personal import Preferences
from tests.support.redmine_fixtures import BASE_URL, issues


def section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def header(text: str) -> dict[str, object]:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def option(text: str, value: str) -> dict[str, object]:
    return {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}


LISTS = [
    option("Open issues assigned to me", "assigned"),
    option("Open issues I reported", "reported"),
    option("Open issues I watch", "watched"),
    option("Due or overdue this week", "due"),
]
KINDS = [
    option("An issue is assigned to me", "assigned"),
    option("A note or change on an issue I am assigned to, reported or watch", "involved"),
    option("The status of my issue changes", "status"),
    option("A note mentions my Redmine login or name", "mentions"),
]


def test_a_row_is_the_issue_summary_line_escaped() -> None:
    first = issues("issues__alpha")[0]
    [row, actions] = home_row(first, BASE_URL)
    assert row == section(
        "*<https://redmine.example.test/issues/1|#1 Release &lt;!channel&gt; notes &amp; "
        "*bold* claims>*  Bug · Closed · → Alice Archer"
    )
    assert "<!channel>" not in str(row)
    assert actions == card_actions(first)  # the same buttons as on every card


def test_the_whole_home_of_a_person_with_no_issues_and_everything_off() -> None:
    off = Preferences(False, False, False, False, "due")
    view = home_view(
        who="You act in Redmine as `alice`.",
        list_key="due",
        issues=[],
        total=0,
        subscriptions=[("C1", "Alpha <x>", None), ("C2", "Beta", "not_in_channel")],
        preferences=off,
        base_url=BASE_URL,
    )
    assert view == {
        "type": "home",
        "blocks": [
            header("Your Redmine"),
            section("You act in Redmine as `alice`."),
            {"type": "divider"},
            {
                "type": "actions",
                "block_id": "home_list",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "home_list",
                        "options": LISTS,
                        "initial_option": LISTS[3],
                    }
                ],
            },
            section("Nothing of yours is due this week."),
            {"type": "divider"},
            header("Channel subscriptions you created"),
            section("• *Alpha &lt;x&gt;* in <#C1>\n• *Beta* in <#C2> (paused: `not_in_channel`)"),
            {"type": "divider"},
            header("Tell me in a direct message when"),
            # Every box unticked: initial_options takes "one or more", so none is sent.
            {
                "type": "actions",
                "block_id": "home_notify",
                "elements": [{"type": "checkboxes", "action_id": "home_notify", "options": KINDS}],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "I send these as direct messages, never about your own changes.",
                    }
                ],
            },
            {"type": "divider"},
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "Remind me to log time", "emoji": True},
            },
            *reminder_blocks(None),
        ],
    }


def _hours(n: int) -> dict[str, object]:
    return {"text": {"type": "plain_text", "text": f"{n} h", "emoji": True}, "value": str(n)}


def test_the_reminder_row_without_and_with_a_reminder() -> None:
    [said, row] = reminder_blocks(None)
    assert said == section(NO_REMINDER)
    assert row == {
        "type": "actions",
        "block_id": "home_remind",
        "elements": [
            {
                "type": "timepicker",
                "action_id": "home_remind_time",
                "initial_time": "17:30",
                "placeholder": {"type": "plain_text", "text": "Time", "emoji": True},
            },
            {
                "type": "static_select",
                "action_id": "home_remind_hours",
                "placeholder": {"type": "plain_text", "text": "Hours", "emoji": True},
                "options": [_hours(n) for n in range(1, 13)],
                "initial_option": _hours(8),
            },
        ],
    }
    [said, row] = reminder_blocks(ReminderSet(9, 5, Decimal("6.5"), "Europe/Berlin"))
    assert said == section(
        "Weekdays at *09:05* (Europe/Berlin) when you logged under *6.5 h*, "
        "and a summary of your week on Fridays."
    )
    assert row["elements"][0]["initial_time"] == "09:05"
    assert row["elements"][1]["initial_option"] == _hours(8)  # 6.5 is no choice: the default
    assert row["elements"][2] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Turn off", "emoji": True},
        "action_id": "home_remind_off",
        "value": "off",
    }


def test_a_long_list_says_how_many_are_not_shown_and_ticks_the_wanted_kinds() -> None:
    shown = issues("issues__alpha")
    view = home_view(
        who="who",
        list_key="assigned",
        issues=shown,
        total=200,
        subscriptions=[],
        preferences=Preferences(involved=False),
        base_url=BASE_URL,
    )
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    rows = blocks[4:8]
    assert rows == [*home_row(shown[0], BASE_URL), *home_row(shown[1], BASE_URL)]
    assert blocks[8] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": "Showing 2 of 200. <https://redmine.example.test/issues|All issues in Redmine>",
            }
        ],
    }
    assert blocks[11] == section(
        "You have not subscribed a channel. Run `/redmine subscribe <project>` in one."
    )
    checkboxes = blocks[14]["elements"][0]
    assert checkboxes["initial_options"] == [KINDS[0], KINDS[2], KINDS[3]]


def test_an_unmapped_person_is_told_why_and_how_to_connect() -> None:
    assert unlinked_home_view(HOW_TO_CONNECT) == {
        "type": "home",
        "blocks": [
            header("Your Redmine"),
            section("*You are not connected to Redmine yet.*"),
            section(HOW_TO_CONNECT),
        ],
    }


def test_python_slack_sdk_takes_the_home_view_as_valid() -> None:
    # slack_sdk.models.views.View checks Slack's view rules (type, block count, each
    # block's and element's limits) as Slack documents them.
    from slack_sdk.models.views import View

    for preferences in (Preferences(), Preferences(False, False, False, False)):
        built = home_view(
            who="who",
            list_key="watched",
            issues=issues("issues__alpha") * 10,
            total=200,
            subscriptions=[("C1", "Alpha", None)],
            preferences=preferences,
            base_url=BASE_URL,
        )
        view = View(**built)  # type: ignore[arg-type]
        view.validate_json()
        assert view.to_dict()["blocks"] == built["blocks"]
    View(**unlinked_home_view(HOW_TO_CONNECT)).validate_json()  # type: ignore[arg-type]


def test_rows_of_the_watched_list_offer_unwatch() -> None:
    shown = [Issue.model_validate({"id": 7, "project": {"id": 1, "name": "Alpha"}, "subject": "s"})]

    def watch_labels(list_key: str) -> list[str]:
        view = home_view(
            who="who",
            list_key=list_key,
            issues=shown,
            total=1,
            subscriptions=[],
            preferences=Preferences(),
            base_url=BASE_URL,
        )
        blocks = view["blocks"]
        assert isinstance(blocks, list)
        return [
            e["text"]["text"]
            for b in blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == "issue_watch"
        ]

    assert watch_labels("watched") == ["Unwatch"]
    assert watch_labels("assigned") == ["Watch / Unwatch"]  # Redmine's list does not say
