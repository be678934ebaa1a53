"""bot.blocks.common: the whole dicts, and the cuts at Slack's limits.

Limits (bot/slack/limits.py, each from Slack's reference): a section's text at most 3000
characters (docs.slack.dev/reference/block-kit/blocks/section-block), a button's text
75 (…/block-elements/button-element), an option object's text 75
(…/composition-objects/option-object), a modal title 24 (docs.slack.dev/reference/views/
modal-view). Text objects: `plain_text` with `emoji`, or `mrkdwn`
(…/composition-objects/text-object).
"""

from __future__ import annotations

from bot.blocks.common import button, context, mrkdwn, option, plain, section
from bot.slack import limits


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
