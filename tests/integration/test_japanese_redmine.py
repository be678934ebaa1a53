"""A Japanese team's Redmine, end to end: signed HTTP -> the app -> a real Redmine whose
default data was loaded in Japanese (`REDMINE_LANG=ja scripts/redmine-local.sh fresh`,
Redmine's own `rake redmine:load_default_data REDMINE_LANG=ja`).

Aiko's Slack is set to 日本語 (users.info with `include_locale` answers `ja-JP`). What the
app says is Japanese; what Redmine says is Redmine's own Japanese data (trackers バグ/機能/
サポート, statuses 新規/進行中/..., priorities 低め/通常/..., activities 設計作業/開発作業),
shown as Redmine names it. A `lang:de` channel reads the same change in German around
those names, a `lang:ja` channel in Japanese; a reader whose Slack speaks Swahili
(no catalog) reads English, and nothing breaks.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService
from tests.integration.test_card_edit import as_login, initial, options
from tests.integration.test_cards import actions_of, click, redrawn, status_options
from tests.integration.test_languages import poll_once, posted_about, words

IME_SPACE = "\u3000"  # what a Japanese input method types for the space bar
AIKO = "UAIKO"

# Redmine 5.0-6.1's config/locales/ja.yml (default_tracker_*, default_issue_status_*,
# default_priority_*, default_activity_*), as `load_default_data` stores them.
TRACKERS = ["バグ", "機能", "サポート"]
STATUSES = ["新規", "進行中", "解決", "フィードバック", "終了", "却下"]
PRIORITIES = ["低め", "通常", "高め", "急いで", "今すぐ"]
ACTIVITIES = ["設計作業", "開発作業"]


def aiko_joins(service: RunningService) -> None:
    """Aiko's Slack speaks Japanese and lives in Tokyo; her mail is her Redmine account's."""
    service.fake.add_user(AIKO, "aiko@example.com", name="Aiko", locale="ja-JP", tz="Asia/Tokyo")


def tag() -> str:
    return uuid.uuid4().hex[:6]


def bug(service: RunningService, subject: str, **fields: Any) -> dict[str, Any]:
    """An issue of Redmine's バグ tracker in `alpha`, written by Aiko."""
    return rm.create_issue(
        service.seed,
        as_login="aiko",
        subject=subject,
        tracker_id=service.seed.trackers["バグ"],
        **fields,
    )


def answer_to(service: RunningService, text: str, user: str, predicate: Any) -> dict[str, Any]:
    """The answer the command sends after its ack (through response_url) that `predicate`
    takes: a new one, not an earlier answer about the same issue."""
    earlier = len([c for c in service.fake.of("response_url") if predicate(c.args)])
    ack = service.command(text, user=user)
    assert ack.status_code == 200, ack.text
    found = service.fake.wait_for("response_url", lambda c: predicate(c.args), count=earlier + 1)
    return found[-1].args


def show(service: RunningService, issue_id: int, user: str = AIKO) -> dict[str, Any]:
    return answer_to(service, f"show {issue_id}", user, lambda a: f"#{issue_id}" in words(a))


def test_the_japanese_default_data_is_what_redmine_loaded(japanese_service: RunningService) -> None:
    seed = japanese_service.seed
    assert list(seed.trackers) == TRACKERS
    assert list(seed.statuses) == STATUSES
    assert list(seed.priorities) == PRIORITIES
    assert list(seed.activities) == ACTIVITIES
    assert set(seed.roles) == {"管理者", "開発者", "報告者"}


