"""`Asked`: one Slack request as a listener uses it, built once per request by middleware.

A listener reads like bolt-python's examples, `async def on_x(ack, asked)`: who asked,
where, the client, `respond` and the services, with the ways this app answers a person
(ephemeral, in a message's thread, or in a direct message) and the one way failures
become a sentence. Bolt hands each context item to the listener argument of the same
name (slack_bolt/kwargs_injection/async_utils.py), so `asking` puts it at
`context["asked"]`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions.errors import describe
from bot.blocks.common import Block
from bot.blocks.metadata import ModalContext
from bot.blocks.modals import message_view
from bot.config import Settings, TextFormatting
from bot.domain.message_text import mentioned_user_ids
from bot.i18n import Translator, speak, translator_for
from bot.people.identity import Identity, NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import ImpersonationError, RedmineError
from bot.services import Services
from bot.slack.web.reads import SlackReads, within
from bot.slack.web.respond import PooledRespond

log = logging.getLogger("redmine_slack.handlers")

Say = Callable[[str], Awaitable[Any]]
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[AsyncBoltContext, dict[str, Any], Next], Awaitable[None]]

# The most a person's first request waits for their Slack locale before it is answered
# in DEFAULT_LOCALE; later requests read it from the users.info cache at no cost.
LOCALE_SECONDS = 0.5


@dataclass(frozen=True)
class Asked:
    """Who asked, where, and how to answer them. `user_id` is the person in the request
    (Bolt's context.user_id); a listener acting for someone else (a reply's author)
    passes that person's id to `acting`, `teller` or `in_thread`."""

    services: Services
    client: AsyncWebClient
    respond: AsyncRespond | None
    body: dict[str, Any]
    user_id: str
    channel_id: str | None
    # A Workflow Builder step's `complete` / `fail` (Bolt's, from the function_executed
    # event's function_execution_id); None for every other request.
    complete: AsyncComplete | None = None
    fail: AsyncFail | None = None

    # -- what the request says ---------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def base_url(self) -> str:
        return self.services.settings.redmine_base_url

    @property
    def formatting(self) -> TextFormatting:
        return self.services.settings.redmine_text_formatting

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id") or "")

    @property
    def response_url(self) -> str | None:
        return self.respond.response_url if self.respond else None

    @cached_property
    def reads(self) -> SlackReads:
        """Slack reads with this app's budgets and caches (bot/slack/web/reads.py)."""
        return SlackReads(self.client, self.services.slack_users)

    async def translator(self) -> Translator:
        """The person's language: their Slack locale, else DEFAULT_LOCALE, else English.

        Events (messages in a channel, a reply's author) answer nobody in the request, so
        they cost no users.info; App Home is the one event a person is shown.
        """
        if self.user_id and _speaks_to_the_person(self.body):
            return await self.language_of(self.user_id)
        return translator_for(None, self.settings.default_locale)

    async def language_of(self, slack_user_id: str) -> Translator:
        """`slack_user_id`'s Slack locale (waited for at most LOCALE_SECONDS), else
        DEFAULT_LOCALE, else English."""
        default = self.settings.default_locale
        fallback = translator_for(None, default)
        return await within(LOCALE_SECONDS, self.reads.language(slack_user_id, default), fallback)

    async def speak_to(self, slack_user_id: str) -> None:
        """From here on, speak `slack_user_id`'s language: an event found to concern a
        person (a reply in a thread we follow, its edit) answers its author, whom the
        request's own translator did not look up (events cost no users.info until then)."""
        speak(await self.language_of(slack_user_id))

    async def mentioned_names(self, text: str | None) -> dict[str, str]:
        """The names of the people a message's text mentions (`<@U123>`)."""
        return await self.reads.names(mentioned_user_ids([text or ""]))

    # -- Redmine, as the person ---------------------------------------------------------------

    async def acting(self, user_id: str | None = None) -> tuple[Identity, Redmine]:
        """The person's identity and the adapter view that acts as them (never the admin)."""
        identity = await self.services.identity.resolve(user_id or self.user_id)
        return identity, self.services.identity.redmine_for(identity)

    async def redmine(self, user_id: str | None = None) -> Redmine:
        return (await self.acting(user_id))[1]

    # -- answers ------------------------------------------------------------------------------

    async def say(self, text: str) -> None:
        """Only the person sees it: through `respond` where the request has one."""
        if not await self._respond(text=text, response_type="ephemeral", replace_original=False):
            await self.tell(text)

    async def show(self, text: str, blocks: list[Block]) -> None:
        """Blocks only the person sees, through `respond`."""
        if self.respond is None:
            return
        if not await self._respond(response_type="ephemeral", text=text, blocks=blocks):
            await tell(self.client, self.channel_id, self.user_id, text, blocks)

    async def announce(self, text: str, blocks: list[Block]) -> None:
        """Everyone in the request's channel sees it, through `respond` (a command's)."""
        if self.respond is None:
            return
        answer = {"response_type": "in_channel", "replace_original": False}
        if await self._respond(text=text, blocks=blocks, **answer):
            return
        if self.channel_id:
            await self.client.chat_postMessage(channel=self.channel_id, text=text, blocks=blocks)
        else:
            await tell(self.client, None, self.user_id, text, blocks)

    async def _respond(self, **message: Any) -> bool:
        """Answer through the request's response_url; False when it did not take the answer.

        A response_url serves 5 answers within 30 minutes
        (api.slack.com/interactivity/handling#message_responses): one that is spent or
        unreachable must not turn work already done in Redmine into "something went
        wrong", so the caller answers through the Web API instead.
        """
        if self.respond is None or not self.respond.response_url:
            return False
        try:
            answer = await self.respond(**message)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.info("response_url did not answer (%s); using the Web API", error)
            return False
        if answer.status_code >= 400:
            log.info("response_url refused (HTTP %s); using the Web API", answer.status_code)
            return False
        return True

    async def tell(self, text: str) -> None:
        """Ephemeral in the request's channel, else a direct message."""
        await tell(self.client, self.channel_id, self.user_id, text)

    def teller(self, channel_id: str | None = None, user_id: str | None = None) -> Say:
        """`tell`, for another channel (None: a direct message) or person."""

        async def say(text: str) -> None:
            await tell(self.client, channel_id, user_id or self.user_id, text)

        return say

    def in_thread(self, context: ModalContext, user_id: str | None = None) -> Say:
        """Only the person sees it, in the message's thread (else a direct message)."""

        async def say(text: str) -> None:
            await tell_in_thread(self.client, context, user_id or self.user_id, text)

        return say

    async def post_in_thread(
        self, context: ModalContext, text: str, *, private: bool = False
    ) -> None:
        """Everyone in the thread sees it; when the bot may not post there, the person does.

        `private` (a private issue or note) never reaches the channel: only the person hears.
        """
        if context.channel_id and not private:
            try:
                await self.client.chat_postMessage(
                    channel=context.channel_id,
                    thread_ts=context.thread_ts,
                    text=text,
                    unfurl_links=False,
                )
                return
            except SlackApiError as error:
                log.info("posting in the thread failed (%s)", error.response.get("error"))
        await tell_in_thread(self.client, context, self.user_id, text)

    async def run_step(self, user_id: str, work: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        """A workflow step: `work` returns the step's outputs, for `functions.completeSuccess`;
        any failure ends the step with `functions.completeError` and the sentence a person
        would have heard, which Slack shows the workflow's people instead."""

        async def fail(text: str) -> None:
            if self.fail is not None:
                await self.fail(error=text)

        outputs: dict[str, Any] | None = None
        async with answering_failures(self.services, user_id, fail):
            outputs = await work()
        if outputs is not None and self.complete is not None:
            await self.complete(outputs=outputs)

    def answering_failures(
        self, say: Say | None = None, user_id: str | None = None
    ) -> AbstractAsyncContextManager[None]:
        """Run the work; any failure becomes one sentence to the person (`say`, by default
        `self.say`), never a trace."""
        return answering_failures(self.services, user_id or self.user_id, say or self.say)

    async def open_form(self, view: dict[str, Any], trigger_id: str | None = None) -> str | None:
        """Open a form at once (its trigger expires 3 s after the click), then replace it
        with the reason if the person cannot act in Redmine: the form would only fail at
        the end. The form's view id, or None where it was replaced."""
        opened = await self.client.views_open(trigger_id=trigger_id or self.trigger_id, view=view)
        view_id = str(opened["view"]["id"])
        try:
            await self.services.identity.resolve(self.user_id)
        except NotLinked as error:
            await self.client.views_update(
                view_id=view_id, view=message_view("Redmine", error.message)
            )
            return None
        return view_id


def asking(services: Services) -> Middleware:
    """Bolt middleware: build the request's `Asked` once, for every listener."""

    async def ask(context: AsyncBoltContext, body: dict[str, Any], next_: Next) -> None:
        # Bolt's `respond` opens a session per answer; this one keeps the process's open
        # (bot/slack/web/respond.py). Listeners taking `respond` get it too.
        if context.respond is not None:
            context["respond"] = PooledRespond(context.respond, services.responses)
        context["asked"] = Asked(
            services=services,
            client=context.client,
            respond=context.respond,
            body=body,
            user_id=context.user_id or "",
            channel_id=context.channel_id,
            complete=context.complete if context.function_execution_id else None,
            fail=context.fail if context.function_execution_id else None,
        )
        # Set in the request's own task, before Bolt runs (or starts the task of) the
        # listener, which copies the context: everything it says is in this language.
        speak(await context["asked"].translator())
        await next_()

    return ask


def _speaks_to_the_person(body: dict[str, Any]) -> bool:
    if body.get("type") != "event_callback":
        return True  # a command, an interaction, an options request
    return (body.get("event") or {}).get("type") == "app_home_opened"


@asynccontextmanager
async def answering_failures(
    services: Services, slack_user_id: str, say: Say
) -> AsyncIterator[None]:
    try:
        yield
    except ImpersonationError as error:
        services.identity.forget(slack_user_id)  # the account may have been locked meanwhile
        await say(describe(error))
    except NotLinked as error:
        await say(error.message)
    except RedmineError as error:
        log.info("Redmine refused: %s", error)
        await say(describe(error))
    except Exception as error:  # the last line of defence: a person must get an answer
        if not hasattr(error, "message"):
            log.exception("unexpected failure")
        await say(describe(error))


async def tell(
    client: AsyncWebClient,
    channel_id: str | None,
    user_id: str,
    text: str,
    blocks: list[Block] | None = None,
) -> None:
    """Say something only `user_id` sees: ephemeral in the channel, else a direct message."""
    if channel_id:
        try:
            await client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError as error:
            log.info(
                "ephemeral in %s failed (%s); sending a DM", channel_id, error.response.get("error")
            )
    await client.chat_postMessage(channel=user_id, text=text, blocks=blocks)


async def tell_in_thread(
    client: AsyncWebClient, context: ModalContext, user_id: str, text: str
) -> None:
    """Only `user_id` sees it: ephemeral in the message's thread, else a direct message."""
    if context.channel_id and context.thread_ts:
        try:
            await client.chat_postEphemeral(
                channel=context.channel_id, user=user_id, text=text, thread_ts=context.thread_ts
            )
            return
        except SlackApiError as error:
            log.info("ephemeral in thread failed (%s)", error.response.get("error"))
    await tell(client, context.channel_id or None, user_id, text)
