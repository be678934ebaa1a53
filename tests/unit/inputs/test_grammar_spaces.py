"""Words are split where a person puts a space, whichever space their keyboard types.

A Japanese (or Chinese) input method types the full-width space U+3000 between words:
`/redmine create alpha　プリンター` must read as `create alpha プリンター`. Every command
splits on it, and on the other spaces `str.split()` knows (no-break space, tab ...), as
on an ASCII space; what is kept as typed (a subject, a note) keeps its own spaces.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from bot.inputs import grammar
from bot.inputs.grammar import UsageError, parse, split_word

IDEOGRAPHIC = "\u3000"  # what a Japanese IME types for the space bar
SPACES = [IDEOGRAPHIC, "\u00a0", "\t", IDEOGRAPHIC * 2, " " + IDEOGRAPHIC, "\u2003"]

# One line per command, written with `_` where a person puts a space.
COMMANDS = [
    "help_log",
    "create_alpha_Printer jams",
    "new_alpha_Printer",
    "show_#12",
    "view_12",
    "note_3_some *text*",
    "log_42_1h30_development_fixed it",
    "log_42_1h_30min_development",
    "log_#42_1.5",
    "search_printer_fire",
    "attach_9",
    "subscribe_alpha_lang:ja_trackers:Bug",
    "subscribe_query:Open bugs_lang:de",
    "unsubscribe_alpha",
    "subscriptions",
    "whoami",
    "time_last_week_@bob",
    "time_2026-11-01..2026-11-15",
    "remind_17:30_6",
    "remind_off",
]


def spaces_as_ascii(command: grammar.Command) -> grammar.Command:
    """The command with the spaces inside its free text (a subject, search words, a
    comment), which are kept as typed, read as ASCII spaces."""
    changes = {
        f.name: " ".join(value.split())
        for f in dataclasses.fields(command)
        if isinstance(value := getattr(command, f.name), str)
    }
    return dataclasses.replace(command, **changes)


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_splits_on_any_space_as_on_an_ascii_one(command: str, space: str) -> None:
    parsed = parse(command.replace("_", space))
    assert spaces_as_ascii(parsed) == parse(command.replace("_", " "))


@pytest.mark.parametrize("space", SPACES)
def test_the_ime_space_around_the_whole_text_is_ignored(space: str) -> None:
    assert parse(f"{space}show{space}#12{space}") == grammar.Show(12)
    assert parse(f"{space}#12{space}") == grammar.Show(12)
    assert parse(space) == grammar.Help()


def test_a_japanese_create_splits_the_project_and_keeps_the_subject_as_typed() -> None:
    # The subcommand is split off; the subject's own full-width space stays in it.
    command = parse(f"create{IDEOGRAPHIC}alpha{IDEOGRAPHIC}プリンターが{IDEOGRAPHIC}紙詰まり")
    assert command == grammar.Create(f"alpha{IDEOGRAPHIC}プリンターが{IDEOGRAPHIC}紙詰まり")
    note = parse(f"note{IDEOGRAPHIC}7{IDEOGRAPHIC}直しました{IDEOGRAPHIC}確認お願いします")
    assert note == grammar.Note(7, f"直しました{IDEOGRAPHIC}確認お願いします")


def test_two_word_hours_typed_with_the_ime_space_are_one_duration() -> None:
    log = parse(f"log 42 1h{IDEOGRAPHIC}30min{IDEOGRAPHIC}開発作業{IDEOGRAPHIC}直した")
    assert log == grammar.Log(42, Decimal("1.50"), "1h 30min", f"開発作業{IDEOGRAPHIC}直した")


@pytest.mark.parametrize(
    ("text", "message", "subcommand"),
    [
        (f"show{IDEOGRAPHIC}1{IDEOGRAPHIC}2", "`show` takes only the issue number.", "show"),
        (f"mine{IDEOGRAPHIC}please", "`mine` takes no arguments.", "mine"),
        (f"note{IDEOGRAPHIC}5{IDEOGRAPHIC}", "What should the note say?", "note"),
        (f"help{IDEOGRAPHIC}nope", "There is no command `nope` to explain.", None),
        (
            f"unsubscribe{IDEOGRAPHIC}a{IDEOGRAPHIC}b",
            "`unsubscribe` takes only the project.",
            "unsubscribe",
        ),
        # A zero-width space is no space (str.split() keeps it): the word is not a command.
        ("show\u200b12", "I don't know the command `show\u200b12`.", None),
    ],
)
def test_usage_errors_read_the_ime_space_as_a_space(
    text: str, message: str, subcommand: str | None
) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert (caught.value.message, caught.value.subcommand) == (message, subcommand)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("", "")),
        (IDEOGRAPHIC, ("", "")),
        ("alpha", ("alpha", "")),
        (f"alpha{IDEOGRAPHIC}", ("alpha", "")),
        (f"alpha{IDEOGRAPHIC}プリンター", ("alpha", "プリンター")),
        (f"{IDEOGRAPHIC}alpha \u00a0 a{IDEOGRAPHIC}b {IDEOGRAPHIC}", ("alpha", f"a{IDEOGRAPHIC}b")),
    ],
)
def test_split_word(text: str, expected: tuple[str, str]) -> None:
    assert split_word(text) == expected
