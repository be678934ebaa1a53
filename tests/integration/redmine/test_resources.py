"""Every resource group of the adapter, against the real Redmine."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.redmine import Redmine
from bot.redmine.attachments import attachment_spec
from bot.redmine.errors import (
    ConflictError,
    ForbiddenError,
    ImpersonationError,
    NotFoundError,
    ValidationError,
    is_cannot_add_issues,
)
from bot.redmine.issues import date_filter
from tests.redmine_server import Seed


def tag() -> str:
    return uuid.uuid4().hex[:8]


async def new_issue(
    redmine: Redmine, seed: Seed, subject: str | None = None, **fields: object
) -> int:
    values: dict[str, object] = {
        "project_id": seed.projects["alpha"],
        "tracker_id": seed.trackers["Bug"],
        "subject": subject or f"resource test {tag()}",
        **fields,
    }
    issue = await redmine.issues.create(**values)
    return issue.id


async def test_issue_create_update_delete_and_includes(
    redmine: Redmine, redmine_seed: Seed
) -> None:
    seed = redmine_seed
    bob = redmine.as_user("bob")
    issue_id = await new_issue(
        bob,
        seed,
        category_id=seed.categories["Backend"],
        fixed_version_id=seed.versions["1.0"],
        author_id=seed.users["alice"].id,
    )
    issue = await redmine.issues.get(issue_id)
    assert issue.author is not None and issue.author.id == seed.users["bob"].id  # author_id ignored
    assert issue.category is not None and issue.category.name == "Backend"
    await bob.issues.update(issue_id, notes="first note", status_id=seed.statuses["In Progress"])
    await redmine.issues.add_watcher(issue_id, seed.users["erin"].id)
    child = await new_issue(redmine, seed, parent_issue_id=issue_id)
    other = await new_issue(redmine, seed)
    await redmine.relations.create(issue_id, other, "blocks")
    full = await redmine.issues.get(
        issue_id,
        include=[
            "journals",
            "watchers",
            "relations",
            "children",
            "allowed_statuses",
            "attachments",
        ],
    )
    # Adding a child and a relation journal the parent too; the note is the one with text.
    [noted] = [j for j in full.journals if j.notes]
    assert (
        noted.notes == "first note"
        and noted.user is not None
        and noted.user.id == seed.users["bob"].id
    )
    detail = noted.details[0]
    assert (detail.property, detail.name, detail.new_value) == (
        "attr",
        "status_id",
        str(seed.statuses["In Progress"]),
    )
    assert seed.users["erin"].id in {w.id for w in full.watchers}
    assert [c["id"] for c in full.children] == [child]
    assert full.relations[0]["relation_type"] == "blocks"
    await redmine.issues.remove_watcher(issue_id, seed.users["erin"].id)
    watchers = (await redmine.issues.get(issue_id, include=["watchers"])).watchers
    assert seed.users["erin"].id not in {w.id for w in watchers}
    await redmine.issues.delete(other)
    with pytest.raises(NotFoundError):
        await redmine.issues.get(other)
    with pytest.raises(ValueError, match="unknown include"):
        await redmine.issues.get(issue_id, include=["nonsense"])


async def test_issue_filters_status_and_updated_on(redmine: Redmine, redmine_seed: Seed) -> None:
    word = f"filter{tag()}"
    open_id = await new_issue(redmine, redmine_seed, f"{word} open")
    closed_id = await new_issue(redmine, redmine_seed, f"{word} closed")
    await redmine.issues.update(closed_id, status_id=redmine_seed.statuses["Closed"])
    default = {i.id async for i in redmine.issues.all(filters={"subject": f"~{word}"})}
    every = {i.id async for i in redmine.issues.all(status_id="*", filters={"subject": f"~{word}"})}
    assert default == {open_id}  # open issues only unless status_id=* (REDMINE-FACTS)
    assert every == {open_id, closed_id}
    since = datetime.now(UTC) - timedelta(minutes=5)
    recent = {
        i.id
        async for i in redmine.issues.all(
            status_id="*",
            sort="updated_on",
            filters={"updated_on": date_filter(">=", since), "subject": f"~{word}"},
        )
    }
    assert recent == {open_id, closed_id}
    future = datetime.now(UTC) + timedelta(hours=1)
    assert [
        i
        async for i in redmine.issues.all(
            status_id="*", filters={"updated_on": date_filter(">=", future)}
        )
    ] == []
    mine = [i.id async for i in redmine.as_user("bob").issues.all(filters={"assigned_to_id": "me"})]
    assert open_id not in mine


async def test_journals_come_only_from_show_not_the_list(
    redmine: Redmine, redmine_seed: Seed
) -> None:
    word = f"journal{tag()}"
    issue_id = await new_issue(redmine, redmine_seed, word)
    await redmine.issues.add_note(issue_id, "a note")
    [listed] = [
        i async for i in redmine.issues.all(include=["journals"], filters={"subject": f"~{word}"})
    ]
    assert listed.journals == []
    assert [
        j.notes for j in (await redmine.issues.get(issue_id, include=["journals"])).journals
    ] == ["a note"]


async def test_private_note_with_a_field_change_is_two_journals(
    redmine: Redmine, redmine_seed: Seed
) -> None:
    issue_id = await new_issue(redmine, redmine_seed)
    await redmine.as_user("alice").issues.update(
        issue_id,
        notes="secret note",
        private_notes=True,
        priority_id=redmine_seed.priorities["High"],
    )
    journals = (await redmine.issues.get(issue_id, include=["journals"])).journals
    assert len(journals) == 2
    public, private = sorted(journals, key=lambda j: j.private_notes)
    assert (public.private_notes, bool(public.notes), public.details[0].name) == (
        False,
        False,
        "priority_id",
    )
    assert (private.private_notes, private.notes, private.details) == (True, "secret note", [])
    assert public.id < private.id or private.id < public.id  # ids are distinct and ordered


async def test_impersonation_errors(redmine: Redmine, redmine_seed: Seed) -> None:
    with pytest.raises(ImpersonationError):
        await redmine.as_user("carol").issues.create(
            project_id=redmine_seed.projects["alpha"], subject="x"
        )
    with pytest.raises(ImpersonationError):
        await redmine.as_user("no-such-login").users.current()
    secret_issue = await new_issue(
        redmine, redmine_seed, project_id=redmine_seed.projects["secret"]
    )
    with pytest.raises((ForbiddenError, NotFoundError)):
        await redmine.as_user("dave").issues.get(secret_issue)
    with pytest.raises((ForbiddenError, NotFoundError)):
        await redmine.as_user("dave").projects.get("secret")


async def test_projects_memberships_versions_categories(
    redmine: Redmine, redmine_seed: Seed
) -> None:
    seed = redmine_seed
    dave_sees = {p.identifier async for p in redmine.as_user("dave").projects.all()}
    assert "alpha" in dave_sees and "secret" not in dave_sees
    alpha = await redmine.projects.get(
        "alpha", include=["trackers", "issue_categories", "time_entry_activities"]
    )
    assert {t.name for t in alpha.trackers} == {"Bug", "Feature", "Support"}
    assert {c.name for c in alpha.issue_categories} == {"Backend"}
    identifier = f"p{tag()}"
    project = await redmine.projects.create(name=f"Temp {identifier}", identifier=identifier)
    membership = await redmine.memberships.create(
        identifier, user_id=seed.users["dave"].id, role_ids=[seed.roles["Reporter"]]
    )
    await redmine.memberships.update(membership.id, role_ids=[seed.roles["Developer"]])
    [member] = [m async for m in redmine.memberships.all(identifier)]
    assert member.user is not None and member.user.id == seed.users["dave"].id
    assert [r.name for r in member.roles] == ["Developer"]
    version = await redmine.versions.create(identifier, name="2.0", description="next")
    await redmine.versions.update(version.id, status="locked")
    assert (await redmine.versions.get(version.id)).status == "locked"
    category = await redmine.issue_categories.create(
        identifier, name="UI", assigned_to_id=seed.users["dave"].id
    )
    assert [c.name for c in await redmine.issue_categories.all(identifier)] == ["UI"]
    await redmine.issue_categories.update(category.id, name="Frontend")
    assert (await redmine.issue_categories.get(category.id)).name == "Frontend"
    await redmine.issue_categories.delete(category.id)
    await redmine.versions.delete(version.id)
    await redmine.memberships.delete(membership.id)
    await redmine.projects.update(identifier, description="changed")
    assert (await redmine.projects.get(project.id)).description == "changed"
    await redmine.projects.delete(identifier)
    with pytest.raises(NotFoundError):
        await redmine.projects.get(identifier)


async def test_users_groups_my_account(redmine: Redmine, redmine_seed: Seed) -> None:
    seed = redmine_seed
    assert (await redmine.as_user("erin").users.current()).login == "erin"
    me = await redmine.with_api_key(seed.users["bob"].api_key).my_account.get()
    assert me.login == "bob"
    found = await redmine.users.find_by_email("ALICE@example.com")
    assert found is not None and found.login == "alice"
    assert await redmine.users.find_by_email("alice@example") is None  # no loose matches
    assert await redmine.users.find_by_email("carol@example.com") is None  # locked
    logins = {u.login async for u in redmine.users.all()}
    assert {"alice", "bob", "dave", "erin"} <= logins and "carol" not in logins
    group = await redmine.groups.create(f"Group {tag()}")
    await redmine.groups.add_user(group.id, seed.users["dave"].id)
    assert [u.id for u in (await redmine.groups.get(group.id, include=["users"])).users] == [
        seed.users["dave"].id
    ]
    await redmine.groups.remove_user(group.id, seed.users["dave"].id)
    assert (await redmine.groups.get(group.id, include=["users"])).users == []
    assert group.id in {g.id async for g in redmine.groups.all()}
    await redmine.groups.delete(group.id)


@pytest.mark.parametrize(
    ("hours", "stored"),
    [("1.5", 1.5), ("1h30", 1.5), ("1:45", 1.75), ("90m", 1.5), ("1h 30min", 1.5)],
)
async def test_time_entry_hours_formats(
    redmine: Redmine, redmine_seed: Seed, hours: str, stored: float
) -> None:
    issue_id = await new_issue(redmine, redmine_seed)
    entry = await redmine.as_user("bob").time_entries.create(
        hours=hours, issue_id=issue_id, activity_id=redmine_seed.activities["Development"]
    )
    assert (
        entry.hours == stored
        and entry.user is not None
        and entry.user.id == redmine_seed.users["bob"].id
    )


async def test_time_entry_errors_and_crud(redmine: Redmine, redmine_seed: Seed) -> None:
    issue_id = await new_issue(redmine, redmine_seed)
    with pytest.raises(ValidationError) as bad_hours:
        await redmine.time_entries.create(
            hours="abc", issue_id=issue_id, activity_id=redmine_seed.activities["Design"]
        )
    assert "Hours is invalid" in bad_hours.value.messages
    with pytest.raises(ValidationError) as no_activity:
        await redmine.time_entries.create(hours="1", issue_id=issue_id)
    assert "Activity cannot be blank" in no_activity.value.messages
    entry = await redmine.time_entries.create(
        hours="2", issue_id=issue_id, activity_id=redmine_seed.activities["Design"]
    )
    await redmine.time_entries.update(entry.id, comments="changed")
    assert (await redmine.time_entries.get(entry.id)).comments == "changed"
    assert [e.id async for e in redmine.time_entries.all(issue_id=issue_id)] == [entry.id]
    await redmine.time_entries.delete(entry.id)


async def test_cannot_add_issues_is_recognised(redmine: Redmine, redmine_seed: Seed) -> None:
    # dave is in no role of the private project: Redmine answers its meaningless 422.
    with pytest.raises(ValidationError) as caught:
        await redmine.as_user("dave").issues.create(project_id="secret", subject="x")
    assert is_cannot_add_issues(caught.value), caught.value.messages


async def _chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]
        await asyncio.sleep(0)


async def test_uploads_attach_and_stream_back(redmine: Redmine, redmine_seed: Seed) -> None:
    data = bytes(range(256)) * 300
    bob = redmine.as_user("bob")
    upload = await bob.uploads.upload(_chunks(data), "dump.bin", size=len(data))
    issue_id = await new_issue(
        bob, redmine_seed, uploads=[attachment_spec(upload, "dump.bin", "application/octet-stream")]
    )
    [attachment] = (await redmine.issues.get(issue_id, include=["attachments"])).attachments
    assert (attachment.filename, attachment.filesize) == ("dump.bin", len(data))
    got = b"".join([chunk async for chunk in redmine.attachments.download(attachment)])
    assert got == data
    assert (await redmine.attachments.get(attachment.id)).author is not None
    await redmine.attachments.update(attachment.id, description="core dump")
    assert (await redmine.attachments.get(attachment.id)).description == "core dump"
    await redmine.attachments.delete(attachment.id)
    with pytest.raises(NotFoundError):
        await redmine.attachments.get(attachment.id)


async def test_upload_over_the_size_limit_names_the_limit(redmine: Redmine) -> None:
    big = b"x" * (5 * 1024 * 1024 + 10)
    with pytest.raises(ValidationError) as caught:
        await redmine.uploads.upload(_chunks(big, 256 * 1024), "big.bin", size=len(big))
    assert caught.value.messages == [
        "This file cannot be uploaded because it exceeds the maximum allowed file size (5242880)"
    ]


async def test_reference_data(redmine: Redmine) -> None:
    assert {t.name for t in await redmine.trackers.all()} == {"Bug", "Feature", "Support"}
    statuses = {s.name: s for s in await redmine.issue_statuses.all()}
    assert statuses["Closed"].is_closed and not statuses["New"].is_closed
    assert "Normal" in {p.name for p in await redmine.enumerations.priorities()}
    activities = await redmine.enumerations.activities()
    assert {a.name for a in activities} >= {"Design", "Development"}
    assert not any(a.is_default for a in activities)  # REDMINE-FACTS: no default activity
    assert {c.name for c in await redmine.enumerations.document_categories()} >= {
        "User documentation"
    }
    roles = await redmine.roles.all()
    manager = await redmine.roles.get(next(r.id for r in roles if r.name == "Manager"))
    assert "add_issues" in manager.permissions
    assert await redmine.custom_fields.all() == []  # the pristine Redmine has none
    assert isinstance(await redmine.queries.all(), list)


async def test_wiki_versions_and_conflict(redmine: Redmine) -> None:
    title = f"Page{tag()}"
    await redmine.wiki.save("alpha", title, text="v1", comments="first")
    await redmine.wiki.save("alpha", title, text="v2", version=1)
    page = await redmine.wiki.get("alpha", title)
    assert (page.text, page.version) == ("v2", 2)
    assert (await redmine.wiki.get("alpha", title, version=1)).text == "v1"
    with pytest.raises(ConflictError):
        await redmine.wiki.save("alpha", title, text="stale", version=1)
    assert title in {p.title for p in await redmine.wiki.index("alpha")}
    await redmine.wiki.delete("alpha", title)
    with pytest.raises(NotFoundError):
        await redmine.wiki.get("alpha", title)


async def test_news_search_and_files(redmine: Redmine, redmine_seed: Seed) -> None:
    word = f"needle{tag()}"
    await redmine.news.create("alpha", title=f"News {word}", summary="s", description="d")
    [item] = [n async for n in redmine.news.all("alpha") if word in n.title]
    await redmine.news.update(item.id, title=f"Changed {word}")
    assert (await redmine.news.get(item.id)).title == f"Changed {word}"
    assert item.id in {n.id async for n in redmine.news.all()}
    await redmine.news.delete(item.id)
    issue_id = await new_issue(redmine, redmine_seed, f"Search {word}")
    results, total = await redmine.search.page(word, issues=True)
    assert total == 1 and results[0].id == issue_id and results[0].type.startswith("issue")
    # Redmine drops one-letter words and answers `"total_count": null` for what is left.
    for short in ("x", "a", "0", "7"):
        assert await redmine.search.page(short, issues=True) == ([], 0)
    upload = await redmine.uploads.upload(b"release notes", "notes.txt", size=13)
    await redmine.files.create("alpha", upload, filename="notes.txt", description="notes")
    assert "notes.txt" in {f.filename for f in await redmine.files.all("alpha")}
