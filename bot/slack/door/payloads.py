"""The shapes Slack sends, checked before any listener sees a payload.

One pydantic model per payload type, holding the fields our listeners (and Bolt's own
routing) read; anything else Slack adds is kept as it is. A payload that fails its model
is not Slack's, so it is answered (`ShapeProblem`) and never dispatched.

The fields follow Slack's published payloads: the recorded samples in slackapi/java-slack-sdk
(json-logs/samples/app-backend/...: slash-commands, interactive-components, events, views)
and https://docs.slack.dev/reference/interaction-payloads/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# Slack's ids and tokens are short; a field this long is not Slack's (and a 100 kB value
# must not travel on into Redmine URLs or logs).
ID_LIMIT = 255
TEXT_LIMIT = 40_000  # Slack's own limit on a message's text


# Where `respond()` posts: Slack's response URLs are https URLs on its hooks host; a
# value that is not a URL at all is not Slack's.
ResponseUrl = Annotated[str, Field(pattern=r"^https?://[^\s/]+/\S*$", max_length=ID_LIMIT * 2)]


class _Shape(BaseModel):
    # Slack adds fields over time: unknown ones are kept, never refused. Strict types: a
    # number where Slack sends a string (or the reverse) is not Slack's payload.
    model_config = ConfigDict(extra="allow", strict=True, str_max_length=TEXT_LIMIT)


class Org(_Shape):
    id: str | None = None


class _Payload(_Shape):
    """What Bolt itself reads from every payload to build its context."""

    enterprise: Org | None = None
    team: Org | None = None
    authorizations: list[dict[str, Any]] | None = None
    response_urls: list[dict[str, Any]] | None = None
    container: dict[str, Any] | None = None
    function_data: dict[str, Any] | None = None
    enterprise_id: str | None = None
    team_id: str | None = None


class User(_Shape):
    id: str


class Channel(_Shape):
    id: str


class OptionText(_Shape):
    text: str = ""


class SelectedOption(_Shape):
    value: str
    text: OptionText | None = None


class StateElement(_Shape):
    """One input's state in `view.state.values[block_id][action_id]`."""

    value: str | None = None
    selected_option: SelectedOption | None = None
    selected_options: list[SelectedOption] | None = None
    selected_date: str | None = None
    files: list[dict[str, Any]] | None = None


class ViewState(_Shape):
    values: dict[str, dict[str, StateElement]] = {}


class View(_Shape):
    id: str
    # Bolt reads both to route (slack_bolt/request/payload_utils.py); Slack always sends them.
    type: str
    callback_id: str
    hash: str | None = None
    # Slack caps private_metadata at 3000 characters (views reference, view object).
    private_metadata: str = Field(default="", max_length=3000)
    state: ViewState = ViewState()
    blocks: list[dict[str, Any]] = []


class Action(_Shape):
    action_id: str
    block_id: str | None = None
    value: str | None = None
    selected_option: SelectedOption | None = None


class Message(_Shape):
    ts: str
    text: str = ""
    user: str | None = None
    thread_ts: str | None = None
    reply_count: int | None = None
    files: list[dict[str, Any]] | None = None


class SlashCommand(_Payload):
    command: str
    text: str = ""
    user_id: str
    channel_id: str = ""
    trigger_id: str
    response_url: ResponseUrl


class BlockActions(_Payload):
    type: str
    user: User
    # Bolt routes on actions[0].action_id: an empty list is not Slack's.
    actions: list[Action] = Field(min_length=1)
    trigger_id: str | None = None
    response_url: ResponseUrl | None = None
    view: View | None = None
    channel: Channel | None = None

    @model_validator(mode="after")
    def in_a_view_or_a_message(self) -> BlockActions:
        # An action comes from a view, or from a message, which Slack always sends with
        # the response_url to answer it by (interaction payloads reference, block_actions).
        if self.view is None and self.response_url is None:
            raise ValueError("an action in a message comes with its response_url")
        return self


