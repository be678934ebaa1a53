"""The day review and the week so far name their period in the reader's language."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal
from typing import Any

import pytest

from bot.actions import day_review
from bot.domain.timesheet import DateRange, TimeReport
from bot.i18n import translator_for, using


class NoIssues:
    def __init__(self) -> None:
        self.issues = self

    async def all(self, **filters: Any) -> Any:
        for _never in ():
            yield _never


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[DateRange]:
    periods: list[DateRange] = []

    async def time_report(redmine: Any, period: DateRange, person: Any) -> TimeReport:
        periods.append(period)
        zero = Decimal(0)
        return TimeReport(period, None, zero, (), (), (), zero, ())

    monkeypatch.setattr(day_review, "time_report", time_report)
    return periods


@pytest.mark.parametrize(
    ("locale", "week", "today"),
    [("ja-JP", "今週", "今日"), ("de-DE", "diese Woche", "heute"), ("en-US", "this week", "today")],
)
async def test_the_period_is_named_in_the_readers_language(
    asked: list[DateRange], locale: str, week: str, today: str
) -> None:
    friday = date(2026, 11, 27)
    with using(translator_for(locale)):
        await day_review.review_week(NoIssues(), friday)  # type: ignore[arg-type]
        await day_review.review_day(NoIssues(), friday, UTC, Decimal(8))  # type: ignore[arg-type]
    assert [(p.start, p.end, p.label) for p in asked] == [
        (date(2026, 11, 23), friday, week),
        (friday, friday, today),
    ]
