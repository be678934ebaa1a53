"""The pages the OAuth callback shows and the Connect button: plain, escaped, one
sentence per outcome, and the person's language."""

from __future__ import annotations

import pytest

from bot.blocks.oauth import (
    CONNECT_OAUTH_ACTION,
    FAILURES,
    connect_blocks,
    connected_page,
    failed_page,
)
from bot.i18n import translator_for, using


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
    [section] = connect_blocks("https://bot.example.com/redmine/oauth/start?link=x", "Sign in")
    button = section["accessory"]
    # docs.slack.dev/reference/block-kit/block-elements/button-element: url up to 3000
    # characters; an action_id, since the click still reaches the app.
    assert button["url"].startswith("https://bot.example.com/redmine/oauth/start?")
    assert button["action_id"] == CONNECT_OAUTH_ACTION
    assert len(connect_blocks("https://x/" + "a" * 4000, "t")[0]["accessory"]["url"]) == 3000