class BlockSuggestion(_Payload):
    type: str
    user: User
    action_id: str
    block_id: str = ""
    value: str = ""
    view: View | None = None


class ViewSubmission(_Payload):
    type: str
    user: User
    view: View


class ViewClosed(_Payload):
    type: str
    user: User
    view: View


class MessageAction(_Payload):
    type: str
    callback_id: str
    trigger_id: str
    user: User
    channel: Channel
    message: Message
    response_url: ResponseUrl | None = None


class GlobalShortcut(_Payload):
    type: str
    callback_id: str
    trigger_id: str
    user: User


class Link(_Shape):
    url: str
    domain: str = ""


class LinkShared(_Shape):
    type: str
    user: str
    channel: str = ""
    message_ts: str = ""
    links: list[Link] = Field(min_length=1)
    unfurl_id: str | None = None
    source: str | None = None


class AppHomeOpened(_Shape):
    """docs.slack.dev/reference/events/app_home_opened: `tab` is "home" or "messages";
    `view` comes only once a Home tab was published for the person."""

    type: str
    user: str
    channel: str = ""
    tab: str | None = None
    view: View | None = None


class Event(_Shape):
    type: str


class EventCallback(_Payload):
    type: str
    event_id: str
    event: Event


class UrlVerification(_Payload):
    type: str
    challenge: str


class SslCheck(_Payload):
    ssl_check: str


MODELS: dict[str, type[_Payload]] = {
    "block_actions": BlockActions,
    "block_suggestion": BlockSuggestion,
    "view_submission": ViewSubmission,
    "view_closed": ViewClosed,
    "message_action": MessageAction,
    "shortcut": GlobalShortcut,
    "event_callback": EventCallback,
    "url_verification": UrlVerification,
}

EVENT_MODELS: dict[str, type[_Shape]] = {
    "link_shared": LinkShared,
    "app_home_opened": AppHomeOpened,
}


@dataclass(frozen=True)
class ShapeProblem:
    """Why a payload is not Slack's; `kind` decides how it is answered."""

    kind: str  # "command", "interaction", "event" or "unknown"
    reason: str


def kind_of(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    if body.get("type") == "event_callback":
        return "event"
    if "type" in body:
        return "interaction"
    return "unknown"


def check(body: dict[str, Any]) -> ShapeProblem | None:
    """None when `body` has the shape Slack sends for its type, else what is wrong."""
    kind = kind_of(body)
    model: type[_Payload] | None
    if kind == "command":
        model = SlashCommand
    elif "ssl_check" in body and "type" not in body:
        model = SslCheck
    else:
        payload_type = body.get("type")
        model = MODELS.get(payload_type) if isinstance(payload_type, str) else None
    if model is None:
        return ShapeProblem(kind, "not a payload type this app takes")
    try:
        model.model_validate(body)
        if kind == "event":
            event = body["event"]
            event_model = EVENT_MODELS.get(event["type"])
            if event_model is not None:
                event_model.model_validate(event)
    except ValidationError as error:
        return ShapeProblem(kind, _first_error(error))
    if not _ids_in_bounds(body):
        return ShapeProblem(kind, "an id is longer than Slack's")
    return None


def _first_error(error: ValidationError) -> str:
    """A short, fixed-size reason: the field's path and the kind of error, never the input."""
    first = error.errors(include_input=False, include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])[:80]
    return f"{where}: {first['type']}"


def _ids_in_bounds(body: dict[str, Any]) -> bool:
    """Slack's ids, trigger ids and action values stay short; a 100 kB one is an attack."""
    short = ("user_id", "channel_id", "trigger_id", "callback_id", "action_id", "event_id")
    if any(len(str(body.get(key) or "")) > ID_LIMIT for key in short):
        return False
    user = body.get("user")
    if isinstance(user, dict) and len(str(user.get("id") or "")) > ID_LIMIT:
        return False
    actions = body.get("actions")
    return not isinstance(actions, list) or all(
        len(str(a.get("action_id") or "")) <= ID_LIMIT for a in actions if isinstance(a, dict)
    )
