"""Thin Slack listeners, one module per surface, each with `register(app, services)`."""

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
