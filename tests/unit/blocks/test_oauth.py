"""The pages the OAuth callback shows and the Connect button: plain, escaped, one
sentence per outcome, and the person's language."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.home import unlinked_home_view
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import API_KEY, connect_modal
from bot.blocks.oauth import (
    CONNECT_OAUTH_ACTION,
    FAILURES,
    connect_blocks,
    connected_page,
    failed_page,
)
from bot.i18n import translator_for, using
from tests.support.blockkit import problems


def test_the_connected_page_names_the_account_escaped() -> None:
    page = connected_page("bob", "Bob <script>alert(1)</script>")
    assert page.status == 200
    assert "bob (Bob &lt;script&gt;alert(1)&lt;/script&gt;)" in page.html
    assert "<script>" not in page.html


@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_each_failure_has_its_own_sentence_and_says_nothing_was_stored(failure: str) -> None:
    page = failed_page(failure, "Redmine's <b>words</b>")
    assert "<b>" not in page.html
    others = {f: failed_page(f, "d").html for f in FAILURES if f != failure}
    assert page.html not in others.values()
    if failure == "not_configured":
        assert page.status == 404
    else:
        assert "Nothing was stored" in page.html
        redmine_side = failure in {"exchange_refused", "unreachable", "account_unreadable"}
        assert page.status == (502 if redmine_side else 400)


def test_redmines_reason_is_shown_where_the_sentence_has_a_place_for_it() -> None:
    page = failed_page("exchange_refused", "The provided authorization grant is invalid")
    assert "(The provided authorization grant is invalid)" in page.html


def test_the_page_speaks_the_persons_language() -> None:
    with using(translator_for("de")):
        page = failed_page("denied")
    assert "Es wurde nichts gespeichert" in page.html


def test_the_connect_button_is_a_link_button_slack_still_sends_to_be_acked() -> None:
    [section] = connect_blocks("https://bot.example.com/redmine/oauth/start?link=x")
    button = section["accessory"]
    # docs.slack.dev/reference/block-kit/block-elements/button-element: url up to 3000
    # characters; an action_id, since the click still reaches the app.
    assert button["url"].startswith("https://bot.example.com/redmine/oauth/start?")
    assert button["action_id"] == CONNECT_OAUTH_ACTION
    assert len(connect_blocks("https://x/" + "a" * 4000)[0]["accessory"]["url"]) == 3000


START = "https://bot.example.com/redmine/oauth/start?link=abc.def"


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b["accessory"] for b in blocks if (b.get("accessory") or {}).get("type") == "button"]


def test_the_connect_modal_offers_the_button_first_and_keeps_the_pasted_key() -> None:
    view = connect_modal(ModalContext(channel_id="C1"), START)
    assert problems(view=view) == []
    [button] = buttons(view["blocks"])
    assert button["url"] == START
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [API_KEY]
    # Older Redmines (no OAuth2) or no REDMINE_OAUTH_*: the key alone, as before.
    plain_view = connect_modal(ModalContext(channel_id="C1"))
    assert buttons(plain_view["blocks"]) == []
    assert [b["block_id"] for b in plain_view["blocks"] if b["type"] == "input"] == [API_KEY]


def test_the_home_of_an_unknown_person_offers_the_button_where_there_is_one() -> None:
    view = unlinked_home_view("No active Redmine account has your Slack email.", START)
    assert problems(view=view) == []
    [button] = buttons(view["blocks"])  # type: ignore[arg-type]
    assert (button["url"], button["text"]["text"]) == (START, "Connect with Redmine")
    assert buttons(unlinked_home_view("reason")["blocks"]) == []  # type: ignore[arg-type]
