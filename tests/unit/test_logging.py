"""The log filter: no secret reaches a log line, whoever formatted it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logging import SecretFilter, configure_logging, without_query

PERSONAL_KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("DEBUG", ["configured-webhook-secret"], stream=stream)
    yield stream
    root.handlers[:], level = saved
    root.setLevel(level)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("POST /webhooks/redmine?token=abc123xyz HTTP/1.1", "abc123xyz"),
        ("GET https://r.example/issues.json?key=s3cr3tvalue&limit=1", "s3cr3tvalue"),
        ("url?api_key=s3cr3tvalue", "s3cr3tvalue"),
        ("form token%3Ds3cr3tvalue", "s3cr3tvalue"),
        ("headers={'X-Redmine-API-Key': 'adminkeyvalue', 'Accept': 'x'}", "adminkeyvalue"),
        ("(b'X-Redmine-API-Key', b'adminkeyvalue')", "adminkeyvalue"),
        ("Authorization: Bearer xoxb-1-2-abc", "1-2-abc"),
        ("Authorization: Bearer some-webhook-secret", "some-webhook-secret"),
        ("app token xapp-1-A1-123-abcdef", "A1-123-abcdef"),
        (f'payload={{"api_key":{{"value":"{PERSONAL_KEY}"}}}}', PERSONAL_KEY),
        ("the configured-webhook-secret leaked", "configured-webhook-secret"),
        # OAuth's secrets in a form body or a callback's query string (RFC 6749, 7636).
        ("grant_type=refresh_token&refresh_token=r1r1r1r1r1", "r1r1r1r1r1"),
        ("client_id=uid&client_secret=shhhhhhh&code_verifier=vvvvvvvv", "shhhhhhh"),
        ("client_id=uid&client_secret=shhhhhhh&code_verifier=vvvvvvvv", "vvvvvvvv"),
        ('{"access_token=aaaaaaaa"}', "aaaaaaaa"),
        ("GET /redmine/oauth/callback?code=cccccccc&state=ssssssss", "cccccccc"),
        ("GET /redmine/oauth/callback?code=cccccccc&state=ssssssss", "ssssssss"),
    ],
)
def test_secret_shapes_are_scrubbed(line: str, secret: str) -> None:
    scrubbed = SecretFilter(["configured-webhook-secret"]).scrub(line)
    assert secret not in scrubbed
    assert "***" in scrubbed


def test_ordinary_lines_are_left_alone() -> None:
    line = "posted journal 7 of issue #12 to C123 (ts 1700000001.000100)"
    assert SecretFilter(["configured-webhook-secret"]).scrub(line) == line


def test_uvicorn_access_line_loses_its_query_string(log_output: io.StringIO) -> None:
    access = logging.getLogger("uvicorn.access")
    access.info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "POST", "/webhooks/redmine?t=abc", "1.1", 202
    )
    assert '"POST /webhooks/redmine?*** HTTP/1.1" 202' in log_output.getvalue()
    assert "abc" not in log_output.getvalue()
    assert without_query("/healthz") == "/healthz"


def test_tracebacks_are_scrubbed_too(log_output: io.StringIO) -> None:
    try:
        raise RuntimeError(f"failed with key={PERSONAL_KEY}")
    except RuntimeError:
        logging.getLogger("somewhere").exception("it broke")
    written = log_output.getvalue()
    assert "Traceback" in written and "it broke" in written
    assert PERSONAL_KEY not in written


def test_debug_lines_of_libraries_are_scrubbed(log_output: io.StringIO) -> None:
    logging.getLogger("httpx").debug("request headers %s", {"X-Redmine-API-Key": PERSONAL_KEY})
    logging.getLogger("uvicorn.error").debug("token=configured-webhook-secret")
    written = log_output.getvalue()
    assert PERSONAL_KEY not in written and "configured-webhook-secret" not in written
    assert written.count("***") == 2


def test_a_body_bolt_refused_is_not_logged() -> None:
    line = (
        "Invalid request signature detected (signature: v0=00, timestamp: 1, body: "
        + "payload=%7B%22value%22%3A+%22"
        + PERSONAL_KEY
        + "%22%7D"
        + "x" * 1_000_000
        + ")"
    )
    scrubbed = SecretFilter([]).scrub(line)
    assert PERSONAL_KEY not in scrubbed and len(scrubbed) < 200


def test_a_url_encoded_personal_key_is_scrubbed() -> None:
    assert PERSONAL_KEY not in SecretFilter([]).scrub(f"value%22%3A+%22{PERSONAL_KEY}%22")
