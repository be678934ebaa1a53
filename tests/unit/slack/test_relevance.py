"""Which events may concern the app, decided from the followed threads in memory.

Message shapes after docs.slack.dev/reference/events/message (a reply carries
`thread_ts`, the parent's ts, unlike its own `ts`: .../message/message_replied),
message_changed and message_deleted after slackapi/java-slack-sdk
json-logs/samples/events/MessageChangedPayload.json and MessageDeletedPayload.json.
"""

from __future__ import annotations

from typing import Any

from bot.slack.door.followed import MARGIN, FollowedThreads
from bot.slack.door.relevance import Relevance

NOW = 1_800_000_000.0
OLD = f"{NOW - 86_400:.6f}"  # a thread started yesterday
YOUNG = f"{NOW - 5:.6f}"  # a thread started five seconds before the last look


def followed(*, loaded: bool = True) -> FollowedThreads:
    threads = FollowedThreads(sessions=None, clock=lambda: NOW)  # type: ignore[arg-type]
    threads.linked = {("CLINKED", OLD)}
    threads.reply_channels = {"CREPLIES"}
    threads.issue_threads = {("CREPLIES", OLD), ("CQUIET", OLD)}
    threads.imported_channels = {"CIMPORTED"}
    threads.seen_until = NOW if loaded else None
    return threads


def relevance(*, loaded: bool = True) -> Relevance:
    return Relevance(followed(loaded=loaded), "https://redmine.example/tracker")


def message(channel: str, **fields: Any) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": "U1", "ts": f"{NOW:.6f}"} | fields


def test_chatter_concerns_us_not() -> None:
    judge = relevance()
    assert not judge.judge(message("CREPLIES"))  # top-level, in a subscribed channel
    assert not judge.judge(message("CREPLIES", thread_ts=f"{NOW - 3600:.6f}"))
    assert not judge.judge(message("COTHER", thread_ts=OLD))
    # An issue thread in a channel without replies:on: its replies stay in Slack.
    assert not judge.judge(message("CQUIET", thread_ts=OLD))
    # A thread's parent is not a reply (its thread_ts is its own ts).
    assert not judge.judge(message("CLINKED", ts=OLD, thread_ts=OLD))
    assert not judge.judge({"type": "message", "ts": "1.1"})  # nowhere


def test_replies_in_followed_threads_concern_us() -> None:
    judge = relevance()
    assert judge.judge(message("CLINKED", thread_ts=OLD))
    assert judge.judge(message("CREPLIES", thread_ts=OLD))
    assert judge.judge(message("CLINKED", thread_ts=OLD, subtype="file_share"))


def test_a_thread_younger_than_the_last_look_may_be_a_new_issue_thread() -> None:
    judge = relevance()
    assert judge.judge(message("CREPLIES", thread_ts=YOUNG))
    assert not judge.judge(message("CREPLIES", thread_ts=f"{NOW - MARGIN - 1:.6f}"))
    # Only a channel with replies:on gets issue threads that replies follow.
    assert not judge.judge(message("COTHER", thread_ts=YOUNG))


def test_edits_and_deletions_where_replies_may_have_been_imported() -> None:
    judge = relevance()
    changed = {"subtype": "message_changed", "message": {"ts": "5.1", "text": "new"}}
    assert judge.judge(message("CIMPORTED", **changed))
    assert judge.judge(message("CREPLIES", **changed))
    assert not judge.judge(message("COTHER", **changed))
    deleted = {"subtype": "message_deleted", "deleted_ts": "5.1"}
    assert judge.judge(message("CIMPORTED", **deleted))
    assert not judge.judge(message("COTHER", **deleted))


def test_other_events_and_links_to_our_redmine_concern_us() -> None:
    judge = relevance()
    assert judge.judge({"type": "app_home_opened", "user": "U1", "tab": "home"})
    assert judge.judge({"type": "function_executed"})

    def shared(*urls: str) -> dict[str, Any]:
        return {"type": "link_shared", "user": "U1", "links": [{"url": u} for u in urls]}

    assert judge.judge(shared("https://REDMINE.example/tracker/issues/4"))
    assert judge.judge(shared("https://elsewhere.test/a", "https://redmine.example/tracker/"))
    assert not judge.judge(shared("https://elsewhere.test/issues/4"))
    assert not judge.judge(shared("https://redmine.example/trackerX/issues/4"))
    assert not judge.judge(shared("http://redmine.example/tracker/issues/4"))
    assert not judge.judge({"type": "link_shared", "links": "not a list"})


def test_before_the_first_look_everything_may_concern_us() -> None:
    judge = relevance(loaded=False)
    assert judge.judge(message("COTHER", thread_ts=OLD))
    assert judge.judge(message("COTHER", subtype="message_deleted", deleted_ts="1.1"))
