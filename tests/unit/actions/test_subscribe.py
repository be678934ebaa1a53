"""Subscriptions: checked as the person, private notes only where they may go, saved whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.errors import UserFacingError
from bot.actions.subscribe import (
    NO_PRIVATE_NOTES,
    PRIVATE_IN_PUBLIC,
    ChannelFacts,
    list_subscriptions,
    subscribe,
    unsubscribe,
)
from bot.actions.subscription_filters import SubscriptionOptions, parse_filters
from bot.blocks.answers import ListedSubscription
from bot.i18n import translator_for, using
from bot.people.identity import Identity
from bot.redmine import Redmine
from bot.store import db
from bot.store.repositories import SubscriptionRepository

URL = "http://redmine.test"
ALPHA = {"id": 1, "name": "Alpha", "identifier": "alpha", "status": 1}
ALICE = Identity("U1", "alice", 5, "email")
# `redmine` (tests/unit/actions/conftest.py) stands for both the person and the admin:
# respx tells them apart by path (the person lists projects, the admin reads users,
# memberships and roles).
PUBLIC = ChannelFacts("C1", is_private=False, bot_is_member=True)
PRIVATE = ChannelFacts("G1", is_private=True, bot_is_member=True)


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    await db.migrate(engine)
    yield db.session_factory(engine)
    await engine.dispose()


def sees_alpha() -> None:
    respx.get(f"{URL}/projects.json").respond(200, json={"projects": [ALPHA], "total_count": 1})


def alice_has_roles(*permissions: list[str]) -> None:
    respx.get(f"{URL}/users/5.json").respond(
        200, json={"user": {"id": 5, "login": "alice", "admin": False}}
    )
    respx.get(f"{URL}/projects/1/memberships.json").respond(
        200,
        json={
            "memberships": [
                {
                    "id": 1,
                    "project": {"id": 1, "name": "Alpha"},
                    "user": {"id": 5, "name": "Alice"},
                    "roles": [{"id": 10 + i, "name": f"r{i}"} for i in range(len(permissions))],
                }
            ],
            "total_count": 1,
        },
    )
    for i, granted in enumerate(permissions):
        respx.get(f"{URL}/roles/{10 + i}.json").respond(
            200, json={"role": {"id": 10 + i, "name": f"r{i}", "permissions": granted}}
        )


async def saved(sessions: async_sessionmaker[AsyncSession], channel_id: str) -> list[str]:
    async with sessions() as session:
        found = await SubscriptionRepository(session).for_channel(channel_id)
    return [s.project_identifier for s in found]


@respx.mock
async def test_a_public_channel_the_bot_is_not_in_is_saved_and_must_be_joined(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    channel = ChannelFacts("C9", is_private=False, bot_is_member=False)
    options = parse_filters(["trackers:Bug", "threads:off"])
    done = await subscribe(redmine, redmine, sessions, ALICE, channel, "Alpha", options)
    assert (done.project_name, done.filters) == ("Alpha", "trackers: Bug; events: all; no threads")
    assert (done.must_join, done.must_invite) == (True, False)
    assert await saved(sessions, "C9") == ["alpha"]


@respx.mock
async def test_a_private_channel_without_the_bot_asks_for_an_invite(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    channel = ChannelFacts("G9", is_private=True, bot_is_member=False)
    done = await subscribe(
        redmine, redmine, sessions, ALICE, channel, "alpha", SubscriptionOptions()
    )
    assert (done.must_join, done.must_invite) == (False, True)


@respx.mock
async def test_private_notes_never_go_to_a_public_channel(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    with pytest.raises(UserFacingError) as refused:
        await subscribe(
            redmine, redmine, sessions, ALICE, PUBLIC, "alpha", SubscriptionOptions(private=True)
        )
    assert refused.value.message == PRIVATE_IN_PUBLIC
    assert await saved(sessions, "C1") == []


@respx.mock
async def test_private_notes_need_a_role_that_sees_them(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    alice_has_roles(["view_issues"], ["add_issues"])
    with pytest.raises(UserFacingError) as refused:
        await subscribe(
            redmine, redmine, sessions, ALICE, PRIVATE, "alpha", SubscriptionOptions(private=True)
        )
    assert refused.value.message == NO_PRIVATE_NOTES.format(project="Alpha")
    assert await saved(sessions, "G1") == []


@respx.mock
async def test_one_role_with_view_private_notes_is_enough(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    alice_has_roles(["view_issues"], ["view_private_notes"])
    done = await subscribe(
        redmine, redmine, sessions, ALICE, PRIVATE, "alpha", SubscriptionOptions(private=True)
    )
    assert done.filters.endswith("private notes and issues included")
    assert await saved(sessions, "G1") == ["alpha"]


@respx.mock
async def test_a_project_the_person_cannot_see_is_refused_with_their_own(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    with pytest.raises(UserFacingError) as refused:
        await subscribe(redmine, redmine, sessions, ALICE, PUBLIC, "beta", SubscriptionOptions())
    assert refused.value.message == (
        "I can't find a project `beta` that you can see in Redmine. Your projects: `alpha`."
    )


@respx.mock
async def test_unsubscribe_and_list_read_the_channels_own_subscriptions(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    await subscribe(redmine, redmine, sessions, ALICE, PUBLIC, "alpha", SubscriptionOptions())
    assert await list_subscriptions(sessions, "C1") == [
        ListedSubscription("Alpha", "alpha", "trackers: all; events: all", "U1", None)
    ]
    with pytest.raises(UserFacingError) as refused:
        await unsubscribe(sessions, "C1", "beta")
    assert refused.value.message == (
        "This channel has no subscription to `beta`. Its subscriptions: `alpha`."
    )
    done = await unsubscribe(sessions, "C1", "ALPHA")
    assert done.project_name == "Alpha"
    assert await list_subscriptions(sessions, "C1") == []


@pytest.mark.parametrize(
    ("word", "language"),
    [("lang:de", "de"), ("lang:ja-JP", "ja"), ("lang:pt-PT", "pt_BR"), ("lang:zh-CN", "zh_Hans")],
)
def test_lang_names_the_catalog_a_channel_is_written_in(word: str, language: str) -> None:
    assert parse_filters([word]).language == language
    assert parse_filters([]).language is None


def test_a_language_without_catalog_is_refused_with_the_choices() -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_filters(["lang:sw"])
    assert refused.value.message == (
        "`lang:sw`: I don't speak that language yet. Languages: `lang:en`, `lang:ja`, "
        "`lang:de`, `lang:fr`, `lang:es`, `lang:pt-BR`, `lang:ru`, `lang:zh-CN`."
    )
    # Each choice offered is one that is accepted.
    for code in ("en", "ja", "de", "fr", "es", "pt-BR", "ru", "zh-CN"):
        assert parse_filters([f"lang:{code}"]).language is not None


@respx.mock
async def test_the_language_is_saved_and_listed_in_the_readers_words(
    redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    sees_alpha()
    done = await subscribe(
        redmine, redmine, sessions, ALICE, PUBLIC, "alpha", parse_filters(["lang:de"])
    )
    assert done.filters == "trackers: all; events: all; in German"
    async with sessions() as session:
        [stored] = await SubscriptionRepository(session).for_channel("C1")
    assert stored.language == "de"
    with using(translator_for("ja-JP")):
        [listed] = await list_subscriptions(sessions, "C1")
    assert listed.filters == "トラッカー: すべて; イベント: すべて; 言語: ドイツ語"
    with using(translator_for("de-DE")):
        [listed] = await list_subscriptions(sessions, "C1")
    assert listed.filters == "Tracker: alle; Ereignisse: alle; auf Deutsch"