def test_aiko_creates_shows_and_logs_in_japanese(japanese_service: RunningService) -> None:
    service = japanese_service
    aiko_joins(service)

    # help: Japanese, the command words English.
    help_text = service.command("help", user=AIKO).json()["text"]
    assert "*SlackからRedmine*" in help_text
    assert "• `/redmine create [project] <subject>`: チケットを作成" in help_text

    # create, typed as her IME types it: a full-width space after the project.
    subject = f"プリンターが紙詰まり {tag()}"
    service.command(f"create alpha{IME_SPACE}{subject}", user=AIKO)
    created = service.wait_response(lambda a: subject in words(a))
    [issue] = rm.issues_with_subject(service.seed, subject)
    assert issue["project"]["name"] == "Alpha"
    assert issue["author"]["id"] == service.seed.users["aiko"].id
    assert (issue["tracker"]["name"], issue["status"]["name"]) == ("バグ", "新規")
    assert created["text"] == f"<@{AIKO}> さんが #{issue['id']} {subject} (新規) を作成しました"
    card = words(created)
    for field in (
        "*プロジェクト*\\nAlpha",
        "*トラッカー*\\nバグ",
        "*ステータス*\\n新規",
        "*優先度*\\n通常",
        "*担当者*\\nなし",
        "*作成者*\\n愛子 田中",
    ):
        assert field in card
    buttons = [
        e.get("text", e.get("placeholder", {}))["text"]
        for e in actions_of(created["blocks"])["elements"]
    ]
    assert buttons == [
        "自分に割り当て",
        "ステータスを変更",
        "コメントを追加",
        "時間を記録",
        "ウォッチ / ウォッチをやめる",
        "編集",
    ]

    # show: the due date as Japanese readers write it (year/month/day).
    due = bug(service, f"期日 {tag()}", due_date="2026-12-24")
    shown = show(service, due["id"])
    assert "*期日*\\n2026/12/24" in words(shown)
    assert "*トラッカー*\\nバグ" in words(shown) and "*ステータス*\\n新規" in words(shown)

    # The card's status select: the statuses Redmine's workflow gives Aiko, in Redmine's
    # Japanese; choosing one moves the issue, and the card is redrawn with it.
    actions = actions_of(shown["blocks"])
    allowed = [s["name"] for s in as_login(service, due["id"], "aiko")["allowed_statuses"]]
    assert status_options(service, actions, AIKO) == [s for s in allowed if s != "新規"]
    assert "進行中" in allowed
    click(
        service, actions, "issue_status", user=AIKO, selected=str(service.seed.statuses["進行中"])
    )
    moved = redrawn(service, due["id"])
    assert "*ステータス*\\n進行中" in words(moved)
    assert rm.get(service.seed, f"/issues/{due['id']}.json")["issue"]["status"]["name"] == "進行中"

    # The edit form: Japanese labels, Redmine's statuses and priorities as options.
    click(service, actions_of(moved["blocks"]), "issue_edit", user=AIKO)
    view = service.fake.views[service.fake.view_id("issue_edit_modal")]
    assert view["title"]["text"] == f"#{due['id']} を編集"
    assert (view["submit"]["text"], view["close"]["text"]) == ("保存", "キャンセル")
    assert options(view, "edit_status")[0] == "進行中" and initial(view, "edit_status") == "進行中"
    assert set(options(view, "edit_status")) <= set(STATUSES)
    assert options(view, "edit_priority") == PRIORITIES and initial(view, "edit_priority") == "通常"
    assert initial(view, "edit_due_date") == "2026-12-24"

    # The new-issue form: the project's trackers, as Redmine names them.
    service.command("create", user=AIKO)
    form = service.fake.view_id("create_issue_modal")
    alpha = service.seed.projects["alpha"]
    service.choose(form, "issue_project", str(alpha), "Alpha", user=AIKO)
    updated = service.fake.wait_for(
        "views.update", lambda c: f"issue_tracker.p{alpha}" in json.dumps(c.args["view"])
    )[-1]
    assert options(updated.args["view"], f"issue_tracker.p{alpha}") == TRACKERS

    # A field error: Redmine's default data marks no activity default, so the hours alone
    # are refused, in Japanese, with Redmine's Japanese activities to choose from.
    refused = answer_to(service, f"log {due['id']} 1h", AIKO, lambda a: "作業分類" in words(a))
    assert refused["text"] == (
        "どの作業分類ですか?Redmineに既定値がありません。時間の後に書いてください"
        "(例: `/redmine log 42 1h30 設計作業`)。選択肢: `設計作業`, `開発作業`。"
    )
    assert (
        "`abc` は時間として読めません。" in service.command("log 1 abc", user=AIKO).json()["text"]
    )
    # ... and the activity typed after the IME's space is found.
    before = rm.count_time_entries(service.seed)
    logged = answer_to(
        service,
        f"log {due['id']}{IME_SPACE}1h30{IME_SPACE}開発作業{IME_SPACE}紙を取り除いた",
        AIKO,
        lambda a: "記録しました" in words(a),
    )
    assert "作業時間" in logged["text"] and "開発作業" in logged["text"]
    assert rm.count_time_entries(service.seed) == before + 1
    [entry] = rm.get(service.seed, "/time_entries.json", issue_id=due["id"])["time_entries"]
    assert (entry["activity"]["name"], entry["comments"], entry["hours"]) == (
        "開発作業",
        "紙を取り除いた",
        1.5,
    )

    # Refusals: a project she is not a member of (before Redmine is asked to write), and
    # an issue that is not there.
    count = rm.count_issues(service.seed)
    no = answer_to(
        service, "create secret 作られてはいけない", AIKO, lambda a: "secret" in words(a)
    )
    assert no["text"] == (
        "プロジェクト `secret` のメンバーではないため、チケットを追加できません。"
        "プロジェクトの管理者に追加を依頼してください。何も作成していません。"
    )
    assert rm.count_issues(service.seed) == count
    missing = answer_to(service, "show 987654321", AIKO, lambda a: "987654321" in words(a))
    assert missing["text"] == (
        "チケット #987654321 は存在しないか、あなたには見えません。番号を確認してください。"
    )


