"""The app manifest constraints we rely on, as a JSON schema written in our own words.

Slack publishes its manifest schema in github.com/slackapi/manifest-schema (MIT licence,
Slack Technologies, LLC), file `schemas/manifest.schema.1.0.0.json`; no package on PyPI
or npm ships it, and fetched files stay out of this repository. So the parts of it
that `slack-manifest.yml` uses are restated here, each with the definition it comes
from (`app-manifests.v1.<definition>` in that file), and checked with jsonschema.
Object schemas keep Slack's `additionalProperties: false` so a misspelt key fails too.
"""

from __future__ import annotations

from typing import Any

# Slack writes URLs in the manifest as `^https?://...`.
HTTP_URL = "^https?:\\/\\/"


def _strings(max_length: int, max_items: int, *, unique: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "array",
        "items": {"type": "string", "maxLength": max_length},
        "maxItems": max_items,
    }
    if unique:
        schema["uniqueItems"] = True
    return schema


def _closed(
    properties: dict[str, Any], required: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


# display_information.schema: name required, 1-35; description 1-140; colour #rgb/#rrggbb.
DISPLAY_INFORMATION = _closed(
    {
        "name": {"type": "string", "minLength": 1, "maxLength": 35},
        "description": {"type": "string", "minLength": 1, "maxLength": 140},
        "background_color": {
            "type": "string",
            "minLength": 4,
            "maxLength": 7,
            "pattern": "^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$",
        },
        "long_description": {"type": "string", "minLength": 175, "maxLength": 4000},
    },
    ["name"],
)

# features.bot_user: display_name required, 1-80.
BOT_USER = _closed(
    {
        "display_name": {"type": "string", "minLength": 1, "maxLength": 80},
        "always_online": {"type": "boolean"},
    },
    ["display_name"],
)

# features.slash_commands: 1-50 commands; command starts with "/", 2-32; description
# required, 1-2000; usage_hint 1-1000; url http(s), at most 3000.
SLASH_COMMANDS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 50,
    "items": _closed(
        {
            "command": {"type": "string", "minLength": 2, "maxLength": 32, "pattern": "^\\/"},
            "url": {"type": "string", "pattern": HTTP_URL, "maxLength": 3000},
            "description": {"type": "string", "minLength": 1, "maxLength": 2000},
            "usage_hint": {"type": "string", "minLength": 1, "maxLength": 1000},
            "should_escape": {"type": "boolean"},
        },
        ["command", "description"],
    ),
}

# features.shortcuts: 1-10 shortcuts; name 1-24 (the limit the app once broke);
# type "message" or "global"; callback_id 1-255; description required, 1-150.
SHORTCUTS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 10,
    "items": _closed(
        {
            "name": {"type": "string", "minLength": 1, "maxLength": 24},
            "type": {"enum": ["message", "global"]},
            "callback_id": {"type": "string", "minLength": 1, "maxLength": 255},
            "description": {"type": "string", "minLength": 1, "maxLength": 150},
        },
        ["name", "type", "callback_id", "description"],
    ),
}

# features.unfurl_domains: 1-5 unique lower-case host names, each at most 255.
UNFURL_DOMAINS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 5,
    "uniqueItems": True,
    "items": {"type": "string", "maxLength": 255, "pattern": "^(?![.-])[-a-z0-9.]+[a-z0-9]$"},
}

# features.app_home: three optional booleans, nothing else.
APP_HOME = _closed(
    {
        "home_tab_enabled": {"type": "boolean"},
        "messages_tab_enabled": {"type": "boolean"},
        "messages_tab_read_only_enabled": {"type": "boolean"},
    }
)

# features.schema
FEATURES = _closed(
    {
        "app_home": APP_HOME,
        "bot_user": BOT_USER,
        "slash_commands": SLASH_COMMANDS,
        "shortcuts": SHORTCUTS,
        "unfurl_domains": UNFURL_DOMAINS,
    }
)

