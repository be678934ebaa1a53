"""Handing this app's `Services` to module-level listeners, without closures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.context.async_context import AsyncBoltContext

from bot.services import Services

Middleware = Callable[[AsyncBoltContext, Callable[[], Awaitable[None]]], Awaitable[None]]


def providing(services: Services) -> Middleware:
    """A listener middleware putting `services` in Bolt's context.

    Bolt passes each context item to a listener argument of the same name
    (slack_bolt/kwargs_injection/async_utils.py), so a listener declaring
    `services: Services` gets this app's.
    """

    async def provide(context: AsyncBoltContext, next_: Callable[[], Awaitable[None]]) -> None:
        context["services"] = services
        await next_()

    return provide
