"""The app in each reader's language, end to end: signed HTTP -> the app -> the real Redmine.

A person reads their Slack locale (users.info with `include_locale`, whose user object
then has `locale`: slackapi/slack-api-specs web-api/slack_web_openapi_v2.json,
/users.info and objs_user); a channel reads the language it was subscribed with
(`lang:de`); a locale the app has no catalog for reads English. Statuses, trackers and
project names are Redmine's own words and stay as Redmine says them.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import open_services
from bot.store.repositories import PollerStateRepository
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import make_poller
from tests.integration.slack_harness import RunningService, settings_for
from tests.redmine_server import Seed


def words(args: dict[str, Any]) -> str:
    """All a reader sees in a message, its non-ASCII letters as they are."""
    return (
        (args.get("text") or "") + "\n" + json.dumps(args.get("blocks") or [], ensure_ascii=False)
    )


async def poll_once(service: RunningService, seed: Seed, tmp_path: Path) -> None:
    """The poller of the same service and database, one cycle from a minute ago."""
    settings = settings_for(seed, service.fake, tmp_path / "service.sqlite3")
    async with open_services(settings) as services:
        async with services.sessions() as session:
            await PollerStateRepository(session).set_cursor(
                datetime.now(UTC) - timedelta(minutes=1)
            )
            await session.commit()
        await make_poller(services, since=None).run_cycle()


def posted_about(service: RunningService, channel: str, issue_id: int) -> str:
    """The words of every message posted in `channel` that names #issue_id."""
    calls = [c.args for c in service.fake.of("chat.postMessage") if c.args["channel"] == channel]
    return "\n".join(words(args) for args in calls if f"#{issue_id}" in words(args))


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def speaks(service: RunningService, user_id: str, email: str, locale: str) -> None:
    """The person's Slack is set to `locale` (as users.info answers with include_locale)."""
    service.fake.add_user(user_id, email, name=email.split("@")[0].title(), locale=locale)


def connect_submission(api_key: str, user: str) -> dict[str, Any]:
    """The connect form submitted as Slack sends a view_submission."""
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "T.submit",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "connect_modal",
            "team_id": "T1",
            "private_metadata": "",
            "hash": "h1",
            "state": {
                "values": {"api_key": {"api_key": {"type": "plain_text_input", "value": api_key}}}
            },
        },
    }


def test_a_japanese_person_reads_japanese_everywhere_they_are_answered(
    service: RunningService,
) -> None:
    speaks(service, "UALICE", "alice@example.com", "ja-JP")
    speaks(service, "USTRANGER", "stranger@example.com", "ja-JP")

    # help: the answer is the ack; the command words stay English.
    help_text = service.command("help").json()["text"]
    assert "*SlackからRedmine*" in help_text
    assert "• `/redmine create [project] <subject>`: チケットを作成" in help_text

    # create: the card, its labels and its buttons in Japanese; the subject as typed.
    subject = unique("プリンターが紙詰まり")
    service.command(f"create alpha {subject}")
    created = service.wait_response(lambda a: subject in words(a))
    assert created["text"].startswith("<@UALICE> さんが #")
    assert created["text"].endswith("を作成しました")
    shown = words(created)
    for label in ("*プロジェクト*", "*トラッカー*", "*ステータス*", "*担当者*", "自分に割り当て"):
        assert label in shown
    assert "ウォッチ / ウォッチをやめる" in shown and "時間を記録" in shown
    [issue] = rm.issues_with_subject(service.seed, subject)
    assert issue["author"]["id"] == service.seed.users["alice"].id

    # show: the due date written as Japanese readers expect.
    due = rm.create_issue(
        service.seed, as_login="alice", subject=unique("期日"), due_date="2026-12-24"
    )
    service.command(f"show {due['id']}")
    card = service.wait_response(lambda a: f"#{due['id']}" in words(a))
    assert "*期日*\\n2026/12/24" in words(card)
    assert "ウォッチ" in words(card)

    # A refusal from Redmine, and one before Redmine is asked.
    service.command("show 987654321")
    missing = service.wait_response(lambda a: "987654321" in (a.get("text") or ""))
    assert missing["text"] == (
        "チケット #987654321 は存在しないか、あなたには見えません。番号を確認してください。"
    )
    before = rm.count_issues(service.seed)
    service.command("create alpha 作られてはいけない", user="USTRANGER")
    refused = service.wait_response(lambda a: "stranger@example.com" in (a.get("text") or ""))
    assert refused["text"].startswith(
        "あなたのSlackのメールアドレス(stranger@example.com)を持つ有効なRedmineアカウントがない"
    )
    assert rm.count_issues(service.seed) == before

    # A field error: in the command, and in a form before it closes.
    usage = service.command("log 12 abc").json()["text"]
    assert "`abc` は時間として読めません。" in usage
    form = service.interaction(connect_submission("hello", "UALICE")).json()
    assert form["response_action"] == "errors"
    assert form["errors"]["api_key"].startswith(
        "RedmineのAPIアクセスキーは 0-9 と a-f の40文字です。"
    )


