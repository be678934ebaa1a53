from __future__ import annotations

from decimal import Decimal

import pytest

from bot.i18n import translator_for, using
from bot.inputs import grammar
from bot.inputs.grammar import UsageError, parse, parse_hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", grammar.Help()),
        ("help log", grammar.Help("log")),
        ("help spent", grammar.Help("log")),
        ("help time", grammar.Help("time")),
        ("create", grammar.Create("")),
        ("new alpha Printer on fire", grammar.Create("alpha Printer on fire")),
        ("show #12", grammar.Show(12)),
        ("show 12", grammar.Show(12)),
        ("#12", grammar.Show(12)),
        ("note 3 some *text*", grammar.Note(3, "some *text*")),
        ("search printer fire", grammar.Search("printer fire")),
        ("attach #9", grammar.Attach(9)),
        (
            "subscribe alpha trackers:Bug events:notes",
            grammar.Subscribe("alpha", ("trackers:Bug", "events:notes")),
        ),
        ("unsubscribe alpha", grammar.Unsubscribe("alpha")),
        ("subscriptions", grammar.Subscriptions()),
        ("connect", grammar.Connect()),
        ("disconnect", grammar.Disconnect()),
        ("whoami", grammar.Whoami()),
        ("MINE", grammar.Mine()),
    ],
)
def test_parse(text: str, expected: grammar.Command) -> None:
    assert parse(text) == expected


def test_plain_text_arguments_are_read_back_as_typed() -> None:
    # Slack escapes &, < and > in the text it sends (api.slack.com/reference/surfaces/
    # formatting#escaping; slack-ruby/slack-ruby-bot#237 shows "MSc &amp; MBA" arriving).
    assert parse("create alpha R&amp;D budget &lt;draft&gt;") == grammar.Create(
        "alpha R&D budget <draft>"
    )
    assert parse("search fish &amp; chips") == grammar.Search("fish & chips")
    log = parse("log 4 1h dev a &amp; b")
    assert isinstance(log, grammar.Log) and log.rest == "dev a & b"
    # A note's mrkdwn is converted as a whole later: it stays as Slack sent it.
    assert parse("note 4 a &amp; b") == grammar.Note(4, "a &amp; b")


@pytest.mark.parametrize(
    ("text", "hours", "hours_text", "rest"),
    [
        ("log 42 1.5", "1.50", "1.5", ""),
        ("log 42 1,5 design", "1.50", "1,5", "design"),
        ("log 42 1h30 development fixed it", "1.50", "1h30", "development fixed it"),
        ("log #42 1:45", "1.75", "1:45", ""),
        ("log 42 90m", "1.50", "90m", ""),
        ("log 42 1h 30min development", "1.50", "1h 30min", "development"),
        ("log 42 2h", "2.00", "2h", ""),
        ("log 42 2 design review", "2.00", "2", "design review"),
    ],
)
def test_log_hours_in_every_form_redmine_accepts(
    text: str, hours: str, hours_text: str, rest: str
) -> None:
    assert parse(text) == grammar.Log(42, Decimal(hours), hours_text, rest)


@pytest.mark.parametrize(
    ("text", "message", "subcommand"),
    [
        ("frobnicate", "I don't know the command `frobnicate`.", None),
        ("show abc", "`abc` is not an issue number (use `123` or `#123`).", "show"),
        ("show", "Which issue? Give its number.", "show"),
        ("show 1 2", "`show` takes only the issue number.", "show"),
        ("note 5", "What should the note say?", "note"),
        ("log 5", "How many hours? e.g. `log 42 1h30`.", "log"),
        ("log 5 0", "Hours must be more than zero.", "log"),
        (
            "log 5 abc",
            "`abc` is not a duration. Use e.g. `1.5`, `1h30`, `1:30`, `90m` or `1h 30min`.",
            "log",
        ),
        ("search", "What should I search for?", "search"),
        ("mine please", "`mine` takes no arguments.", "mine"),
        ("help nope", "There is no command `nope` to explain.", None),
        ("unsubscribe a b", "`unsubscribe` takes only the project.", "unsubscribe"),
        ("subscribe", "Which project? Give its identifier, e.g. `my-project`.", "subscribe"),
    ],
)
def test_usage_errors_name_the_problem(text: str, message: str, subcommand: str | None) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.subcommand == subcommand


def test_hours_are_capped() -> None:
    with pytest.raises(UsageError):
        parse_hours("5000")


def test_every_subcommand_has_its_parser() -> None:
    assert set(grammar.PARSERS) == {sub.name for sub in grammar.SUBCOMMANDS}


def test_a_usage_error_is_said_in_the_persons_language() -> None:
    with using(translator_for("ja-JP")), pytest.raises(grammar.UsageError) as error:
        grammar.parse("show abc")
    assert (
        error.value.message
        == "`abc` はチケット番号ではありません(`123` または `#123` と入力してください)。"
    )
    with using(translator_for("sw")), pytest.raises(grammar.UsageError) as error:
        grammar.parse("frobnicate")
    assert error.value.message == "I don't know the command `frobnicate`."
