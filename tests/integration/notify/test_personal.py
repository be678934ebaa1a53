"""Personal DMs end to end: real Redmine changes made as different people, the poller's
pipeline, the local Slack. One DM per person and journal, read as the recipient."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_services
from bot.notify.poller import Poller
from bot.store.personal import PersonalRepository, Preferences
from tests.integration import redmine_admin as rm
from tests.integration.notify.conftest import Notifier, make_poller
from tests.integration.slack_harness import settings_for
from tests.redmine_server import Seed, redmine_version
from tests.support.fakeslack import FakeSlack, dm_channel


@pytest.fixture
async def personal(
    redmine_seed: Seed, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[Notifier]:
    settings = settings_for(
        redmine_seed, fake_slack, tmp_path / "personal.sqlite3", personal_notifications=True
    )
    async with open_services(settings) as services:
        poller = make_poller(services)
        await poller.run_cycle()  # first start: the cursor begins now
        await next_second()
        yield Notifier(services, poller, settings, fake_slack, redmine_seed)


async def next_second() -> None:
    # Redmine's timestamps have whole seconds: let changes and reads fall in new ones.
    await asyncio.sleep(1.05 - time.time() % 1)


def dms(n: Notifier, user: str, issue_id: int) -> list[dict[str, Any]]:
    """The DMs `user` got about one issue (other tests' issues may be in the window)."""
    return [
        c.args
        for c in n.fake.of("chat.postMessage")
        if c.args.get("channel") == dm_channel(user)
        and re.search(rf"#{issue_id}(?!\d)", c.args.get("text", ""))
    ]


async def cycle(n: Notifier, poller: Poller | None = None) -> None:
    await next_second()
    report = await (poller or n.poller).run_cycle()
    assert not report.failed_issues


def title() -> str:
    return f"Personal {uuid.uuid4().hex[:8]}"


async def test_assigning_tells_the_new_assignee_and_never_the_one_who_assigned(
    personal: Notifier,
) -> None:
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="alice", subject=title())
    rm.update_issue(seed, issue["id"], as_login="alice", assigned_to_id=seed.users["bob"].id)
    await cycle(personal)
    [told] = dms(personal, "UBOB", issue["id"])
    assert told["text"].startswith("Assigned to you: Alice Archer updated")
    assert "thread_ts" not in told  # the first DM about an issue starts its thread
    assert dms(personal, "UALICE", issue["id"]) == []


async def test_an_issue_created_assigned_to_someone_tells_them(personal: Notifier) -> None:
    seed = personal.seed
    issue = rm.create_issue(
        seed, as_login="alice", subject=title(), assigned_to_id=seed.users["bob"].id
    )
    await cycle(personal)
    [told] = dms(personal, "UBOB", issue["id"])
    assert told["text"].startswith("Assigned to you: Alice Archer: #")
    assert dms(personal, "UALICE", issue["id"]) == []


async def test_a_note_on_a_watched_issue_a_status_change_and_a_mention(
    personal: Notifier,
) -> None:
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="bob", subject=title())
    rm.add_watcher(seed, issue["id"], seed.users["erin"].id)
    await cycle(personal)
    rm.update_issue(seed, issue["id"], as_login="alice", notes="Looked at it")
    rm.update_issue(seed, issue["id"], as_login="alice", status_id=seed.statuses["In Progress"])
    other = rm.create_issue(seed, as_login="alice", subject=title())
    rm.update_issue(seed, other["id"], as_login="alice", notes="Could @dave have a look?")
    await cycle(personal)

    watched, status_for_watcher = dms(personal, "UERIN", issue["id"])
    assert watched["text"].startswith("On an issue you watch: Alice Archer updated")
    assert "Looked at it" in watched["text"]
    assert status_for_watcher["text"].startswith("On an issue you watch")
    author_note, author_status = dms(personal, "UBOB", issue["id"])
    assert author_note["text"].startswith("On an issue you reported")
    assert author_status["text"].startswith("The status of your issue changed")
    assert "Status: New → *In Progress*" in author_status["text"]
    # One thread per issue in each DM: the later messages reply to the first.
    assert author_status["thread_ts"] and "thread_ts" not in author_note
    [mention] = dms(personal, "UDAVE", other["id"])
    assert mention["text"].startswith("You were mentioned")
    assert dms(personal, "UALICE", issue["id"]) == []  # her own changes
    assert dms(personal, "UALICE", other["id"]) == []


async def test_ones_own_change_tells_nobody_else_and_not_oneself(personal: Notifier) -> None:
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="bob", subject=title())
    rm.update_issue(seed, issue["id"], as_login="bob", notes="Note to self")
    await cycle(personal)
    assert dms(personal, "UBOB", issue["id"]) == []


