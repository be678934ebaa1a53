"""A reply claimed for import and never written (the process was killed in between) is
written exactly once by the lease holder's sweep; one written but never linked is only
linked. Against the real Redmine: its journals are the proof of what was written."""

from __future__ import annotations

import uuid
from datetime import timedelta

from bot.notify.reply_recovery import ReplyRecovery
from bot.store.replies import ImportedReplyRepository
from bot.store.repositories import DeliveryRepository
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import Notifier


async def claimed_reply(notifier: Notifier, text: str) -> tuple[int, str]:
    """An issue's thread in CPUBLIC (replies:on), Bob's reply in it, claimed as the import
    claims it, and then the import stopped: (issue id, the reply's ts)."""
    seed = notifier.seed
    await notifier.subscribe(replies=True)
    issue = rm.create_issue(seed, as_login="alice", subject=f"Recover {uuid.uuid4().hex[:6]}")
    parent = notifier.fake.add_message("CPUBLIC", text=f"#{issue['id']}")
    reply = notifier.fake.add_message("CPUBLIC", user="UBOB", text=text, thread_ts=parent)
    async with notifier.services.sessions() as session:
        await DeliveryRepository(session).set_thread("CPUBLIC", issue["id"], parent)
        claimed = await ImportedReplyRepository(session).claim(
            "CPUBLIC",
            reply,
            issue_id=issue["id"],
            slack_user_id="UBOB",
            redmine_user_id=seed.users["bob"].id,
            notes=text,
        )
        await session.commit()
    assert claimed
    return issue["id"], reply


def recovery(notifier: Notifier) -> ReplyRecovery:
    services = notifier.services
    return ReplyRecovery(
        sessions=services.sessions,
        identity=services.identity,
        slack=services.slack,
        formatting=notifier.settings.redmine_text_formatting,
        recover_after=timedelta(0),  # the claim is old enough at once
    )


def notes_by_bob(notifier: Notifier, issue_id: int, text: str) -> list[dict[str, object]]:
    bob = notifier.seed.users["bob"].id
    return [
        j
        for j in rm.journals(notifier.seed, issue_id)
        if j.get("notes") == text and j["user"]["id"] == bob
    ]


async def test_a_claim_killed_before_its_note_is_written_is_written_once(
    notifier: Notifier,
) -> None:
    text = f"Recovered reply {uuid.uuid4().hex[:8]}"
    issue_id, reply = await claimed_reply(notifier, text)
    sweeper = recovery(notifier)
    assert await sweeper.sweep() == {"written": 1}
    assert await sweeper.sweep() == {}  # linked now: nothing left to take up
    (note,) = notes_by_bob(notifier, issue_id, text)
    async with notifier.services.sessions() as session:
        record = await ImportedReplyRepository(session).get("CPUBLIC", reply)
    assert record is not None and record.journal_id == note["id"]


async def test_a_claim_whose_note_was_written_but_not_linked_is_only_linked(
    notifier: Notifier,
) -> None:
    text = f"Written, not linked {uuid.uuid4().hex[:8]}"
    issue_id, _ = await claimed_reply(notifier, text)
    rm.update_issue(notifier.seed, issue_id, as_login="bob", notes=text)  # killed after this
    assert await recovery(notifier).sweep() == {"linked": 1}
    assert len(notes_by_bob(notifier, issue_id, text)) == 1


async def test_a_claim_whose_message_was_deleted_is_given_back(notifier: Notifier) -> None:
    text = f"Deleted meanwhile {uuid.uuid4().hex[:8]}"
    issue_id, reply = await claimed_reply(notifier, text)
    notifier.fake.delete_message("CPUBLIC", reply)
    assert await recovery(notifier).sweep() == {"released": 1}
    assert notes_by_bob(notifier, issue_id, text) == []
