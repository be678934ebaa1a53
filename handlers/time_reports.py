"""`/redmine time`: the person's (or a colleague's) spent time, read as the person asking."""

from __future__ import annotations

from bot.actions.people import find_person
from bot.actions.time_report import time_report
from bot.blocks.time_report import report_text, time_report_blocks
from bot.domain.timesheet import resolve_period
from bot.inputs import grammar
from handlers.asked import Asked


async def answer_time(wanted: grammar.Time, asked: Asked) -> None:
    redmine = await asked.redmine()
    today = await asked.reads.today(asked.user_id)
    period = resolve_period(wanted.period, today)
    services = asked.services
    person = (
        await find_person(wanted.person, services.identity, services.redmine)
        if wanted.person
        else None
    )
    report = await time_report(redmine, period, person)
    await asked.show(report_text(report), time_report_blocks(report, asked.base_url))
