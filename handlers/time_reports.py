"""`/redmine time`: the person's (or a colleague's) spent time, read as the person asking."""

from __future__ import annotations

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.people import find_person
from bot.actions.time_report import time_report
from bot.blocks.time_report import report_text, time_report_blocks
from bot.domain.timesheet import resolve_period
from bot.inputs import grammar
from bot.services import Services
from bot.slack.web.reads import SlackReads
from handlers.common import acting_as


async def answer_time(
    services: Services,
    client: AsyncWebClient,
    user_id: str,
    asked: grammar.Time,
    respond: AsyncRespond,
) -> None:
    _, redmine = await acting_as(services, user_id)
    today = await SlackReads(client, services.slack_users).today(user_id)
    period = resolve_period(asked.period, today)
    person = (
        await find_person(asked.person, services.identity, services.redmine)
        if asked.person
        else None
    )
    report = await time_report(redmine, period, person)
    await respond(
        response_type="ephemeral",
        replace_original=False,
        text=report_text(report),
        blocks=time_report_blocks(report, services.settings.redmine_base_url),
    )