async def test_an_author_watching_their_issue_hears_of_others_changes_once_not_their_own(
    personal: Notifier,
) -> None:
    # Redmine 6.x makes the author of a new issue its watcher when their role may add
    # watchers (Issue#add_auto_watcher, the "issue_created" auto-watch preference; alice
    # is a Manager); 5.0 does not. The author is then both "author" and "watcher", and
    # must still hear nothing of their own changes, and of another's change once.
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="alice", subject=title())
    watchers = rm.get(seed, f"/issues/{issue['id']}.json", include="watchers")["issue"]
    auto_watched = seed.users["alice"].id in [w["id"] for w in watchers["watchers"]]
    assert auto_watched is redmine_version().startswith("6.")
    if not auto_watched:
        rm.add_watcher(seed, issue["id"], seed.users["alice"].id)  # as 6.x would have
    rm.update_issue(seed, issue["id"], as_login="alice", notes="My own note")
    rm.update_issue(seed, issue["id"], as_login="bob", notes="Bob's note")
    await cycle(personal)
    [told] = dms(personal, "UALICE", issue["id"])
    assert told["text"].startswith("On an issue you reported: Bob Baker updated")
    assert "Bob's note" in told["text"] and "My own note" not in told["text"]


async def test_a_private_note_goes_only_to_who_may_read_it(personal: Notifier) -> None:
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="alice", subject=title())
    rm.add_watcher(seed, issue["id"], seed.users["bob"].id)  # Developer: sees private notes
    rm.add_watcher(seed, issue["id"], seed.users["erin"].id)  # Reporter: does not
    await cycle(personal)
    rm.update_issue(seed, issue["id"], as_login="alice", notes="Internal only", private_notes=True)
    await cycle(personal)
    [told] = dms(personal, "UBOB", issue["id"])
    assert ":lock: private note" in str(told["blocks"]) and "Internal only" in told["text"]
    assert dms(personal, "UERIN", issue["id"]) == []
    # The real Redmine agrees: read as erin, the issue has no such note.
    erin_view = rm.get(seed, f"/issues/{issue['id']}.json", include="journals")
    assert any(j.get("private_notes") for j in erin_view["issue"]["journals"])  # admin sees
    with rm.admin(seed) as http:
        as_erin = http.get(
            f"/issues/{issue['id']}.json",
            params={"include": "journals"},
            headers={"X-Redmine-Switch-User": "erin"},
        ).json()["issue"]
    assert not any(j.get("notes") == "Internal only" for j in as_erin["journals"])


async def test_a_private_issue_is_not_told_to_whom_cannot_see_it(personal: Notifier) -> None:
    seed = personal.seed
    issue = rm.create_issue(
        seed,
        as_login="alice",
        subject=title(),
        is_private=True,
        assigned_to_id=seed.users["bob"].id,
    )
    rm.add_watcher(seed, issue["id"], seed.users["erin"].id)
    rm.update_issue(seed, issue["id"], as_login="alice", notes="Secret progress")
    await cycle(personal)
    # Redmine 5's default roles let Developer and Reporter see a private issue only when
    # they reported it or are assigned to it ("issues_visibility: default"); watching it
    # is not enough. So bob, its assignee, is told; erin, a watcher, is not.
    assert dms(personal, "UERIN", issue["id"]) == []
    created, note = dms(personal, "UBOB", issue["id"])
    assert created["text"].startswith("Assigned to you") and "Secret progress" in note["text"]


async def test_exactly_once_across_cycles_and_a_restart(personal: Notifier) -> None:
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="alice", subject=title())
    rm.add_watcher(seed, issue["id"], seed.users["bob"].id)
    rm.update_issue(seed, issue["id"], as_login="alice", notes="First")
    await cycle(personal)
    await cycle(personal)
    assert len(dms(personal, "UBOB", issue["id"])) == 1
    # A restart: a new poller (no memory of what it fetched) on the same store.
    restarted = make_poller(personal.services)
    await cycle(personal, restarted)
    assert len(dms(personal, "UBOB", issue["id"])) == 1
    rm.update_issue(seed, issue["id"], as_login="alice", notes="Second")
    await cycle(personal, restarted)
    first, second = dms(personal, "UBOB", issue["id"])
    async with personal.services.sessions() as session:
        thread = await PersonalRepository(session).thread("UBOB", issue["id"])
    assert thread is not None and thread.channel_id == dm_channel("UBOB")
    assert "thread_ts" not in first and "Second" in second["text"]
    assert second["thread_ts"] == thread.thread_ts


async def test_a_kind_switched_off_in_app_home_is_not_told(personal: Notifier) -> None:
    seed = personal.seed
    async with personal.services.sessions() as session:
        await PersonalRepository(session).save("UBOB", Preferences(involved=False))
        await session.commit()
    issue = rm.create_issue(seed, as_login="alice", subject=title())
    rm.add_watcher(seed, issue["id"], seed.users["bob"].id)
    rm.update_issue(seed, issue["id"], as_login="alice", notes="Quiet please")
    rm.update_issue(seed, issue["id"], as_login="alice", assigned_to_id=seed.users["bob"].id)
    await cycle(personal)
    [told] = dms(personal, "UBOB", issue["id"])  # the assignment, not the note
    assert told["text"].startswith("Assigned to you")


async def test_a_webhook_nudge_tells_at_once_and_the_next_cycle_not_again(
    personal: Notifier,
) -> None:
    seed = personal.seed
    issue = rm.create_issue(seed, as_login="alice", subject=title())
    rm.update_issue(seed, issue["id"], as_login="alice", assigned_to_id=seed.users["erin"].id)
    await personal.poller.process_queued(issue["id"])  # what POST /webhooks/redmine queues
    [told] = dms(personal, "UERIN", issue["id"])
    assert told["text"].startswith("Assigned to you")
    await cycle(personal)
    assert len(dms(personal, "UERIN", issue["id"])) == 1
