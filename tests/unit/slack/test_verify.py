"""The Slack request boundary, piece by piece: size, signature, timestamp, parse, shape.

Signatures follow Slack's scheme (https://docs.slack.dev/authentication/verifying-requests-
from-slack/): v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"), five minutes of skew.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest

from bot.blocks.issues import decode_search_page, encode_search_page
from bot.blocks.metadata import ModalContext
from bot.inputs.grammar import UsageError, ascii_int, parse, parse_hours
from bot.slack.door.payloads import check
from bot.slack.door.verify import (
    MAX_BODY_BYTES,
    MAX_DEPTH,
    NOT_A_SLACK_BODY,
    Refusal,
    Verified,
    parse_body,
    too_large,
    verify,
)
from tests.fixtures import load
from tests.support.signing import SIGNING_SECRET, command_body, signed_headers

FORM = "application/x-www-form-urlencoded"


def _headers(body: str, **kwargs: object) -> dict[str, str]:
    return {k.lower(): v for k, v in signed_headers(body, **kwargs).items()}  # type: ignore[arg-type]


def test_a_signed_command_is_verified_and_parsed() -> None:
    body = command_body("whoami", response_url="http://x/r")
    verified = verify(SIGNING_SECRET, _headers(body), body.encode())
    assert isinstance(verified, Verified)
    assert verified.body["text"] == "whoami"
    assert verified.body["user_id"] == "UALICE"


@pytest.mark.parametrize(
    ("timestamp", "why"),
    [
        ("abc", "malformed"),
        ("²", "not ASCII"),
        ("1e9", "not an integer"),
        ("", "missing"),
        ("9" * 400, "absurdly long"),
    ],
)
def test_a_timestamp_that_is_not_an_integer_is_refused_not_a_crash(
    timestamp: str, why: str
) -> None:
    body = command_body("whoami")
    headers = _headers(body)
    headers["x-slack-request-timestamp"] = timestamp
    refused = verify(SIGNING_SECRET, headers, body.encode())
    assert refused == Refusal(401, "missing, malformed or stale request timestamp"), why


def test_stale_and_future_timestamps_are_refused() -> None:
    body = command_body("whoami")
    for skew in (-301, 301):
        headers = _headers(body, timestamp=int(time.time()) + skew)
        assert isinstance(verify(SIGNING_SECRET, headers, body.encode()), Refusal)


@pytest.mark.parametrize(
    "body",
    ["payload=[]", "payload=null", "payload=7", "[1, 2]", "[" * 100_000 + "]" * 100_000],
)
def test_unsigned_odd_bodies_are_refused_before_any_parse(body: str) -> None:
    refused = verify(SIGNING_SECRET, {"content-type": FORM}, body.encode())
    assert isinstance(refused, Refusal)
    assert refused.status in (401, 413)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=[]", FORM),
        ("payload=null", FORM),
        ("payload=7", FORM),
        ('payload="x"', FORM),
        ("[1, 2]", "application/json"),
        ("[" * 50_000 + "]" * 50_000, "application/json"),
        ("payload=" + "%5B" * 50_000, FORM),
        ("not json", "application/json"),
        ("a=1", "text/plain"),
    ],
)
def test_signed_bodies_that_are_not_slacks_are_400(body: str, content_type: str) -> None:
    refused = verify(SIGNING_SECRET, _headers(body, content_type=content_type), body.encode())
    assert refused == Refusal(400, "not a Slack request body")


def test_a_signed_body_that_is_not_utf8_is_400() -> None:
    body = b"\xff\xfe=1"
    timestamp = int(time.time())
    base = f"v0:{timestamp}:".encode() + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "x-slack-request-timestamp": str(timestamp),
        "x-slack-signature": signature,
        "content-type": FORM,
    }
    assert verify(SIGNING_SECRET, headers, body) == Refusal(400, "not a Slack request body")


def test_a_command_whose_text_says_payload_keeps_its_fields() -> None:
    # Bolt's own parser returns {} for a form holding "payload" anywhere but as a field.
    body = command_body("create alpha the payload is wrong")
    parsed = parse_body(body.encode(), FORM)
    assert isinstance(parsed, dict)
    assert parsed["text"] == "create alpha the payload is wrong"


def test_size_is_checked_first() -> None:
    big = b"x" * (MAX_BODY_BYTES + 1)
    assert verify(SIGNING_SECRET, {}, big) == Refusal(413, "request body too large")
    assert too_large(str(MAX_BODY_BYTES + 1)) == Refusal(413, "request body too large")
    assert too_large("12abc") == Refusal(400, "bad Content-Length")
    assert too_large("100") is None


def test_without_a_signing_secret_nothing_comes_in_over_http() -> None:
    body = command_body("whoami")
    assert isinstance(verify(None, _headers(body), body.encode()), Refusal)


# -- shapes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixture",
    [
        "block_actions__issue_project",
        "block_suggestion__issue_project",
        "message_action__plain",
        "message_action__thread_reply",
        "message_action__with_files",
        "shortcut__global",
        "view_submission__message_form",
    ],
)
def test_the_shapes_slack_sends_pass(fixture: str) -> None:
    assert check(load(fixture)) is None


def test_a_command_as_slack_sends_it_passes() -> None:
    parsed = parse_body(
        command_body("whoami", response_url="https://hooks.slack.test/commands/1").encode(), FORM
    )
    assert isinstance(parsed, dict)
    assert check(parsed) is None


def test_link_shared_and_url_verification_pass() -> None:
    # Shapes from the Events API reference (docs.slack.dev/reference/events/link_shared).
    event = {
        "type": "event_callback",
        "event_id": "Ev1",
        "event": {
            "type": "link_shared",
            "channel": "C1",
            "user": "U1",
            "message_ts": "1.2",
            "links": [{"domain": "redmine.test", "url": "https://redmine.test/issues/1"}],
        },
    }
    assert check(event) is None
    assert check({"type": "url_verification", "challenge": "abc", "token": "t"}) is None


@pytest.mark.parametrize(
    ("fixture", "change"),
    [
        ("shortcut__global", lambda p: p.pop("user")),
        ("shortcut__global", lambda p: p.pop("trigger_id")),
        ("block_actions__issue_project", lambda p: p.pop("user")),
        ("block_actions__issue_project", lambda p: p.update(actions=[])),
        ("block_actions__issue_project", lambda p: p.update(actions="x")),
        ("message_action__plain", lambda p: p.update(message="a string")),
        ("message_action__plain", lambda p: p["message"].update(reply_count="abc")),
        ("view_submission__message_form", lambda p: p.pop("view")),
        ("view_submission__message_form", lambda p: p["view"].pop("type")),
        ("view_submission__message_form", lambda p: p["view"].pop("callback_id")),
        ("view_submission__message_form", lambda p: p["view"].update(state=[])),
        ("view_submission__message_form", lambda p: p["view"].update(private_metadata=7)),
        ("block_suggestion__issue_project", lambda p: p.update(value=None)),
        ("block_suggestion__issue_project", lambda p: p["user"].update(id="U" * 10_000)),
    ],
)
def test_payloads_without_slacks_shape_are_refused(fixture: str, change: object) -> None:
    payload = load(fixture)
    change(payload)  # type: ignore[operator]
    problem = check(payload)
    assert problem is not None
    assert problem.kind == "interaction"
    assert len(problem.reason) < 200  # the reason names a field, never echoes the input


def test_a_selected_option_given_as_a_string_is_refused() -> None:
    payload = load("view_submission__message_form")
    payload["view"]["state"]["values"] = {
        "issue_project": {"issue_project": {"selected_option": "3"}}
    }
    assert check(payload) is not None


def test_a_command_without_its_user_is_answered_as_a_command() -> None:
    problem = check({"command": "/redmine", "text": "x", "trigger_id": "t", "response_url": "u"})
    assert problem is not None and problem.kind == "command"


# -- ASCII digits -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["²", "١٢", "1e309", "-1", "", "9" * 100_000, "2147483648"])
def test_ascii_int_refuses_what_int_would_choke_on_or_redmine_cannot_hold(text: str) -> None:
    assert ascii_int(text) is None


def test_ascii_int_reads_plain_numbers() -> None:
    assert ascii_int("42") == 42
    assert ascii_int("2147483647") == 2**31 - 1


@pytest.mark.parametrize("text", ["show ²", "show ١٢", "note ² hi", "log ² 1h", "show 1e309"])
def test_issue_ids_in_the_grammar_are_ascii(text: str) -> None:
    with pytest.raises(UsageError, match="not an issue number"):
        parse(text)


@pytest.mark.parametrize("text", ["²", "١.٥", "1" * 100_000, "1e309"])
def test_hours_are_ascii_and_short(text: str) -> None:
    with pytest.raises(UsageError):
        parse_hours(text)


@pytest.mark.parametrize(
    "value",
    [
        '{"q":"x","o":1e309}',
        '{"q":"x","o":"²"}',
        '{"q":"x","o":true}',
        '{"q":"x","o":-5}',
        '{"q":7,"o":0}',
        "[1]",
        json.dumps({"q": "x" * 100_000, "o": 0}),
    ],
)
def test_a_search_more_value_we_did_not_write_is_a_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        decode_search_page(value)


def test_a_search_more_value_we_wrote_reads_back() -> None:
    assert decode_search_page(encode_search_page("printer", 20)) == ("printer", 20)


@pytest.mark.parametrize(
    "metadata",
    ['{"issue_id": 1e309}', '{"issue_id": "12"}', '{"issue_id": true}', "[" * 2000],
)
def test_modal_context_ignores_what_encode_never_writes(metadata: str) -> None:
    assert ModalContext.decode(metadata).issue_id is None


def test_form_bodies_round_trip_through_urlencode() -> None:
    payload = load("shortcut__global")
    parsed = parse_body(urlencode({"payload": json.dumps(payload)}).encode(), FORM)
    assert parsed == payload


def test_nesting_past_the_limit_is_refused_and_many_shallow_brackets_are_not() -> None:
    json_type = "application/json"
    deep = '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    assert parse_body(deep.encode(), json_type) == NOT_A_SLACK_BODY
    at_limit = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    assert parse_body(('{"a":' + at_limit + "}").encode(), json_type) == {"a": json.loads(at_limit)}
    wide = '{"blocks": [' + ",".join(['{"x": [1]}'] * 500) + "]}"
    assert parse_body(wide.encode(), json_type) == json.loads(wide)
    in_strings = json.dumps({"text": "[{" * 1000})
    assert parse_body(in_strings.encode(), json_type) == {"text": "[{" * 1000}
