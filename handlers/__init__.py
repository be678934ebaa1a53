"""Thin Slack listeners, one module per surface, each with `register(app)`.

A listener is `async def on_x(ack, asked)`: it acks, reads its input into a typed
object (bot.inputs), calls an action (bot.actions), renders with bot.blocks and
answers. Everything it uses comes in one `Asked` (handlers/asked.py: the person, the
channel, `respond`, the client, the services), built once per request by middleware.

May import: bot.actions, bot.blocks, bot.config, bot.domain, bot.i18n, bot.inputs,
bot.people, bot.redmine, bot.services, bot.slack, bot.store, bot.text.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import (
    actions,
    card_edit,
    cards,
    commands,
    errors,
    events,
    flexpane,
    form_changes,
    home,
    options,
    reminders,
    shortcuts,
    threads,
    views,
    workflow_steps,
)
from handlers.asked import asking

SURFACES = (
    commands,
    views,
    options,
    actions,
    cards,
    card_edit,
    form_changes,
    shortcuts,
    events,
    flexpane,
    home,
    threads,
    reminders,
    workflow_steps,
    errors,
)


def register_all(app: AsyncApp, services: Services) -> None:
    app.use(asking(services))  # every listener gets `asked`
    for surface in SURFACES:
        surface.register(app)
