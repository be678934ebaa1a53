"""The `/redmine` text answers, word for word (Redmine's text escaped for mrkdwn)."""

from __future__ import annotations

from bot.blocks.answers import (
    DISCONNECTED,
    NO_SUBSCRIPTIONS,
    NOT_CONNECTED,
    ListedSubscription,
    disconnected_text,
    note_added_text,
    subscribed_text,
    subscriptions_text,
    time_logged_text,
    unsubscribed_text,
)

BASE = "https://redmine.example.test"


def test_disconnect_says_whether_there_was_an_account() -> None:
    assert disconnected_text(True) == DISCONNECTED
    assert disconnected_text(False) == NOT_CONNECTED


def test_note_added_links_the_issue() -> None:
    assert note_added_text(BASE, 42) == (
        "Added your note to <https://redmine.example.test/issues/42|#42>."
    )


def test_time_logged_names_the_activity_and_drops_trailing_zeros() -> None:
    assert time_logged_text(BASE, 42, 1.5, "R&D <team>") == (
        "Logged 1.5 h of R&amp;D &lt;team&gt; on <https://redmine.example.test/issues/42|#42>."
    )
    assert time_logged_text(BASE, 7, 2.0, None) == (
        "Logged 2 h on <https://redmine.example.test/issues/7|#7>."
    )


def test_subscribed_says_what_the_channel_gets_and_whether_the_bot_is_there() -> None:
    base = "This channel now gets changes to *A &lt;b&gt;* (trackers: all; events: all)."
    assert subscribed_text("A <b>", "trackers: all; events: all") == base
    assert subscribed_text("A <b>", "trackers: all; events: all", must_join=True) == (
        base + "\nI joined this channel to post the updates."
    )
    assert subscribed_text(
        "A <b>", "trackers: all; events: all", must_join=True, join_error="is_archived"
    ) == (
        base + "\n:warning: I couldn't join this channel (is_archived): invite me with "
        "`/invite @Redmine`."
    )
    assert subscribed_text("A <b>", "trackers: all; events: all", must_invite=True) == (
        base + "\n:warning: I'm not in this channel, so I can't post here yet: invite me with "
        "`/invite @Redmine`."
    )


def test_unsubscribed() -> None:
    assert unsubscribed_text("Alpha") == "This channel no longer gets changes to *Alpha*."


def test_the_subscription_list_shows_each_one_and_which_are_paused() -> None:
    assert subscriptions_text([]) == NO_SUBSCRIPTIONS
    listed = [
        ListedSubscription("Alpha", "alpha", "trackers: Bug; events: all", "U1", None),
        ListedSubscription("Beta", "beta", "trackers: all; events: notes", "U2", "not_in_channel"),
    ]
    assert subscriptions_text(listed) == (
        "This channel gets changes to:\n"
        "• *Alpha* (`alpha`): trackers: Bug; events: all; by <@U1>\n"
        "• *Beta* (`beta`): trackers: all; events: notes; by <@U2>"
        " — :double_vertical_bar: paused: `not_in_channel`"
    )