# oauth_config.scopes: bot / user lists of at most 255 scope names, each at most 50.
OAUTH_CONFIG = _closed(
    {
        "redirect_urls": {"type": "array", "items": {"type": "string", "pattern": HTTP_URL}},
        "scopes": _closed(
            {
                "bot": _strings(50, 255),
                "user": _strings(50, 255),
                "bot_optional": _strings(50, 255),
                "user_optional": _strings(50, 255),
            }
        ),
        "token_management_enabled": {"type": "boolean"},
        "pkce_enabled": {"type": "boolean"},
    }
)

# settings.event_subscriptions: request_url http(s) at most 3500; event names unique,
# at most 100, each at most 50.
EVENT_SUBSCRIPTIONS = _closed(
    {
        "request_url": {"type": "string", "pattern": HTTP_URL, "maxLength": 3500},
        "bot_events": _strings(50, 100, unique=True),
        "user_events": _strings(50, 100, unique=True),
    }
)

# settings.interactivity: is_enabled required; both URLs http(s), at most 3500.
INTERACTIVITY = _closed(
    {
        "is_enabled": {"type": "boolean"},
        "request_url": {"type": "string", "pattern": HTTP_URL, "maxLength": 3500},
        "message_menu_options_url": {"type": "string", "pattern": HTTP_URL, "maxLength": 3500},
    },
    ["is_enabled"],
)

# settings.schema
SETTINGS = _closed(
    {
        "event_subscriptions": EVENT_SUBSCRIPTIONS,
        "interactivity": INTERACTIVITY,
        "org_deploy_enabled": {"type": "boolean"},
        "socket_mode_enabled": {"type": "boolean"},
        "token_rotation_enabled": {"type": "boolean"},
        # Where custom steps run: "remote" is this service (settings.schema types both
        # as strings; bolt-python's custom step template sets both to "remote").
        "function_runtime": {"type": "string"},
        "hermes_app_type": {"type": "string"},
    }
)

# A step parameter's type: the enum of `slack-functions.parameter.type`.
PARAMETER_TYPES = [
    "integer",
    "number",
    "boolean",
    "string",
    "object",
    "array",
    "slack#/types/user_context",
    "slack#/types/user_permission",
    "slack#/types/user_id",
    "slack#/types/channel_id",
    "slack#/types/usergroup_id",
    "slack#/types/timestamp",
    "slack#/types/blocks",
    "slack#/types/credential/oauth2",
    "slack#/types/date",
    "slack#/types/interactivity",
    "slack#/types/rich_text",
    "slack#/types/form_input",
    "slack#/types/form_input_object",
    "slack#/types/message_ts",
    "slack#/types/message_context",
]

# hermes.types: at most 50 parameters keyed by name, each with a `type` (hermes.types.type,
# which leaves other keys open: `name`, `hint`, `dynamic_options`...).
PARAMETERS = {
    "type": "object",
    "maxProperties": 50,
    "additionalProperties": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"enum": PARAMETER_TYPES},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "is_required": {"type": "boolean"},
            "is_hidden": {"type": "boolean"},
            "hint": {"type": "string"},
        },
    },
}

# hermes.functions: at most 50 steps keyed by callback_id; title, description,
# input_parameters and output_parameters required, nothing else allowed.
FUNCTIONS = {
    "type": "object",
    "maxProperties": 50,
    "additionalProperties": _closed(
        {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "input_parameters": PARAMETERS,
            "output_parameters": PARAMETERS,
        },
        ["title", "description", "input_parameters", "output_parameters"],
    ),
}

# The top level (manifest.schema.1.0.0.json): display_information is the one required key.
MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    **_closed(
        {
            "_metadata": {"type": "object"},
            "display_information": DISPLAY_INFORMATION,
            "features": FEATURES,
            "oauth_config": OAUTH_CONFIG,
            "settings": SETTINGS,
            "functions": FUNCTIONS,
        },
        ["display_information"],
    ),
}
