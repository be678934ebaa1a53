"""`time` and `remind` in the /redmine grammar: periods, people, clock times, hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.domain.timesheet import Period
from bot.inputs import grammar
from bot.inputs.grammar import Remind, Time, UsageError, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("time", Time(Period("week"), None)),
        ("time today", Time(Period("today"), None)),
        ("time month", Time(Period("month"), None)),
        ("time last week", Time(Period("last week"), None)),
        ("time Last Week @bob", Time(Period("last week"), "@bob")),
        ("time @bob", Time(Period("week"), "@bob")),
        ("timesheet <@U123|bob> today", Time(Period("today"), "<@U123|bob>")),
        (
            "time 2026-11-01..2026-11-15",
            Time(Period("between", date(2026, 11, 1), date(2026, 11, 15)), None),
        ),
    ],
)
def test_time_reads_the_period_and_the_person(text: str, expected: Time) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("time yesterday", "`yesterday` is not a period"),
        ("time 2026-11-15..2026-11-01", "ends (2026-11-01) before it starts (2026-11-15)"),
        ("time 2026-02-30..2026-03-01", "`2026-02-30` is not a date"),
        ("time 2024-01-01..2025-12-31", "at most 366 days"),
        ("time @bob @erin", "one person at a time"),
    ],
)
def test_a_bad_time_request_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert says in raised.value.message and raised.value.subcommand == "time"


def test_log_keeps_spent_but_gives_time_to_the_report() -> None:
    assert isinstance(parse("spent 4 1h"), grammar.Log)
    assert isinstance(parse("time week"), Time)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("remind 17:30 8", Remind((17, 30), Decimal("8.00"))),
        ("remind 9:05", Remind((9, 5), Decimal("8.00"))),
        ("remind 17:30 6,5", Remind((17, 30), Decimal("6.50"))),
        ("remind off", Remind(None)),
    ],
)
def test_remind_reads_a_clock_time_and_hours(text: str, expected: Remind) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("remind", "When?"),
        ("remind 25:00", "`25:00` is not a time of day"),
        ("remind 17:60", "`17:60` is not a time of day"),
        ("remind 5pm", "`5pm` is not a time of day"),
        ("remind 17:30 30", "`30` is not a number of hours"),
        ("remind 17:30 abc", "`abc` is not a number of hours"),
        ("remind 17:30 NaN", "`NaN` is not a number of hours"),
        ("remind 17:30 8 now", "When?"),
    ],
)
def test_a_bad_reminder_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(text)
    assert says in raised.value.message and raised.value.subcommand == "remind"
