"""Every language fits Slack: translated buttons, options, placeholders and titles stay
within Slack's limits, and the Block Kit built in each language passes Slack's checks.

Two ways, so neither can pass on nothing: the builders are run in every language and what
they return is checked with python-slack-sdk's own Block Kit validation (the fake Slack's
check, tests/support/blockkit.py); and every translation of a sentence that English
already uses as a button, option or title is held to that element's limit
(bot/slack/limits.py), whatever builder uses it later.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from bot.blocks.home import home_error_view, reminder_blocks, unlinked_home_view
from bot.blocks.issues import issue_card, issue_list, search_results
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import (
    IssueFormState,
    attach_modal,
    connect_modal,
    issue_modal,
    message_attach_modal,
    message_note_modal,
    message_time_modal,
    message_view,
)
from bot.blocks.notifications import change_message, new_issue_message
from bot.config import TextFormatting
from bot.domain.journal_event import Change, JournalEvent
from bot.i18n import LANGUAGES, SOURCE_LANGUAGE, translator_for, using
from bot.i18n.catalogs import read_catalog
from bot.inputs.help import help_blocks
from bot.slack import limits
from tests.support.blockkit import problems
from tests.support.redmine_fixtures import BASE_URL, issue, issues
from tests.support.redmine_fixtures import search_results as recorded_results

TEXTILE = TextFormatting.textile


def built_blocks() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Every message builder the catalog speaks through, in the current language."""
    private = issue("issue__private")
    dated = private.model_copy(update={"due_date": date(2026, 12, 24), "done_ratio": 40})
    yield "help", help_blocks("A problem.")
    yield "help log", help_blocks(topic="log")
    yield "help subscribe", help_blocks(topic="subscribe")
    for watching in (None, True, False):
        yield (
            f"card watching={watching}",
            issue_card(dated, BASE_URL, TEXTILE, with_actions=True, watching=watching),
        )
    yield "list", issue_list(issues("issues__alpha"), BASE_URL, heading="*h*", empty="e")
    results = recorded_results("search__export")
    yield "search", search_results("printer", results, {}, offset=0, total=500, base_url=BASE_URL)
    yield "search none", search_results("printer", [], {}, offset=0, total=0, base_url=BASE_URL)
    yield "new issue", new_issue_message(dated, BASE_URL, TEXTILE)[1]
    yield "reminder off", reminder_blocks(None)
    event = JournalEvent(9, "Alice", True, [Change("status", "Status: New → *Closed*")], "n")
    for in_thread in (True, False):
        yield (
            f"change in_thread={in_thread}",
            change_message(dated, event, BASE_URL, TEXTILE, in_thread=in_thread)[1],
        )


def built_views() -> Iterator[tuple[str, dict[str, Any]]]:
    context = ModalContext("C1", issue_id=42)
    yield "connect", connect_modal(context)
    yield "attach", attach_modal(context, "#42")
    yield "message", message_view("Redmine", "A sentence.")
    threaded = ModalContext(
        "C1", message_ts="1.2", thread_ts="1.1", in_thread=True, file_ids=("F1", "F2")
    )
    yield "new issue", issue_modal(threaded, IssueFormState(subject="s"), file_count=2)
    yield "note", message_note_modal(threaded, "a note", issue_id=42)
    yield "time", message_time_modal(threaded, today=date(2026, 12, 7), comment="c")
    yield "attach to", message_attach_modal(threaded, ["a.png", "b.pdf"])
    yield "unlinked home", unlinked_home_view("Connect first.")
    yield "home error", home_error_view("Redmine is down.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_block_kit_built_in_every_language_passes_slacks_checks(language: str) -> None:
    with using(translator_for(language)):
        found = {name: problems(blocks=blocks) for name, blocks in built_blocks()}
        found |= {name: problems(view=view) for name, view in built_views()}
    assert {name: found_ for name, found_ in found.items() if found_} == {}


def test_the_builders_really_speak_each_language() -> None:
    # The check above would pass on English-only builders; these words show it does not.
    with using(translator_for("ja")):
        card = str(issue_card(issue("issue__private"), BASE_URL, TEXTILE, with_actions=True))
    assert "自分に割り当て" in card and "ウォッチ / ウォッチをやめる" in card
    with using(translator_for("ru")):
        assert "Ещё" in str(
            search_results(
                "x", recorded_results("search__export"), {}, offset=0, total=99, base_url=BASE_URL
            )
        )


# Sentences English already uses as a Slack element's text: their limit, by element.
SHORT_TEXTS: list[tuple[int, list[str]]] = [
    (
        limits.BUTTON_TEXT,
        [
            "Assign to me",
            "Add note",
            "Log time",
            "Watch",
            "Unwatch",
            "Watch / Unwatch",
            "Edit",
            "More",
        ],
    ),
    (
        limits.PLACEHOLDER,
        [
            "Change status",
            "Choose a project",
            "Choose an activity",
            "Assigned to you, or yours",
            "40 hexadecimal characters",
            "123 or #123",
            "Nobody",
        ],
    ),
    (limits.OPTION_TEXT, ["Yes", "No", "None", "Nobody"]),
    # View titles, submit and close: Slack's tightest limit, 24 characters.
    (
        limits.VIEW_TITLE,
        [
            "Connect Redmine",
            "Attach files",
            "New Redmine issue",
            "Add a Redmine note",
            "Log time in Redmine",
            "Attach to Redmine",
            "Connect",
            "Attach",
            "Create",
            "Add note",
            "Log time",
            "Cancel",
            "Close",
        ],
    ),
]


def test_every_translation_of_a_button_or_placeholder_fits_its_limit() -> None:
    too_long = []
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        catalog = read_catalog(language)
        for limit, sentences in SHORT_TEXTS:
            for sentence in sentences:
                message = catalog.get(sentence)
                assert message is not None, f"{language} lacks {sentence!r}"
                if len(str(message.string)) > limit:
                    too_long.append(f"{language}: {message.string!r} > {limit}")
    assert too_long == []