def test_a_locale_without_catalog_reads_english_and_nothing_breaks(
    service: RunningService,
) -> None:
    speaks(service, "UERIN", "erin@example.com", "sw-KE")  # Swahili: no catalog
    help_text = service.command("help", user="UERIN").json()["text"]
    assert "*Redmine from Slack*: everything runs in Redmine as you." in help_text
    subject = unique("Swahili reader")
    service.command(f"create alpha {subject}", user="UERIN")
    created = service.wait_response(lambda a: subject in words(a))
    assert created["text"].startswith("<@UERIN> created #")
    assert '"Assign to me"' in words(created)
    assert "`abc` is not a duration" in service.command("log 1 abc", user="UERIN").json()["text"]


async def test_a_lang_de_channel_reads_german_and_another_the_default(
    service: RunningService, tmp_path: Path
) -> None:
    seed = service.seed
    service.command("subscribe alpha lang:de", channel="CPUBLIC")  # Alice's Slack: en-US
    answer = service.wait_response()["text"]
    assert "now gets changes to *Alpha*" in answer and "in German" in answer
    service.command("subscribe alpha", channel="CPRIVATE")
    service.fake.wait_for("response_url", count=2)
    service.command("subscriptions", channel="CPUBLIC")
    listed = service.fake.wait_for("response_url", count=3)[-1].args["text"]
    assert "*Alpha* (`alpha`)" in listed and "in German" in listed

    await asyncio.sleep(1.02 - time.time() % 1)  # changes after subscribing count
    title = unique("Drucker")
    issue = rm.create_issue(seed, as_login="bob", subject=title, due_date="2026-12-24")
    rm.update_issue(seed, issue["id"], as_login="bob", due_date="2027-01-15", notes="Neu geplant")
    await poll_once(service, seed, tmp_path)

    def posted(channel: str) -> str:
        return posted_about(service, channel, issue["id"])

    german, english = posted("CPUBLIC"), posted("CPRIVATE")
    # The card: German labels and buttons, the due date as German readers write it.
    assert "*Abgabedatum*\\n15.01.2027" in german
    assert "*Zugewiesen an*" in german and "Mir zuweisen" in german and "Aufwand buchen" in german
    # The change: who, what, with German dates; the note as written.
    assert "hat aktualisiert" in german
    assert "Abgabedatum: 24.12.2026 → *15.01.2027*" in german
    assert "Neu geplant" in german
    # Redmine's own tracker name stays as Redmine says it.
    assert "Bug" in german
    # The same change in the channel without lang: reads the default, English.
    assert "*Due date*\\nJan 15, 2027" in english
    assert "Due date: Dec 24, 2026 → *Jan 15, 2027*" in english
    assert " updated" in english and "Abgabedatum" not in english
