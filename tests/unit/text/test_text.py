from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.config import TextFormatting
from bot.text import (
    escape_mrkdwn,
    link,
    redmine_to_mrkdwn,
    slack_to_redmine,
    truncate,
    unescape_mrkdwn,
)

TEXTILE, COMMON_MARK = TextFormatting.textile, TextFormatting.common_mark
NAMES = {"U1": "alice"}
# A "<" in converter output may only open a link it built: <http(s)/mailto...|label>.
OWN_LINK = re.compile(r"<(?:https?://|mailto:)[^<>|\s]*\|[^<>]*>")


@pytest.mark.parametrize(
    ("slack", "textile", "common_mark"),
    [
        (
            "*deploy* <https://x.y|the docs> cc <@U1>",
            '*deploy* "the docs":https://x.y cc @alice',
            "**deploy** [the docs](https://x.y) cc @alice",
        ),
        ("plain sentence.", "plain sentence.", "plain sentence."),
        ("_it_ and ~gone~", "_it_ and -gone-", "_it_ and ~~gone~~"),
        ("see <https://x.y>", "see https://x.y", "see https://x.y"),
        ("<@U9|bob> in <#C1|general> <!here>", "@bob in #general @here", "@bob in #general @here"),
        ("<@U9>", "@U9", "@U9"),
        ("a &lt;b&gt; &amp; c", "a <b> & c", "a <b> & c"),
        ("&gt; quoted", "bq. quoted", "> quoted"),
        ("• one\n• two", "* one\n* two", "- one\n- two"),
        ("1. first", "# first", "1. first"),
        ("`a*b*c`", "@a*b*c@", "`a*b*c`"),
        ("```x = *1*\ny < 2```", "<pre>x = *1*\ny &lt; 2</pre>", "```\nx = *1*\ny < 2\n```"),
        ("h1. not a heading", "==h1.== not a heading", "h1. not a heading"),
    ],
)
def test_slack_to_redmine(slack: str, textile: str, common_mark: str) -> None:
    assert slack_to_redmine(slack, TEXTILE, names=NAMES) == textile
    assert slack_to_redmine(slack, COMMON_MARK, names=NAMES) == common_mark


@pytest.mark.parametrize(
    ("redmine", "formatting", "mrkdwn"),
    [
        ("Deploy <!channel> now", TEXTILE, "Deploy &lt;!channel&gt; now"),
        ("h2. Title", TEXTILE, "*Title*"),
        ("## Title", COMMON_MARK, "*Title*"),
        ("*b* _i_ -s- @c@", TEXTILE, "*b* _i_ ~s~ `c`"),
        ("**b** *i* ~~s~~ `c`", COMMON_MARK, "*b* _i_ ~s~ `c`"),
        ('"docs":https://x.y/a', TEXTILE, "<https://x.y/a|docs>"),
        ("[docs](https://x.y/a)", COMMON_MARK, "<https://x.y/a|docs>"),
        ("[click](javascript:alert(1))", COMMON_MARK, "click"),
        ("* a\n** b\n# c", TEXTILE, "• a\n    • b\n1. c"),
        ("bq. quoted", TEXTILE, "> quoted"),
        ("<pre>a < b</pre>", TEXTILE, "```\na &lt; b\n```"),
        ("a well-known 5-10 range", TEXTILE, "a well-known 5-10 range"),
        ('"<!here>":https://x.y', TEXTILE, "<https://x.y|&lt;!here&gt;>"),
    ],
)
def test_redmine_to_mrkdwn(redmine: str, formatting: TextFormatting, mrkdwn: str) -> None:
    assert redmine_to_mrkdwn(redmine, formatting) == mrkdwn


def test_issue_references_link_to_redmine() -> None:
    assert redmine_to_mrkdwn("see #12", base_url="https://r.example/") == (
        "see <https://r.example/issues/12|#12>"
    )


def test_link_refuses_unsafe_urls_and_escapes_labels() -> None:
    assert link("javascript:alert(1)", "x") == "x"
    assert link("https://a.b/c|d>e", "<b> | c") == "<https://a.b/c%7Cd%3Ee|&lt;b&gt; ¦ c>"


def test_truncate_keeps_entities_and_links_whole() -> None:
    text = "a &amp; b <http://x.y|link text> more words here"
    assert truncate(text, 5) == "a…"
    assert truncate(text, 20, "http://m") == "a &amp; b… <http://m|more>"
    assert truncate("short", 10) == "short"
    assert truncate("```\ncode line\nmore code\n```", 15).endswith("```…")


@given(st.text())
def test_escaped_text_has_no_control_characters_and_round_trips(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape_mrkdwn(escaped) == text


@example(">", COMMON_MARK)  # an empty quote line once came out as a raw ">"
@example("a\n>\n> b", COMMON_MARK)
@given(st.text(), st.sampled_from([TEXTILE, COMMON_MARK]))
def test_redmine_text_never_pings_or_forges(text: str, formatting: TextFormatting) -> None:
    out = redmine_to_mrkdwn(text, formatting, base_url="https://r.example")
    assert "<!" not in out and "<@" not in out and "<#" not in out
    assert "<" not in OWN_LINK.sub("", out)
    assert ">" not in re.sub(r"^> ", "", OWN_LINK.sub("", out), flags=re.MULTILINE)


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.integers(min_value=1, max_value=300),
)
def test_truncate_respects_the_limit(text: str, limit: int) -> None:
    escaped = escape_mrkdwn(text)
    out = truncate(escaped, limit)
    assert len(out) <= limit + 4 + 1  # "…" and a closing code fence at most
    assert not re.search(r"&(?:a|am|l|g)?$", out.removesuffix("…"))


@given(st.text())
def test_slack_to_redmine_never_raises(text: str) -> None:
    assert isinstance(slack_to_redmine(text, TEXTILE), str)
    assert isinstance(slack_to_redmine(text, COMMON_MARK), str)
