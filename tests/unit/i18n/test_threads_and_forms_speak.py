"""The thread, form and file answers in the reader's language (issue 19).

Each path a person reads is run in Japanese or German and the translated words are
asserted, so a sentence that loses its `_()` (or its catalog entry) fails here: the
answers after a form's write, the connect_thread modals and messages, the card edit's
kept fields, a reply edit Redmine refused, the words written into Redmine, the form-change,
options, shortcut and unlink listeners, and Slack's refused downloads and unreadable threads.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import respx
from slack_sdk.errors import SlackApiError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions import edit_issue
from bot.actions.edit_issue import Edited, apply_edit, kept_sentence
from bot.actions.errors import UserFacingError
from bot.actions.follow_reply_edits import ReplyChange, follow_reply_change
from bot.blocks import replies
from bot.blocks.metadata import ModalContext
from bot.blocks.thread_link import (
    PICKABLE_MESSAGES,
    link_modal,
    linked_text,
    unlink_modal,
    unlinked_text,
)
from bot.config import TextFormatting
from bot.domain.message_text import message_body, permalink_line, render_thread
from bot.i18n import LANGUAGES, SOURCE_LANGUAGE, translator_for, using
from bot.i18n.catalogs import read_catalog
from bot.redmine import Redmine, RedmineClient
from bot.redmine.models import EnumerationItem, Issue, TimeEntry
from bot.slack import limits
from bot.slack.messages import ThreadMessage
from bot.slack.web.files import SlackFile, SlackFileError, SlackFiles
from bot.slack.web.reads import ThreadUnreadable
from handlers import form_changes, options, shortcuts, threads
from handlers.asked import answering_failures
from handlers.threads import read_thread
from tests.fixtures import load
from tests.support.blockkit import problems
from tests.unit.actions.test_follow_reply_edits import NoStore, record

BASE = "https://redmine.example.org"
REDMINE = "http://redmine.test"
SLACK_API = "http://slack.test/api/"
JA, DE = translator_for("ja-JP"), translator_for("de-DE")
ISSUE = Issue.model_validate(
    {
        "id": 41,
        "project": {"id": 7, "name": "Helpdesk"},
        "tracker": {"id": 1, "name": "Bug"},
        "subject": "Printer jams",
    }
)
LINK = f"<{BASE}/issues/41|#41>"


# -- bot/blocks/replies.py ---------------------------------------------------------------------


def test_the_answers_after_a_forms_write_speak_japanese() -> None:
    entry = TimeEntry.model_validate(
        {"id": 3, "project": {"id": 7, "name": "Helpdesk"}, "hours": 1.5, "spent_on": "2026-12-07"}
    )
    with using(JA):
        created = replies.created_from_message(BASE, "UBOB", ISSUE, ["a.txt", "b.png"])
        summary = replies.attach_summary(["a.txt"], [("core.dump", "大きすぎます")], LINK)
        nothing = replies.attach_summary([], [], LINK)
        note = replies.note_added(BASE, "UBOB", ISSUE, private=False)
        private = replies.note_added(BASE, "UBOB", ISSUE, private=True)
        logged = replies.time_logged(BASE, "UBOB", ISSUE, entry, EnumerationItem(id=9, name="設計"))
        alone = replies.time_logged(BASE, "UBOB", ISSUE, entry, None)
    assert created == (
        f"<@UBOB> さんが `a.txt`、`b.png` を添付して <{BASE}/issues/41|#41 Printer jams> "
        "を作成しました。"
    )
    assert summary == (
        f"`a.txt` を {LINK} に添付しました。\n`core.dump` は添付されませんでした: 大きすぎます"
    )
    assert nothing == "添付するファイルはありませんでした。"
    assert note == f"<@UBOB> さんがこれを {LINK} にコメントとして追加しました。"
    assert private == f"{LINK} にあなたのプライベートコメントを追加しました。"
    assert logged == f"<@UBOB> さんが {LINK} に作業時間 1.5時間(設計)を記録しました。"
    assert alone == f"<@UBOB> さんが {LINK} に作業時間 1.5時間 を記録しました。"


def test_time_logged_in_german_writes_german_hours() -> None:
    entry = TimeEntry.model_validate(
        {"id": 3, "project": {"id": 7, "name": "Helpdesk"}, "hours": 1.5, "spent_on": "2026-12-07"}
    )
    with using(DE):
        said = replies.time_logged(BASE, "UBOB", ISSUE, entry, None)
    assert said == f"<@UBOB> hat 1,5 h auf {LINK} gebucht."


def test_files_are_counted_by_the_readers_plural_rule() -> None:
    with using(translator_for("ru")):
        one = replies.attached_files(["a.txt"], LINK)
        two = replies.created_from_message(BASE, "UBOB", ISSUE, ["a.txt", "b.png"])
    assert one == f"К {LINK} прикреплён файл `a.txt`."
    assert two == (
        f"<@UBOB> создал(а) <{BASE}/issues/41|#41 Printer jams> с файлами `a.txt` и `b.png`."
    )


# -- bot/blocks/thread_link.py -----------------------------------------------------------------


def test_the_link_and_unlink_forms_and_messages_speak_japanese() -> None:
    choices = [(f"1.{n}", f"Bob: {n}") for n in range(PICKABLE_MESSAGES + 1)]
    with using(JA):
        view = link_modal(choices, "{}")
        unlink = unlink_modal(42, "{}")
        linked = linked_text(42, "Printer", f"{BASE}/issues/42", "UBOB")
        unlinked = unlinked_text(42, "UBOB")
    words = json.dumps(view, ensure_ascii=False)
    assert view["title"]["text"] == "スレッドをチケットに関連付け"
    assert view["submit"]["text"] == "関連付け" and view["close"]["text"] == "キャンセル"
    assert view["blocks"][0]["label"]["text"] == "チケット番号"
    assert view["blocks"][0]["element"]["placeholder"]["text"] == "42 または #42"
    assert "これらのメッセージをチケットの1つのコメントにコピーします:" in words
    assert "メッセージ 1–10" in words and "メッセージ 91–100" in words
    assert "それ以降の 1 件のメッセージもコピーされます。" in words
    assert "以後、このスレッドへの返信は、返信した本人としてチケットのコメントになります。" in words
    assert (unlink["title"]["text"], unlink["submit"]["text"]) == (
        "スレッドの関連付けを解除",
        "解除",
    )
    assert "関連付けを解除しますか?" in unlink["blocks"][0]["text"]["text"]
    assert linked.startswith(f"<@UBOB> さんがこのスレッドを <{BASE}/issues/42|#42 Printer> に")
    assert unlinked == (
        "<@UBOB> さんがこのスレッドと #42 の関連付けを解除しました。返信はSlackにだけ残ります。"
    )


def test_later_messages_are_counted_by_each_languages_plural_rule() -> None:
    choices = [(f"1.{n}", f"Bob: {n}") for n in range(PICKABLE_MESSAGES + 3)]
    with using(translator_for("ru")):
        said = json.dumps(link_modal(choices, "{}"), ensure_ascii=False)
    assert "Следующие 3 сообщения тоже копируются." in said
    with using(DE):
        one = json.dumps(link_modal(choices[: PICKABLE_MESSAGES + 1], "{}"), ensure_ascii=False)
    assert "Die 1 spätere Nachricht wird ebenfalls kopiert." in one


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_thread_forms_pass_slacks_checks_in_every_language(language: str) -> None:
    choices = [(f"1.{n}", f"Bob: {'x' * 90}") for n in range(PICKABLE_MESSAGES + 2)]
    with using(translator_for(language)):
        assert problems(view=link_modal(choices, "{}")) == []
        assert problems(view=unlink_modal(42, "{}")) == []


def test_every_translation_of_the_thread_forms_titles_fits_slacks_limit() -> None:
    # form_view cuts a long title with "…": held to the limit here, so nothing is cut.
    short = {
        limits.VIEW_TITLE: ["Link thread to issue", "Unlink thread", "Link", "Unlink"],
        limits.PLACEHOLDER: ["42 or #42"],
    }
    too_long = [
        f"{language}: {message.string!r}"
        for language in LANGUAGES
        if language != SOURCE_LANGUAGE
        for limit, sentences in short.items()
        for sentence in sentences
        if (message := read_catalog(language).get(sentence)) is not None
        and len(str(message.string)) > limit
    ]
    assert too_long == []


# -- bot/domain/message_text.py: words written into Redmine ------------------------------------


def test_the_words_written_into_redmine_are_the_askers_language() -> None:
    url = "https://test.slack.invalid/archives/C1/p1700000000000100"
    thread = [
        ThreadMessage(ts="1700000000.000100", user_id="U1", text="it broke"),
        ThreadMessage(ts="1700000060.000200", user_id=None, text=""),
    ]
    with using(DE):
        textile = permalink_line(url, TextFormatting.textile)
        markdown = message_body("**fett**", TextFormatting.common_mark, permalink=url)
    with using(JA):
        rendered = render_thread(thread, TextFormatting.textile, names={"U1": "Alice"})
    assert textile == f'Aus Slack: "Nachricht":{url}'
    assert markdown.endswith(f"\n\nAus Slack: [Nachricht]({url})")
    assert rendered.startswith("Slackのスレッド:\n\n*Alice*, 2023-11-14 22:13 UTC:\nit broke")
    assert rendered.endswith("*誰か*, 2023-11-14 22:14 UTC: (本文なし)")


# -- bot/actions/edit_issue.py -----------------------------------------------------------------


def test_what_redmine_kept_is_told_in_german_and_japanese() -> None:
    partly = Edited(ISSUE, ["status"], ["priority", "due date"])
    kept_all = Edited(ISSUE, [], ["assignee"])
    with using(DE):
        german = kept_sentence(partly)
    with using(JA):
        japanese = kept_sentence(kept_all)
    assert german == (
        "Redmine hat #41 geändert (Status), aber Folgendes beibehalten: Priorität und "
        "Abgabedatum. Ihre Rolle in Helpdesk, dessen Workflow oder der Tracker Bug erlaubt "
        "diese Änderungen nicht."
    )
    assert japanese == (
        "Redmineは #41 の担当者の変更を許可しませんでした。Helpdesk でのあなたのロール、"
        "そのワークフロー、またはトラッカー「Bug」が許可していません。何も変更されていません。"
    )
    assert edit_issue.LABELS["due_date"] == "due date"  # kept in English, said translated


async def test_an_edit_left_alone_is_told_in_japanese() -> None:
    with using(JA), pytest.raises(UserFacingError) as raised:
        await apply_edit(cast(Redmine, None), 42, {})  # refused before Redmine is asked
    assert raised.value.message == "#42 のどの項目も変更されていないため、何も変更しませんでした。"


# -- bot/actions/follow_reply_edits.py ---------------------------------------------------------


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(REDMINE, "k" * 40, backoff=0.01, max_retries=0) as client:
        yield Redmine(client)


NO_STORE = cast(async_sessionmaker[AsyncSession], NoStore())
ISSUE_7 = {"id": 7, "subject": "S", "project": {"id": 1, "name": "Alpha"}}


@respx.mock
async def test_a_reply_edit_on_a_gone_note_is_told_in_german(redmine: Redmine) -> None:
    respx.get(f"{REDMINE}/issues/7.json").respond(200, json={"issue": {**ISSUE_7, "journals": []}})
    with using(DE), pytest.raises(UserFacingError) as raised:
        await follow_reply_change(
            ReplyChange("C1", "1.2", "neu"),
            record(),
            redmine=redmine.as_user("alice"),
            sessions=NO_STORE,
            formatting=TextFormatting.textile,
        )
    assert raised.value.message.startswith(
        "Ihr Kommentar zu #7 existiert in Redmine nicht mehr, daher wurde Ihre Änderung in "
        "Slack nicht dorthin übernommen."
    )


@respx.mock
async def test_a_refused_deletion_writes_and_tells_in_japanese(redmine: Redmine) -> None:
    journal = {"id": 40, "notes": "x", "details": [{"property": "attr", "name": "status_id"}]}
    respx.get(f"{REDMINE}/issues/7.json").respond(
        200, json={"issue": {**ISSUE_7, "journals": [journal]}}
    )
    put = respx.put(f"{REDMINE}/journals/40.json").respond(403)
    with using(JA), pytest.raises(UserFacingError) as raised:
        await follow_reply_change(
            ReplyChange("C1", "1.2", None),
            record(),
            redmine=redmine.as_user("alice"),
            sessions=NO_STORE,
            formatting=TextFormatting.textile,
        )
    # The journal keeps its changes, so its text is replaced, in the asker's language.
    assert json.loads(put.calls.last.request.content) == {
        "journal": {"notes": "(Slackで削除されました)"}
    }
    assert raised.value.message.startswith(
        "Redmineは #7 のあなたのコメントの削除を許可しませんでした"
    )
    assert raised.value.message.endswith("Redmineで削除してください。")


# -- handlers: form changes, options, shortcuts, threads ----------------------------------------


@dataclass
class Heard:
    """A stand-in for handlers.asked.Asked: what the listener said, and where."""

    body: dict[str, Any] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    user_id: str = "UBOB"
    channel_id: str | None = "CPUBLIC"
    services: Any = field(default_factory=SimpleNamespace)

    async def say(self, text: str) -> None:
        self.said.append(text)

    def in_thread(self, context: ModalContext, user_id: str | None = None) -> Any:
        return self.say

    def answering_failures(self, say: Any = None, user_id: str | None = None) -> Any:
        return answering_failures(self.services, user_id or self.user_id, say or self.say)


async def ack(**_answer: Any) -> None:
    return None


async def test_an_action_from_a_closed_form_is_told_in_japanese() -> None:
    heard = Heard(body={"type": "block_actions"})  # no `view`: the form is gone
    with using(JA):
        await form_changes.on_issue_field_change(ack, cast(Any, heard))
    assert heard.said == ["そのフォームはもう開かれていません。続けるにはもう一度開いてください。"]


async def test_the_edit_forms_assignee_options_start_with_nobody_in_german(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def members(redmine: object, project_id: int | None) -> list[tuple[str, str]]:
        return [("Bob Baker", "5")]

    monkeypatch.setattr(options, "assignee_choices", members)
    with using(DE):
        choices = await options._edit_assignees(cast(Redmine, None), {})
    assert choices == [("Niemand", "0"), ("Bob Baker", "5")]


async def test_attaching_from_a_message_without_files_is_told_in_japanese() -> None:
    heard = Heard(body=load("message_action__plain"))
    with using(JA):
        await shortcuts.on_attach_files(ack, cast(Any, heard))
    assert heard.said == ["そのメッセージにはファイルがないため、添付するものはありません。"]


async def test_unlinking_a_thread_no_longer_linked_is_told_in_japanese(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unlinked(sessions: object, channel_id: str, thread_ts: str) -> None:
        return None

    monkeypatch.setattr(threads, "unlink_thread", unlinked)
    metadata = ModalContext(channel_id="CPUBLIC", thread_ts="1.1").encode()
    heard = Heard(
        body={"view": {"private_metadata": metadata}}, services=SimpleNamespace(sessions=None)
    )
    with using(JA):
        await threads.on_unlink(ack, cast(Any, heard))
    assert heard.said == ["このスレッドはすでにどのチケットにも関連付けられていませんでした。"]


# -- bot/slack/web: Slack's refusals, said to the person ----------------------------------------


def slack_file(url: str) -> SlackFile:
    return SlackFile(id="F1", name="a.txt", size=None, mimetype="text/plain", url=url)


@respx.mock
async def test_a_download_slack_refuses_is_named_in_japanese() -> None:
    url = "http://slack.test/files-pri/T1-F1/download/a.txt"
    respx.get(url).respond(403)
    async with httpx.AsyncClient() as http:
        files = SlackFiles(http, "xoxb-test", SLACK_API)
        with using(JA):
            with pytest.raises(SlackFileError) as refused:
                async with files.open(slack_file(url)):
                    pass
            with pytest.raises(SlackFileError) as elsewhere:
                async with files.open(slack_file("https://evil.example/a.txt")):
                    pass
            # As the person reads it: the file's fate in the attach answer.
            summary = replies.attach_summary(
                [], [(refused.value.name, refused.value.message)], LINK
            )
    assert refused.value.message == (
        "Slackがボットにダウンロードを許可しませんでした(ボットはそのチャンネルに参加していますか?)"
    )
    assert elsewhere.value.message == "ダウンロード先がSlack上にないため、取得しませんでした"
    assert summary.startswith("`a.txt` は添付されませんでした: Slackがボットに")


def test_an_unreadable_thread_is_explained_in_japanese_and_german() -> None:
    def refused(code: str) -> SlackApiError:
        return SlackApiError(code, cast(Any, {"ok": False, "error": code}))

    with using(JA):
        invite = ThreadUnreadable.of(refused("channel_not_found")).message
    with using(DE):
        other = ThreadUnreadable.of(refused("ratelimited")).message
    assert invite.startswith("スレッドのメッセージをコピーできませんでした。このチャンネルに参加")
    assert "`/invite @Redmine` で招待してから" in invite
    assert other == (
        "Die Nachrichten des Threads konnten nicht kopiert werden (Slack meldete `ratelimited`); "
        "das Ticket verlinkt stattdessen auf die Nachricht."
    )


async def test_a_thread_link_that_cannot_read_the_thread_says_it_linked_nothing() -> None:
    # The copy's "the issue links to the message instead" is not true of linking a thread,
    # which stops: it says so (in the person's language), and "invite me" stays as it is.
    class Reads:
        def __init__(self, code: str) -> None:
            self.code = code

        async def thread(self, channel_id: str, thread_ts: str) -> list[Any]:
            raise ThreadUnreadable.of(
                SlackApiError(self.code, cast(Any, {"ok": False, "error": self.code}))
            )

    with using(DE), pytest.raises(UserFacingError) as stopped:
        await read_thread(cast(Any, Reads("ratelimited")), "C1", "1.1")
    assert stopped.value.message == (
        "Der Thread konnte nicht gelesen werden (Slack meldete `ratelimited`), daher wurde "
        "er nicht verknüpft. Versuchen Sie es gleich noch einmal."
    )
    with using(JA), pytest.raises(UserFacingError) as invite:
        await read_thread(cast(Any, Reads("not_in_channel")), "C1", "1.1")
    assert "`/invite @Redmine` で招待してから" in invite.value.message
