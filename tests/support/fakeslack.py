"""A small local fake of Slack's Web API, reached through SLACK_API_URL.

Slack's SDK client runs on aiohttp, which respx cannot see, so the tests point
SLACK_API_URL here (as bolt-python's own tests do). It records every call with its
arguments and the token it carried, answers like Slack for the methods the app uses,
serves `response_url` posts and private file downloads, and can be told to fail.

Where real Slack is known to surprise, the fake does the same by default; each
behaviour is a switch on `FakeSlack` (all on after `reset()`), so a test that needs
a kinder Slack says so by name:

- `options_without_state`: block_suggestion payloads carry an empty
  `view.state.values` (bolt-python tests/scenario_tests_async/test_block_suggestion.py
  sends `"state": {"values": {}}`; the harness applies it to what tests send).
- `views_update_keeps_values`: `views.update` keeps what the person entered in every
  input whose block_id and action_id are unchanged (api.slack.com/surfaces/modals,
  "Updating views"); `enter()` records input, `view_state()` reads it back.
- `not_in_channel`: history reads in a public channel the bot is not in answer
  `not_in_channel`; in a private one it cannot see, `channel_not_found`
  (api.slack.com/methods/conversations.replies, Errors).
- `expired_trigger_id`: `views.open` more than 3 s after its trigger answers
  `expired_trigger_id` (api.slack.com/methods/views.open, Errors; trigger ids expire
  after three seconds, api.slack.com/interactivity/handling#modal_responses).
- `missing_scope`: a method whose scope slack-manifest.yml does not request answers
  `missing_scope` with `needed` and `provided`, as Slack's Web API does
  (api.slack.com/web#scopes).
- `ratelimit()`: a 429 with `Retry-After`, `error: ratelimited`, on any method when
  asked (api.slack.com/apis/rate-limits).
- `update_needs_message`: `chat.update` edits only a message the bot posted that is still
  in the channel. The fake keeps every message the bot posted (chat.postMessage, and an
  `in_channel` answer through a response_url that `response_url(channel=...)` tied to a
  channel); `add_message()` seeds one, by a person or the bot, `delete_message()` removes
  one as someone deleting it in Slack would. Anything else answers as Slack's chat.update
  Errors list says (docs.slack.dev/reference/methods/chat.update; the same enum and a
  `cant_update_message` example answer in slackapi/slack-api-specs
  web-api/slack_web_openapi_v2.json, `/chat.update`): `message_not_found` "No message
  exists with the requested timestamp" (also for an ephemeral message, which is no message
  in the channel's history: it is changed through its response_url, never chat.update),
  `cant_update_message` "Authenticated user does not have permission to update this
  message" (a person's), `channel_not_found` "Value passed for `channel` was invalid".
- Workflow steps: `start_step()` is Slack starting a custom step (a `function_executed`
  event, shaped as in bolt-python tests/scenario_tests_async/test_function.py): it issues
  the execution's `bot_access_token` (an `xwfp-` token, which the fake accepts as it does
  the bot token) and keeps the execution running until `functions.completeSuccess` or
  `functions.completeError` ends it. As docs.slack.dev/reference/methods/
  functions.completeSuccess says, outputs must conform to the step's output parameters in
  slack-manifest.yml (else `parameter_validation_failed`), an unknown execution answers
  `function_execution_not_found` and one already ended `execution_not_in_running_state`
  (the same errors for functions.completeError, docs.slack.dev/reference/methods/
  functions.completeError). Both methods take form arguments, `outputs` as JSON text
  (slack_sdk/web/async_client.py `functions_completeSuccess`: `params=`, `json.dumps`).
- Work Objects: `metadata.entities` on chat.unfurl and chat.postMessage, and the
  `metadata` of entity.presentDetails, must each name an entity type Slack knows
  (slack_sdk/models/metadata `EntityType`), a `url`, an `external_ref.id` and a title;
  on chat.unfurl each also needs `app_unfurl_url`, "the exact URL posted in the source
  message" (node-slack-sdk packages/types/src/message-metadata.ts). Anything else answers
  `invalid_metadata` (entity.presentDetails' Errors, docs.slack.dev/reference/methods/
  entity.presentDetails). `open_flexpane()` is Slack sending entity_details_requested: it
  issues a trigger for that entity, and entity.presentDetails answers
  `entity_metadata_does_not_match_trigger` for another entity and `invalid_trigger_id`
  for a trigger it never issued; what was presented is kept in `flexpanes`.
  `flexpane_edit()` is the person changing fields in a presented flexpane: only fields
  whose `edit.enabled` is set, a select only to one of its `static_options`, a date as
  a datepicker's `selected_date`; the state comes keyed by field key with action id
  `<key>.input`, as the `work-object-edit` view_submission carries it
  (docs.slack.dev/messaging/work-objects-overview; Slack's bolt-js Work Objects sample
  reads `view.state.values.status["status.input"].selected_option`).
- Message metadata: chat.postMessage keeps its `metadata` (`event_type`, `event_payload`)
  with the message (docs.slack.dev/messaging/message-metadata), and conversations.history
  / conversations.replies answer from the messages kept: history the channel's top-level
  messages newest first, replies the parent then its replies oldest first, from `oldest`
  on, at most `limit`, with `has_more` and `response_metadata.next_cursor`; a message's
  metadata only with `include_all_metadata` (docs.slack.dev/reference/methods/
  conversations.history and conversations.replies, arguments and example responses).
- `stall(method)`: calls of `method` get no answer until `unstall()`, as from a Slack that
  cannot be reached; they were never taken, so then they are answered 503
  `service_unavailable` and do nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
import yaml
from slack_sdk.models.metadata import EntityType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.slack import limits
from tests.support import blockkit

BOT_TOKEN = "xoxb-test-bot-token"
BOT_USER_ID = "UBOT"  # auth.test's user_id and bot_id for BOT_TOKEN
BOT_ID = "BBOT"
TRIGGER_SECONDS = limits.TRIGGER_SECONDS
MANIFEST = Path(__file__).resolve().parents[2] / "slack-manifest.yml"


def manifest_bot_scopes() -> frozenset[str]:
    manifest = yaml.safe_load(MANIFEST.read_text())
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


def manifest_functions() -> dict[str, Any]:
    functions: dict[str, Any] = yaml.safe_load(MANIFEST.read_text()).get("functions") or {}
    return functions


@dataclass
class Execution:
    """One run of a custom step, as Slack tracks it until the app ends it."""

    callback_id: str
    token: str
    state: str = "running"  # then "completed" or "failed"
    outputs: dict[str, Any] | None = None
    error: str | None = None


# The scope each method needs, from its page in Slack's API reference
# (api.slack.com/methods/<method>, "Required scopes"). Conversation methods need the
# scope of the conversation's kind, keyed here by the first letter of its id
# (C public, G private or group DM, D DM); `{kind}` is filled from CONVERSATION_KIND.
METHOD_SCOPES: dict[str, str] = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.unfurl": "links:write",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "files.info": "files:read",
    "reactions.add": "reactions:write",
    "conversations.join": "channels:join",
    "conversations.info": "{kind}:read",
    "conversations.replies": "{kind}:history",
    "conversations.history": "{kind}:history",
    # api.slack.com/methods/conversations.open: im:write (mpim:write for group DMs);
    # views.publish needs no scope beyond the bot token (api.slack.com/methods/views.publish).
    "conversations.open": "im:write",
}
CONVERSATION_KIND = {"C": "channels", "G": "groups", "D": "im"}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1
    body: str | None = None  # answered as it is instead of Slack's JSON


@dataclass
class FakeSlack:
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    # Sent as auth.test's X-OAuth-Scopes header, as Slack does, when set.
    scopes: str | None = None
    # Slack's surprises, each on by default (see the module docstring).
    options_without_state: bool = True
    views_update_keeps_values: bool = True
    not_in_channel: bool = True
    expired_trigger_id: bool = True
    missing_scope: bool = True
    invalid_blocks: bool = True
    # What Slack refused as invalid Block Kit; the tests' fixture fails on any.
    block_kit_errors: list[str] = field(default_factory=list)
    granted_scopes: frozenset[str] = field(default_factory=manifest_bot_scopes)
    # view id -> the view as last opened or updated, and what the person entered in it
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    entered: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # trigger_id -> when Slack issued it (the harness records it as it sends a payload)
    triggers: dict[str, float] = field(default_factory=dict)
    # user id -> their Home tab as last published (views.publish)
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)
    update_needs_message: bool = True
    # (channel, ts) -> the message as Slack keeps it in the channel's history
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # response_url key -> the channel its in_channel answers are posted into
    response_channels: dict[str, str] = field(default_factory=dict)
    # function_execution_id -> the custom step's run (start_step)
    executions: dict[str, Execution] = field(default_factory=dict)
    # flexpane trigger_id -> the external_ref id it was issued for, and what was presented
    flexpane_triggers: dict[str, str] = field(default_factory=dict)
    flexpanes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Methods whose calls get no answer until unstall() (see the module docstring).
    stalled: set[str] = field(default_factory=set)
    _answering: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- set-up -------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.users.clear()
            self.channels.clear()
            self.files.clear()
            self.file_bytes.clear()
            self.failures.clear()
            self.scopes = None
            self.options_without_state = True
            self.views_update_keeps_values = True
            self.not_in_channel = True
            self.expired_trigger_id = True
            self.missing_scope = True
            self.invalid_blocks = True
            self.block_kit_errors.clear()
            self.granted_scopes = manifest_bot_scopes()
            self.views.clear()
            self.entered.clear()
            self.triggers.clear()
            self.homes.clear()
            self.update_needs_message = True
            self.messages.clear()
            self.response_channels.clear()
            self.executions.clear()
            self.flexpane_triggers.clear()
            self.flexpanes.clear()
            self.stalled.clear()
            self._answering.set()

    def add_user(
        self,
        user_id: str,
        email: str | None,
        *,
        name: str = "",
        tz: str = "Europe/Berlin",
        locale: str = "en-US",
    ) -> None:
        profile: dict[str, Any] = {"real_name": name or user_id, "display_name": name or user_id}
        if email is not None:
            profile["email"] = email
        # users.info answers the zone three ways: `tz` (IANA name), `tz_label` and
        # `tz_offset` (seconds east of UTC, for now), as in api.slack.com/methods/users.info
        # ("Example response": "America/Los_Angeles", "Pacific Daylight Time", -25200).
        # Slack's label is the long name; the fake gives the abbreviation, which we never read.
        now = datetime.now(UTC)
        offset = ZoneInfo(tz).utcoffset(now) or timedelta(0)
        self.users[user_id] = {
            "id": user_id,
            "name": name or user_id,
            "real_name": name or user_id,
            "tz": tz,
            "tz_label": ZoneInfo(tz).tzname(now) or tz,
            "tz_offset": int(offset.total_seconds()),
            # Only answered with include_locale (see users.info below).
            "locale": locale,
            "deleted": False,
            "is_bot": False,
            "profile": profile,
        }

    def add_channel(self, channel_id: str, *, private: bool = False, member: bool = True) -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_private": private,
            "is_member": member,
            "is_archived": False,
        }

    def add_file(
        self, file_id: str, name: str, content: bytes, mimetype: str = "text/plain"
    ) -> None:
        self.file_bytes[file_id] = content
        self.files[file_id] = {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "size": len(content),
            "url_private_download": f"{self.base_url}files/{file_id}/{name}",
            "url_private": f"{self.base_url}files/{file_id}/{name}",
        }

    def add_message(
        self,
        channel: str,
        *,
        user: str | None = None,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        ts: str | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """A message in `channel`'s history, posted by the person `user` or, without one,
        by the bot (as chat.postMessage would); returns its ts."""
        with self._lock:
            ts = ts or self._next_ts()
            message: dict[str, Any] = {"type": "message", "ts": ts, "text": text}
            if user is None:
                message.update(user=BOT_USER_ID, bot_id=BOT_ID)
            else:
                message["user"] = user
            if blocks is not None:
                message["blocks"] = blocks
            if thread_ts:
                message["thread_ts"] = thread_ts
            if metadata is not None:
                message["metadata"] = metadata
            self.messages[(channel, ts)] = message
        return ts

    def delete_message(self, channel: str, ts: str) -> None:
        """Someone deleted the message in Slack."""
        with self._lock:
            del self.messages[(channel, ts)]

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages in `channel`'s history, oldest first."""
        with self._lock:
            found = [dict(m) for (c, _), m in self.messages.items() if c == channel]
        return sorted(found, key=lambda m: float(m["ts"]))

    def _next_ts(self) -> str:
        # Slack's ts is the Unix time of the message with a unique fraction
        # (docs.slack.dev/messaging/retrieving-messages): `oldest` reads by it.
        return f"{int(time.time())}.{next(self._ts) % 1_000_000:06d}"

    def fail(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        body: str | None = None,
    ) -> None:
        """Answer `method` with `error` (or, with `body`, that text as the whole answer:
        what an edge proxy in front of Slack may send) the next `times` times."""
        self.failures.setdefault(method, []).append(
            Failure(error, status, retry_after, times, body)
        )

    def ratelimit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer `method` with Slack's 429 `ratelimited` and a Retry-After header."""
        self.fail(method, "ratelimited", status=429, retry_after=retry_after, times=times)

    def start_step(self, callback_id: str) -> tuple[str, str]:
        """Slack starts a custom step: its function_execution_id and bot_access_token."""
        with self._lock:
            number = next(self._ts)
            execution_id, token = f"Fx{number:06d}", f"xwfp-execution-{number}"
            self.executions[execution_id] = Execution(callback_id, token)
        return execution_id, token

    def open_flexpane(self, external_ref_id: str) -> str:
        """Someone clicks a Work Object: the trigger_id Slack sends for that entity."""
        with self._lock:
            trigger_id = f"{next(self._ts)}.flexpane.{external_ref_id}"
            self.flexpane_triggers[trigger_id] = external_ref_id
        return trigger_id

    def presented(self, trigger_id: str, *, timeout: float = 15.0) -> dict[str, Any]:
        """What entity.presentDetails showed for the trigger, waiting for the app."""
        self.wait_for(
            "entity.presentDetails",
            lambda c: c.args.get("trigger_id") == trigger_id,
            timeout=timeout,
        )
        return self.flexpanes[trigger_id]

    def flexpane_edit(self, trigger_id: str, changes: dict[str, str | None]) -> dict[str, Any]:
        """`view.state` of an edit made in the flexpane presented for `trigger_id`."""
        entity = self.flexpanes[trigger_id]["metadata"]
        fields = entity["entity_payload"]["fields"]
        values: dict[str, Any] = {}
        for key, value in changes.items():
            edit = (fields.get(key) or {}).get("edit") or {}
            assert edit.get("enabled"), f"Slack offers no edit of {key}"
            if "select" in edit:
                options = edit["select"].get("static_options") or []
                [option] = [o for o in options if o["value"] == value]  # Slack offers these only
                element = {"type": "static_select", "selected_option": option}
            else:
                assert value or edit.get("optional"), f"{key} may not be cleared"
                element = {"type": "datepicker", "selected_date": value}
            values[key] = {f"{key}.input": element}
        return {"values": values}

    def step_ended(self, execution_id: str, *, timeout: float = 15.0) -> Execution:
        """The step's run once the app ended it (the app works after Slack's ack)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                execution = self.executions[execution_id]
                if execution.state != "running":
                    return execution
            if time.monotonic() > deadline:
                seen = [(c.method, _short(c.args)) for c in self.calls]
                raise AssertionError(f"step {execution_id} still running; calls: {seen}")
            time.sleep(0.02)

    def stall(self, method: str) -> None:
        """Calls of `method` get no answer until unstall()."""
        with self._lock:
            self.stalled.add(method)
            self._answering.clear()

    def unstall(self) -> None:
        with self._lock:
            self.stalled.clear()
            self._answering.set()

    def issue_trigger(self, trigger_id: str, *, age: float = 0.0) -> None:
        """Slack issued `trigger_id` `age` seconds ago (it is good for three seconds)."""
        self.triggers[trigger_id] = time.monotonic() - age

    # -- what a person does in an open view ---------------------------------------------

    def enter(self, view_id: str, block_id: str, element: dict[str, Any]) -> None:
        """The person types or chooses in an input: `element` is its state entry."""
        view = self.views[view_id]
        block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
        action_id = block["element"]["action_id"]
        self.entered.setdefault(view_id, {})[block_id] = {action_id: element}

    def view_id(self, callback_id: str, *, timeout: float = 15.0) -> str:
        """The id of the view last opened with `callback_id`, waiting for it: the app
        opens a form after its ack, so under load it lands a little after the request."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                opened = [
                    vid for vid, v in self.views.items() if v.get("callback_id") == callback_id
                ]
            if opened or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert opened, f"no {callback_id} view is open; views: {list(self.views)}"
        return opened[-1]

    def view_state(self, view_id: str) -> dict[str, Any]:
        """`view.state` as Slack sends it with this view's next interaction: every input,
        with what the person entered or else the value the view set initially."""
        entered = self.entered.get(view_id, {})
        values: dict[str, Any] = {}
        for block in self.views[view_id].get("blocks") or []:
            block_id = block.get("block_id")
            if block.get("type") != "input" or not block_id:
                continue
            if block_id in entered:
                values[block_id] = entered[block_id]
            else:
                element = block["element"]
                values[block_id] = {element["action_id"]: _initial_state(element)}
        return {"values": json.loads(json.dumps(values))}

    def view_payload(self, view_id: str) -> dict[str, Any]:
        """The view as Slack includes it in block_actions and view_submission payloads."""
        view = self.views[view_id]
        return {**json.loads(json.dumps(view)), "state": self.view_state(view_id)}

    def _keep_entered(self, view_id: str, new_view: dict[str, Any]) -> None:
        old = self.entered.get(view_id, {})
        if not self.views_update_keeps_values:
            self.entered[view_id] = {}
            return
        inputs = {
            b["block_id"]: b["element"].get("action_id")
            for b in new_view.get("blocks") or []
            if b.get("type") == "input" and b.get("block_id")
        }
        self.entered[view_id] = {
            block_id: entry
            for block_id, entry in old.items()
            if block_id in inputs and inputs[block_id] in entry
        }

    def response_url(self, key: str = "cmd", *, channel: str | None = None) -> str:
        """A response_url; with `channel`, its in_channel answers become messages there."""
        if channel is not None:
            with self._lock:
                self.response_channels[key] = channel
        return f"{self.base_url}response/{key}"

    # -- reading what happened ---------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda _: True,
        *,
        count: int = 1,
        timeout: float = 15.0,
    ) -> list[Call]:
        """Wait until `count` calls of `method` match; the app works after its ack."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.of(method) if predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() > deadline:
                seen = [(c.method, _short(c.args)) for c in self.calls]
                raise AssertionError(f"no {count}x {method} within {timeout}s; calls: {seen}")
            time.sleep(0.02)

    # -- the HTTP side -----------------------------------------------------------------

    async def _args(self, request: Request) -> dict[str, Any]:
        # slack_sdk sends some methods' arguments in the query string (`params=`), e.g.
        # functions.completeSuccess; the others as a JSON or form body.
        args: dict[str, Any] = dict(request.query_params)
        body = await request.body()
        if body and request.headers.get("content-type", "").startswith("application/json"):
            args.update(json.loads(body))
        elif body:
            form = await request.form()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
        # form posts carry these as JSON text
        for key in ("blocks", "view", "attachments", "outputs", "metadata"):
            if isinstance(args.get(key), str):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        return args

    async def api(self, request: Request) -> Response:
        method = request.path_params["method"]
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        args = await self._args(request)
        token = token or args.pop("token", None)
        if method in self.stalled:
            # No answer while stalled, as from a Slack that cannot be reached; the call was
            # never taken, so once unstalled it is answered as unavailable and does nothing.
            while method in self.stalled:
                await asyncio.to_thread(self._answering.wait, 0.5)
            response: Response = JSONResponse({"ok": False, "error": "service_unavailable"}, 503)
        else:
            response = self._response(method, args, token)
        # Recorded once answered, so a test that sees the call also sees what it did
        # (a view stored by views.update, a channel joined).
        with self._lock:
            self.calls.append(Call(method, args, token))
        return response

    def _response(self, method: str, args: dict[str, Any], token: str | None) -> Response:
        with self._lock:
            queue = self.failures.get(method)
            failure = queue[0] if queue else None
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            if failure.body is not None:
                return Response(failure.body, failure.status, headers, "application/json")
            return JSONResponse({"ok": False, "error": failure.error}, failure.status, headers)
        if token != BOT_TOKEN and token not in {e.token for e in self.executions.values()}:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        headers = {"X-OAuth-Scopes": self.scopes} if self.scopes is not None else {}
        refusal = self.refusal(method, args)
        if refusal is not None:
            return JSONResponse(refusal, headers=headers)
        return JSONResponse(self.answer(method, args), headers=headers)

    def needed_scope(self, method: str, args: dict[str, Any]) -> str | None:
        needed = METHOD_SCOPES.get(method)
        if needed is None or "{kind}" not in needed:
            return needed
        channel_id = str(args.get("channel") or "")
        kind = CONVERSATION_KIND.get(channel_id[:1], "channels")
        channel = self.channels.get(channel_id) or {}
        if kind == "channels" and channel.get("is_private"):
            kind = "groups"
        if channel.get("is_mpim"):
            kind = "mpim"
        return needed.format(kind=kind)

    def refusal(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """What Slack answers instead of doing the work, when it would refuse."""
        needed = self.needed_scope(method, args)
        if self.missing_scope and needed and needed not in self.granted_scopes:
            return {
                "ok": False,
                "error": "missing_scope",
                "needed": needed,
                "provided": ",".join(sorted(self.granted_scopes)),
            }
        if self.not_in_channel and method in {"conversations.replies", "conversations.history"}:
            channel = self.channels.get(str(args.get("channel")))
            if channel is not None and not channel["is_member"]:
                error = "channel_not_found" if channel["is_private"] else "not_in_channel"
                return {"ok": False, "error": error}
        if self.not_in_channel and method in {"chat.postMessage", "chat.postEphemeral"}:
            # A private channel the bot was not invited to does not exist for it.
            channel = self.channels.get(str(args.get("channel")))
            if channel is not None and channel["is_private"] and not channel["is_member"]:
                return {"ok": False, "error": "channel_not_found"}
        if self.not_in_channel and method == "conversations.join":
            # conversations.join is for public channels (its Errors list
            # method_not_supported_for_channel_type); a private one needs an invitation.
            channel = self.channels.get(str(args.get("channel")))
            if channel is not None and channel["is_private"] and not channel["is_member"]:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
        if self.expired_trigger_id and method in {"views.open", "views.push"}:
            issued = self.triggers.get(str(args.get("trigger_id")))
            if issued is not None and time.monotonic() - issued > TRIGGER_SECONDS:
                return {"ok": False, "error": "expired_trigger_id"}
        if method == "views.update" and str(args.get("view_id")) not in self.views:
            return {"ok": False, "error": "not_found"}
        if entity_refusal := self.entity_refusal(method, args):
            return entity_refusal
        return self.block_kit_refusal(method, args)

    def entity_refusal(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """Work Objects' metadata as Slack checks it (see the module docstring)."""
        metadata = args.get("metadata")
        if method == "entity.presentDetails":
            trigger = str(args.get("trigger_id") or "")
            if trigger not in self.flexpane_triggers:
                return {"ok": False, "error": "invalid_trigger_id"}
            if metadata is None:
                return None
            if entity_problems(metadata):
                return {"ok": False, "error": "invalid_metadata"}
            if str(metadata["external_ref"]["id"]) != self.flexpane_triggers[trigger]:
                return {"ok": False, "error": "entity_metadata_does_not_match_trigger"}
            return None
        if method not in {"chat.unfurl", "chat.postMessage"} or metadata is None:
            return None
        entities = metadata.get("entities") if isinstance(metadata, dict) else None
        if (
            method == "chat.postMessage"
            and entities is None
            and isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
        ):
            # Message metadata without entities (event_type, event_payload) is Slack's
            # older kind, which chat.postMessage takes too (docs.slack.dev/messaging/
            # message-metadata; slack_sdk's EventAndEntityMetadata carries either or both).
            return None
        if not isinstance(entities, list) or not entities:
            return {"ok": False, "error": "invalid_metadata"}
        unfurl = method == "chat.unfurl"
        if any(entity_problems(e, unfurl=unfurl) for e in entities):
            return {"ok": False, "error": "invalid_metadata"}
        return None

    def block_kit_refusal(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """Slack validates Block Kit on arrival: the chat methods answer `invalid_blocks`
        (chat.postMessage's Errors list), the views methods `invalid_arguments` with the
        reasons in response_metadata.messages (views.open's Errors list)."""
        if not self.invalid_blocks:
            return None
        if method in {"chat.postMessage", "chat.postEphemeral", "chat.update"}:
            found = blockkit.problems(blocks=args.get("blocks"))
            error = "invalid_blocks"
        elif method in {"views.open", "views.update", "views.push", "views.publish"}:
            found = blockkit.problems(view=args.get("view"))
            error = "invalid_arguments"
        else:
            return None
        if not found:
            return None
        with self._lock:
            self.block_kit_errors.extend(f"{method}: {problem}" for problem in found)
        return {"ok": False, "error": error, "response_metadata": {"messages": found}}

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return {
                **ok,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": "T1",
                "team": "Test",
                "user": "redmine",
                "url": "https://test.slack.invalid/",
            }
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            # The user object has `locale` only when asked with `include_locale=true`
            # (slackapi/slack-api-specs web-api/slack_web_openapi_v2.json, /users.info:
            # "Set this to `true` to receive the locale for this user. Defaults to
            # `false`"); slack_sdk sends a bool argument as "1".
            if str(args.get("include_locale", "")).lower() not in {"1", "true"}:
                user = {key: value for key, value in user.items() if key != "locale"}
            return {**ok, "user": user}
        if method == "users.lookupByEmail":
            # api.slack.com/methods/users.lookupByEmail: an unknown address answers
            # `users_not_found`.
            email = str(args.get("email", "")).lower()
            for user in self.users.values():
                if user["profile"].get("email", "").lower() == email:
                    return {**ok, "user": user}
            return {"ok": False, "error": "users_not_found"}
        if method == "conversations.info":
            channel = self.channels.get(str(args.get("channel")))
            return (
                {**ok, "channel": channel}
                if channel
                else {"ok": False, "error": "channel_not_found"}
            )
        if method == "conversations.join":
            channel = self.channels.get(str(args.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            channel["is_member"] = True
            return {**ok, "channel": channel}
        if method == "chat.postMessage":
            channel = str(args.get("channel"))
            blocks = args.get("blocks") if isinstance(args.get("blocks"), list) else None
            thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
            text = str(args.get("text") or "")
            metadata = args.get("metadata") if isinstance(args.get("metadata"), dict) else None
            ts = self.add_message(
                channel, text=text, blocks=blocks, thread_ts=thread_ts, metadata=metadata
            )
            return {**ok, "channel": channel, "ts": ts, "message": self.messages[(channel, ts)]}
        if method == "chat.update":
            return self.update_message(args)
        if method == "chat.postEphemeral":
            # Only the person sees it, and only until they reload: it is in no history.
            return {**ok, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "chat.getPermalink":
            return {
                **ok,
                "permalink": f"https://test.slack.invalid/archives/{args.get('channel')}/p{str(args.get('message_ts', '')).replace('.', '')}",
            }
        if method in {"views.open", "views.update", "views.push"}:
            view = args.get("view") if isinstance(args.get("view"), dict) else {}
            view_id = str(args.get("view_id") or f"V{next(self._ts)}")
            with self._lock:
                if method == "views.update":
                    self._keep_entered(view_id, view)
                self.views[view_id] = {**view, "id": view_id}
            return {**ok, "view": {**view, "id": view_id, "hash": "h1"}}
        if method == "views.publish":
            # api.slack.com/methods/views.publish: `user_id` must be a user of the
            # workspace (else `user_not_found`); the answer carries the view with its id.
            user_id = str(args.get("user_id"))
            if user_id not in self.users:
                return {"ok": False, "error": "user_not_found"}
            view = args.get("view") if isinstance(args.get("view"), dict) else {}
            with self._lock:
                view_id = self.homes.get(user_id, {}).get("id") or f"VHOME{next(self._ts)}"
                self.homes[user_id] = {**view, "id": view_id}
            return {**ok, "view": {**view, "id": view_id, "hash": f"h{next(self._ts)}"}}
        if method == "conversations.open":
            # api.slack.com/methods/conversations.open: `users` opens (or finds) the DM
            # with that person; the same person always gets the same D... id.
            user_id = str(args.get("users", ""))
            if "," in user_id:
                return {"ok": False, "error": "not_implemented_by_fake"}
            if user_id not in self.users:
                return {"ok": False, "error": "user_not_found"}
            return {**ok, "channel": {"id": dm_channel(user_id)}}
        if method == "files.info":
            file = self.files.get(str(args.get("file")))
            return {**ok, "file": file} if file else {"ok": False, "error": "file_not_found"}
        if method in {"functions.completeSuccess", "functions.completeError"}:
            return self.end_step(method, args)
        if method == "entity.presentDetails":
            with self._lock:
                # What Slack draws; Bolt's client also sends the workspace's team_id.
                self.flexpanes[str(args["trigger_id"])] = {
                    k: v for k, v in args.items() if k not in {"trigger_id", "team_id"}
                }
            return ok
        if method == "conversations.replies":
            seeded = self.channels.get(str(args.get("channel")), {}).get("replies")
            if seeded is not None:
                return {**ok, "messages": seeded}
            return self.read_history(args, thread=str(args.get("ts") or ""))
        if method == "conversations.history":
            return self.read_history(args, thread=None)
        return ok

    def read_history(self, args: dict[str, Any], *, thread: str | None) -> dict[str, Any]:
        """conversations.history (`thread` None) or .replies from the messages kept."""
        channel = str(args.get("channel") or "")
        oldest = float(args.get("oldest") or 0)
        limit = min(int(args.get("limit") or 100), 999)
        offset = int(args.get("cursor") or 0)
        with_metadata = str(args.get("include_all_metadata")).lower() in {"1", "true"}
        kept = self.messages_in(channel)
        if thread is None:  # top-level messages (and thread parents), newest first
            found = [m for m in reversed(kept) if m.get("thread_ts") in (None, m["ts"])]
        else:
            # `ts` names the parent or any message in the thread (conversations.replies,
            # argument ts); either way the answer is the whole thread, parent first.
            named = next((m for m in kept if m["ts"] == thread), None)
            if named is None:
                return {"ok": False, "error": "thread_not_found"}
            thread = str(named.get("thread_ts") or thread)
            parent = [m for m in kept if m["ts"] == thread]
            found = parent + [m for m in kept if m.get("thread_ts") == thread and m["ts"] != thread]
        # `oldest` (inclusive with `inclusive`): replies keep their parent at the top.
        inclusive = str(args.get("inclusive")).lower() in {"1", "true"}
        found = [
            m
            for m in found
            if m["ts"] == thread
            or (float(m["ts"]) >= oldest if inclusive else float(m["ts"]) > oldest)
        ]
        page = found[offset : offset + limit]
        if not with_metadata:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = offset + limit < len(found)
        answer: dict[str, Any] = {"ok": True, "messages": page, "has_more": more}
        if more:
            answer["response_metadata"] = {"next_cursor": str(offset + limit)}
        return answer

    def update_message(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.update: the bot edits a message of its own that is still in the channel."""
        channel, ts = str(args.get("channel") or ""), str(args.get("ts") or "")
        with self._lock:
            message = self.messages.get((channel, ts))
            if message is None and self.update_needs_message:
                return {"ok": False, "error": self._missing_message_error(channel)}
            if message is None:
                message = {"type": "message", "ts": ts, "user": BOT_USER_ID, "bot_id": BOT_ID}
            elif self.update_needs_message and message.get("bot_id") != BOT_ID:
                return {"ok": False, "error": "cant_update_message"}
            message = {**message, "text": str(args.get("text") or "")}
            if isinstance(args.get("blocks"), list):
                message["blocks"] = args["blocks"]
            if self.update_needs_message:
                self.messages[(channel, ts)] = message
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": dict(message),
        }

    def end_step(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """functions.completeSuccess / completeError: the app ends a running step."""
        with self._lock:
            execution = self.executions.get(str(args.get("function_execution_id")))
            if execution is None:
                return {"ok": False, "error": "function_execution_not_found"}
            if execution.state != "running":
                return {"ok": False, "error": "execution_not_in_running_state"}
            if method == "functions.completeError":
                execution.state, execution.error = "failed", str(args.get("error") or "")
                return {"ok": True}
            outputs = args.get("outputs")
            declared = manifest_functions()[execution.callback_id]["output_parameters"]
            required = {name for name, p in declared.items() if p.get("is_required")}
            if not isinstance(outputs, dict) or not required <= set(outputs) <= set(declared):
                return {"ok": False, "error": "parameter_validation_failed"}
            execution.state, execution.outputs = "completed", outputs
        return {"ok": True}

    def _missing_message_error(self, channel: str) -> str:
        """No message at that ts: the channel exists (message_not_found) or not."""
        dms = {dm_channel(user_id) for user_id in self.users}
        known = (
            channel in self.channels
            or channel in self.users  # the fake answers a DM post with the user's id
            or channel in dms
            or any(c == channel for c, _ in self.messages)
        )
        return "message_not_found" if known else "channel_not_found"

    async def respond(self, request: Request) -> Response:
        body = json.loads(await request.body() or b"{}")
        found = blockkit.problems(blocks=body.get("blocks")) if self.invalid_blocks else []
        with self._lock:
            self.calls.append(
                Call("response_url", {"key": request.path_params["key"], **body}, None)
            )
            self.block_kit_errors.extend(f"response_url: {problem}" for problem in found)
        # A response_url refuses bad blocks with HTTP 400 and the body "invalid_blocks"
        # (slackapi/java-slack-sdk issue 1017; sourcegraph issue 49979 quotes the answer).
        if found:
            return Response("invalid_blocks", 400)
        channel = self.response_channels.get(request.path_params["key"])
        # An in_channel answer that does not replace the message the action came from is a
        # new message in the channel, posted by the app (api.slack.com/interactivity/handling,
        # "Message responses").
        if (
            channel is not None
            and body.get("response_type") == "in_channel"
            and not body.get("replace_original")
        ):
            blocks = body.get("blocks") if isinstance(body.get("blocks"), list) else None
            self.add_message(channel, text=str(body.get("text") or ""), blocks=blocks)
        return Response("ok")

    async def download(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        with self._lock:
            self.calls.append(
                Call("file_download", {"file": file_id}, request.headers.get("authorization"))
            )
        if request.headers.get("authorization") != f"Bearer {BOT_TOKEN}":
            return Response("login page", 200, media_type="text/html")  # what Slack does
        if file_id not in self.file_bytes:
            return Response("not found", 404)
        return Response(self.file_bytes[file_id], media_type="application/octet-stream")

    def asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self.api, methods=["GET", "POST"]),
                Route("/response/{key}", self.respond, methods=["POST"]),
                Route("/files/{file_id}/{name}", self.download, methods=["GET"]),
            ]
        )


# An element's initial_* key and the state key Slack reports it under.
_INITIAL_TO_STATE = {
    "initial_value": "value",
    "initial_option": "selected_option",
    "initial_options": "selected_options",
    "initial_date": "selected_date",
}


def entity_problems(entity: Any, *, unfurl: bool = False) -> list[str]:
    """What Slack would refuse in one Work Objects entity."""
    if not isinstance(entity, dict):
        return ["not an object"]
    problems = []
    if entity.get("entity_type") not in EntityType:
        problems.append(f"entity_type {entity.get('entity_type')!r}")
    if not entity.get("url"):
        problems.append("no url")
    if not (entity.get("external_ref") or {}).get("id"):
        problems.append("no external_ref.id")
    title = ((entity.get("entity_payload") or {}).get("attributes") or {}).get("title") or {}
    if not title.get("text"):
        problems.append("no title")
    if unfurl and not entity.get("app_unfurl_url"):
        problems.append("no app_unfurl_url")
    return problems


def dm_channel(user_id: str) -> str:
    """The id of the bot's DM with `user_id` in this fake (Slack's DM ids start with D)."""
    return "D" + user_id.removeprefix("U")


def _initial_state(element: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {"type": element["type"]}
    for initial, key in _INITIAL_TO_STATE.items():
        if initial in element:
            state[key] = element[initial]
    return state


def _short(args: dict[str, Any]) -> str:
    text = json.dumps(args, default=str)
    return text if len(text) < 300 else text[:300] + "..."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerThread:
    """Runs an ASGI app under uvicorn on a loopback port in a background thread."""

    def __init__(self, app: Any, port: int | None = None, *, lifespan: str = "on") -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan=lifespan
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("server thread died during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 30 s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def start_fake_slack() -> tuple[FakeSlack, ServerThread]:
    fake = FakeSlack()
    server = ServerThread(fake.asgi(), lifespan="off")
    fake.base_url = f"{server.url}/"
    server.start()
    fake.base_url = f"{server.url}/"
    return fake, server