async def test_one_change_reads_in_each_channels_language(
    japanese_service: RunningService, tmp_path: Path
) -> None:
    service, seed = japanese_service, japanese_service.seed
    service.command("subscribe alpha lang:de", channel="CPUBLIC")  # Alice's Slack: en-US
    service.command("subscribe alpha lang:ja", channel="CPRIVATE")
    service.fake.wait_for("response_url", count=2)

    await asyncio.sleep(1.02 - time.time() % 1)  # changes after subscribing count
    subject = f"プリンターが紙詰まり {tag()}"
    issue = bug(service, subject, due_date="2026-12-24")
    rm.update_issue(
        seed,
        issue["id"],
        as_login="aiko",
        status_id=seed.statuses["進行中"],
        due_date="2027-01-15",
        notes="紙を取り除きました",
    )
    await poll_once(service, seed, tmp_path)

    def posted(channel: str) -> str:
        return posted_about(service, channel, issue["id"])

    german, japanese = posted("CPUBLIC"), posted("CPRIVATE")
    print(german, "\n---\n", japanese)  # shown when an assertion fails
    # German around Redmine's Japanese words, German dates.
    assert "*Tracker*\\nバグ" in german and "*Status*\\n進行中" in german
    assert "*Abgabedatum*\\n15.01.2027" in german
    assert "hat aktualisiert" in german
    assert "Status: 新規 → *進行中*" in german
    assert "Abgabedatum: 24.12.2026 → *15.01.2027*" in german
    assert "紙を取り除きました" in german
    assert "Mir zuweisen" in german and "Aufwand buchen" in german
    # The same change in Japanese, Japanese dates.
    assert "*トラッカー*\\nバグ" in japanese and "*ステータス*\\n進行中" in japanese
    assert "*期日*\\n2027/01/15" in japanese
    assert "ステータス: 新規 → *進行中*" in japanese
    assert "期日: 2026/12/24 → *2027/01/15*" in japanese
    assert "紙を取り除きました" in japanese
    assert "自分に割り当て" in japanese
    for german_word in ("Abgabedatum", "aktualisiert", "Mir zuweisen"):
        assert german_word not in japanese


def test_a_swahili_reader_reads_english_around_redmines_japanese(
    japanese_service: RunningService,
) -> None:
    service = japanese_service
    service.fake.add_user("UERIN", "erin@example.com", name="Erin", locale="sw-KE")  # no catalog
    assert "*Redmine from Slack*" in service.command("help", user="UERIN").json()["text"]
    subject = f"Printer jam {tag()}"
    service.command(f"create alpha{IME_SPACE}{subject}", user="UERIN")
    created = service.wait_response(lambda a: subject in words(a))
    assert created["text"].startswith("<@UERIN> created #") and "(新規)" in created["text"]
    card = words(created)
    assert "*Tracker*\\nバグ" in card and "*Status*\\n新規" in card and "*Priority*\\n通常" in card
    assert '"Assign to me"' in card
    [issue] = rm.issues_with_subject(service.seed, subject)
    refused = answer_to(service, f"log {issue['id']} 2h", "UERIN", lambda a: "activity" in words(a))
    assert refused["text"].startswith("Which activity? Redmine has no default.")
    assert "Choices: `設計作業`, `開発作業`." in refused["text"]
