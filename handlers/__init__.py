"""Thin Slack listeners, one module per surface, each with `register(app, services)`.

A listener acks, reads its input into a typed object (bot.inputs), calls an action
(bot.actions), renders with bot.blocks and sends. It takes what it uses from one
`Asked` (handlers/common.py), built once per request by middleware.

May import: bot.actions, bot.blocks, bot.config, bot.domain, bot.inputs, bot.people,
bot.redmine, bot.services, bot.slack, bot.store, bot.text.
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
    form_changes,
    home,
    options,
    reminders,
    shortcuts,
    threads,
    views,
)


def register_all(app: AsyncApp, services: Services) -> None:
    commands.register(app, services)
    views.register(app, services)
    options.register(app, services)
    actions.register(app, services)
    cards.register(app, services)
    card_edit.register(app, services)
    form_changes.register(app, services)
    shortcuts.register(app, services)
    events.register(app, services)
    home.register(app, services)
    threads.register(app, services)
    reminders.register(app, services)
    errors.register(app, services)
