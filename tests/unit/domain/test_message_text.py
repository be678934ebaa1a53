"""Subjects, descriptions and threads built from Slack messages (pure functions)."""

from __future__ import annotations

from bot.blocks.metadata import ModalContext
from bot.config import TextFormatting
from bot.domain.message_text import (
    cut_on_word,
    description_with_thread,
    mentioned_user_ids,
    message_body,
    permalink_line,
    plain_text,
    render_thread,
    slack_time,
    subject_from,
)
from bot.slack import limits
from bot.slack.messages import SlackMessage, ThreadMessage

TEXTILE = TextFormatting.textile
MARKDOWN = TextFormatting.common_mark
LINK = "https://test.slack.invalid/archives/C1/p1700000000000100"


def test_subject_is_the_first_non_empty_line_as_plain_text() -> None:
    text = "\n  \n*Login* fails for <@U1> on <https://x.test/a|the portal> &amp; more\nsecond line"
    assert subject_from(text, {"U1": "Alice"}) == "Login fails for @Alice on the portal & more"


def test_subject_without_names_keeps_the_user_id_and_drops_quote_markers() -> None:
    assert subject_from("&gt; <@U2> said hi") == "@U2 said hi"
    assert subject_from("• first item") == "first item"
    assert subject_from("   ") == ""


def test_subject_is_cut_at_255_on_a_word_boundary() -> None:
    words = " ".join(f"word{i:03d}" for i in range(60))  # 60 * 8 - 1 = 479 characters
    subject = subject_from(words)
    assert len(subject) <= limits.REDMINE_SUBJECT
    assert subject.endswith("…")
    assert words.startswith(subject[:-1])
    assert subject[:-1].split(" ")[-1].startswith("word") and len(subject[:-1].split(" ")[-1]) == 7


def test_a_single_long_word_is_cut_inside_it() -> None:
    assert cut_on_word("x" * 300, 255) == "x" * 254 + "…"
    assert cut_on_word("short", 255) == "short"
    assert cut_on_word("exactly ten", 11) == "exactly ten"
    assert cut_on_word("exactly ten!", 11) == "exactly…"


def test_plain_text_of_specials_and_channels() -> None:
    assert plain_text("<!here> see <#C1|general> and <mailto:a@b.c|mail me>") == (
        "@here see #general and mail me"
    )
    assert plain_text("`code` and _it_ and ~gone~") == "code and it and gone"


def test_mentions_are_found_in_every_text() -> None:
    assert mentioned_user_ids(["<@U1> hi", "<@W2|bob> and <@U1>", "none"]) == {"U1", "W2"}


def test_message_body_is_redmine_markup_followed_by_the_permalink() -> None:
    body = message_body("*bold* for <@U1>", TEXTILE, names={"U1": "Alice"}, permalink=LINK)
    assert body == f'*bold* for @Alice\n\nFrom Slack: "message":{LINK}'
    markdown = message_body("*bold*", MARKDOWN, permalink=LINK)
    assert markdown == f"**bold**\n\nFrom Slack: [message]({LINK})"
    assert message_body("text only", TEXTILE) == "text only"
    assert message_body("", TEXTILE, permalink=LINK) == permalink_line(LINK, TEXTILE)


def test_a_long_message_is_cut_so_the_permalink_survives_the_field_limit() -> None:
    body = message_body("word " * 1000, TEXTILE, permalink=LINK, limit=3000)
    assert len(body) <= 3000
    assert body.endswith(f'"message":{LINK}')
    assert "…\n\nFrom Slack" in body


def test_slack_time_is_utc_and_tolerates_garbage() -> None:
    assert slack_time("1700000000.000100") == "2023-11-14 22:13 UTC"
    assert slack_time("not a ts") == ""


def test_thread_is_rendered_with_authors_times_and_converted_text() -> None:
    thread = [
        ThreadMessage("1700000000.000100", "It *breaks* on login", "U1"),
        ThreadMessage("1700000060.000200", "I see it too, <@U1>", "U2"),
        ThreadMessage("1700000120.000300", "Deploy finished", None, "deploybot"),
        ThreadMessage("1700000180.000400", "", "U3"),
    ]
    names = {"U1": "Alice", "U2": "Bob"}
    assert render_thread(thread, TEXTILE, names=names, skip_ts="1700000000.000100") == (
        "Thread in Slack:\n\n"
        "*Bob*, 2023-11-14 22:14 UTC:\nI see it too, @Alice\n\n"
        "*deploybot*, 2023-11-14 22:15 UTC:\nDeploy finished\n\n"
        "*U3*, 2023-11-14 22:16 UTC: (no text)"
    )


def test_thread_in_common_mark_escapes_names_and_converts_bold() -> None:
    thread = [ThreadMessage("1700000000.000100", "*yes*", "U1")]
    assert render_thread(thread, MARKDOWN, names={"U1": "a_b*c"}) == (
        "**Thread in Slack:**\n\n**a\\_b\\*c**, 2023-11-14 22:13 UTC:\n**yes**"
    )


def test_an_empty_thread_adds_nothing() -> None:
    only = [ThreadMessage("1.0", "x", "U1")]
    assert render_thread(only, TEXTILE, skip_ts="1.0") == ""
    assert description_with_thread("desc", "") == "desc"
    assert description_with_thread("", "thread") == "thread"
    assert description_with_thread("desc", "thread") == "desc\n\nthread"


def test_message_from_payload_knows_its_thread_and_files() -> None:
    parent = SlackMessage.from_payload(
        {"ts": "1.1", "thread_ts": "1.1", "reply_count": 2, "text": "x", "files": [{"id": "F1"}]},
        "C1",
    )
    assert parent.in_thread and parent.answer_ts == "1.1" and parent.file_ids == ("F1",)
    reply = SlackMessage.from_payload({"ts": "2.2", "thread_ts": "1.1", "text": "y"}, "C1")
    assert reply.in_thread and reply.answer_ts == "1.1"
    alone = SlackMessage.from_payload({"ts": "3.3", "text": "z"}, "C1")
    assert not alone.in_thread and alone.answer_ts == "3.3" and alone.file_ids == ()


def test_message_context_round_trips_and_tolerates_garbage() -> None:
    message = SlackMessage.from_payload(
        {"ts": "2.2", "thread_ts": "1.1", "files": [{"id": "F1"}, {"id": "F2"}]}, "C1"
    )
    context = ModalContext.of(message, LINK)
    assert ModalContext.decode(context.encode()) == context
    assert len(context.encode()) < 3000
    assert ModalContext.decode("not json") == ModalContext()
    assert ModalContext.decode('["list"]') == ModalContext()
    assert ModalContext.decode(None) == ModalContext()
