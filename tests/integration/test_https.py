"""Redmine where companies keep it: HTTPS with their own certificate authority, under a
sub-path (`https://example.com/redmine/`), in front of the real Redmine.

The CA and the proxy are made here (tests/support/tls.py): with REDMINE_CA_BUNDLE every
request verifies, commands, cards, unfurls and file streams included; without it, the
person and `redmine-slack check` are told, in one sentence, what is wrong and the fix.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.app import create_app
from bot.check import check_redmine
from bot.cli import webhook_jobs
from bot.redmine import Redmine, RedmineClient
from bot.redmine.errors import CERTIFICATE_NOT_TRUSTED, CertificateNotTrusted, user_message
from handlers import register_all
from tests.integration import redmine_admin as rm
from tests.integration.notify.test_webhook_and_subscribe import WEBHOOK_SECRET, redmine7_body
from tests.integration.slack_harness import (
    RunningService,
    response_text,
    run_service,
    settings_for,
)
from tests.integration.test_unfurl import link_shared
from tests.redmine_server import Seed
from tests.support.fakeslack import FakeSlack, ServerThread
from tests.support.tls import PrivateCA, RedmineBehindTLS


@pytest.fixture
def ca(tmp_path: Path) -> PrivateCA:
    return PrivateCA(tmp_path / "pki")


@pytest.fixture
def behind_tls(redmine_seed: Seed, ca: PrivateCA) -> Iterator[RedmineBehindTLS]:
    with RedmineBehindTLS(redmine_seed.url, ca, prefix="/redmine") as proxy:
        yield proxy


def service_behind_tls(
    seed: Seed, fake: FakeSlack, proxy: RedmineBehindTLS, db: Path, bundle: Path | None
) -> Iterator[RunningService]:
    settings = settings_for(seed, fake, db, redmine_url=proxy.url, redmine_ca_bundle=bundle)
    yield from run_service(settings, fake, seed)


@pytest.fixture
def hooked_behind_tls(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    behind_tls: RedmineBehindTLS,
    ca: PrivateCA,
    tmp_path: Path,
) -> Iterator[RunningService]:
    """The app as `redmine-slack web` (webhooks on), its Redmine behind TLS under /redmine/."""
    settings = settings_for(
        redmine_seed,
        fake_slack,
        tmp_path / "hooked.sqlite3",
        redmine_url=behind_tls.url,
        redmine_ca_bundle=ca.bundle,
        redmine_webhook_secret=WEBHOOK_SECRET,
    )
    server = ServerThread(create_app(settings, register_all, background=webhook_jobs)).start()
    try:
        with httpx.Client(timeout=30.0) as http:
            yield RunningService(server.url, fake_slack, redmine_seed, http)
    finally:
        server.stop()


async def test_the_adapter_verifies_with_the_bundle_and_streams_files_under_the_sub_path(
    redmine_seed: Seed, behind_tls: RedmineBehindTLS, ca: PrivateCA
) -> None:
    content = f"log line {uuid.uuid4().hex}\n".encode()
    client = RedmineClient(behind_tls.url, redmine_seed.admin_key, ca_bundle=str(ca.bundle))
    async with client:
        alice = Redmine(client).as_user("alice")
        assert (await alice.users.current()).login == "alice"
        upload = await alice.uploads.upload(content, "log.txt", size=len(content))
        issue = await alice.issues.create(
            project_id=redmine_seed.projects["alpha"],
            subject="Over HTTPS",
            uploads=[{"token": upload.token, "filename": "log.txt"}],
        )
        [attachment] = (await alice.issues.get(issue.id, include=("attachments",))).attachments
        assert attachment.content_url.startswith(behind_tls.url + "attachments/download/")
        async with client.as_user("alice").stream(attachment.content_url) as response:
            assert await response.aread() == content
    # Every request went to the sub-path; nothing reached the proxy's root.
    assert behind_tls.proxy.requests
    assert all(p.startswith("/redmine/") for p in behind_tls.proxy.requests)


async def test_without_the_bundle_redmine_and_check_say_the_certificate_is_not_trusted(
    redmine_seed: Seed, fake_slack: FakeSlack, behind_tls: RedmineBehindTLS, tmp_path: Path
) -> None:
    async with RedmineClient(behind_tls.url, redmine_seed.admin_key, max_retries=0) as client:
        with pytest.raises(CertificateNotTrusted) as raised:
            await Redmine(client).as_user("alice").users.current()
    assert user_message(raised.value) == CERTIFICATE_NOT_TRUSTED
    db = tmp_path / "x.sqlite3"
    settings = settings_for(redmine_seed, fake_slack, db, redmine_url=behind_tls.url)
    [finding] = await check_redmine(settings)
    assert not finding.ok
    assert finding.text == (
        f"Redmine's HTTPS certificate at {behind_tls.url.rstrip('/')} is not trusted: set "
        "REDMINE_CA_BUNDLE to the PEM file of the certificate authority that signed it "
        "(your company's own, usually)."
    )
    # A bundle of another authority is named as the one that does not fit.
    other = PrivateCA(tmp_path / "other", name="Some Other CA")
    wrong = settings_for(
        redmine_seed, fake_slack, db, redmine_url=behind_tls.url, redmine_ca_bundle=other.bundle
    )
    [finding] = await check_redmine(wrong)
    assert "not signed by the authority in REDMINE_CA_BUNDLE" in finding.text


async def test_check_passes_with_the_bundle(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    behind_tls: RedmineBehindTLS,
    ca: PrivateCA,
    tmp_path: Path,
) -> None:
    settings = settings_for(
        redmine_seed,
        fake_slack,
        tmp_path / "x.sqlite3",
        redmine_url=behind_tls.url,
        redmine_ca_bundle=ca.bundle,
    )
    findings = await check_redmine(settings)
    assert [f.text for f in findings if not f.ok] == []
    assert any("verified against REDMINE_CA_BUNDLE" in f.text for f in findings)


def test_commands_cards_and_unfurls_work_over_https_under_the_sub_path(
    redmine_seed: Seed,
    fake_slack: FakeSlack,
    behind_tls: RedmineBehindTLS,
    ca: PrivateCA,
    tmp_path: Path,
) -> None:
    issue = rm.create_issue(redmine_seed, subject=f"Behind TLS {uuid.uuid4().hex[:8]}")
    link = f"{behind_tls.url}issues/{issue['id']}"
    service_run = service_behind_tls(
        redmine_seed, fake_slack, behind_tls, tmp_path / "s.sqlite3", ca.bundle
    )
    service = next(service_run)
    try:
        service.command(f"show {issue['id']}")
        card = response_text(service.wait_response(lambda a: f"#{issue['id']}" in response_text(a)))
        assert f"<{link}|#{issue['id']} {issue['subject']}>" in card
        link_shared(service, [link])
        [unfurl] = service.fake.wait_for("chat.unfurl")
        assert list(unfurl.args["unfurls"]) == [link]
        assert f"#{issue['id']} {issue['subject']}" in json.dumps(unfurl.args["unfurls"])
    finally:
        service_run.close()


def test_without_the_bundle_a_command_says_the_certificate_is_not_trusted(
    redmine_seed: Seed, fake_slack: FakeSlack, behind_tls: RedmineBehindTLS, tmp_path: Path
) -> None:
    issue = rm.create_issue(redmine_seed, subject="Untrusted")
    service_run = service_behind_tls(
        redmine_seed, fake_slack, behind_tls, tmp_path / "s.sqlite3", None
    )
    service = next(service_run)
    try:
        service.command(f"show {issue['id']}")
        answer = service.wait_response()
        assert answer["text"] == CERTIFICATE_NOT_TRUSTED
    finally:
        service_run.close()


def test_a_signed_webhook_is_read_back_over_https_and_its_card_links_under_the_sub_path(
    hooked_behind_tls: RunningService, behind_tls: RedmineBehindTLS
) -> None:
    hooked = hooked_behind_tls
    hooked.command("subscribe alpha")
    hooked.wait_response()
    title = f"Hooked TLS {uuid.uuid4().hex[:8]}"
    issue = rm.create_issue(hooked.seed, as_login="bob", subject=title)
    body = redmine7_body(issue["id"], title)
    # redmine/redmine app/models/webhook.rb, Executor#compute_signature.
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = hooked.http.post(
        f"{hooked.url}/webhooks/redmine",
        content=body,
        headers={"Content-Type": "application/json", "X-Redmine-Signature-256": signature},
    )
    assert answer.status_code == 202
    [card] = hooked.fake.wait_for("chat.postMessage", lambda c: title in c.args["text"], timeout=20)
    assert f"<{behind_tls.url}issues/{issue['id']}|#{issue['id']} {title}>" in json.dumps(
        card.args["blocks"]
    )
    # The issue was read back through the proxy, journals included (a webhook's body is
    # never trusted for what it says).
    assert f"/redmine/issues/{issue['id']}.json" in behind_tls.proxy.requests
