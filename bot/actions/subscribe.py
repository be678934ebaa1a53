"""`subscribe | unsubscribe | subscriptions`: a channel follows a project, checked as the person.

What Slack knows about the channel arrives as plain data (`ChannelFacts`, read by the
listener); joining a public channel is the listener's too, when `Subscribed.must_join`
says so. Saving happens only after every check passed, so nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.errors import UserFacingError
from bot.actions.projects import find_project
from bot.actions.subscription_filters import SubscriptionOptions
from bot.blocks.answers import ListedSubscription
from bot.identity import Identity
from bot.redmine import Redmine
from bot.store.repositories import SubscriptionRepository

PRIVATE_IN_PUBLIC = (
    "`private:on` is only allowed in a private channel: private notes and issues must not "
    "reach people who could not see them in Redmine."
)
NO_PRIVATE_NOTES = (
    "You can't see private notes in {project}, so this channel can't get them through you. "
    "Subscribe without `private:on`, or ask someone who can see them."
)
NOT_IN_DMS = (
    "Subscriptions live in channels, not in direct messages: run `/redmine subscribe` in "
    "the channel that should get the project's updates."
)


@dataclass(frozen=True)
class ChannelFacts:
    channel_id: str
    is_private: bool  # a private channel (or one the bot cannot see, which is private)
    bot_is_member: bool


@dataclass(frozen=True)
class Subscribed:
    project_name: str
    filters: str  # the options in words, as the person will read them
    must_join: bool  # public, and the bot is not in it yet: join to post there
    must_invite: bool  # private, and the bot is not in it: someone must invite it


@dataclass(frozen=True)
class Unsubscribed:
    project_name: str


async def can_see_private_notes(admin: Redmine, user_id: int, project_id: int) -> bool:
    """Whether the user's roles in the project include `view_private_notes` (admins: yes).

    Read with the admin view: roles and memberships are admin-only in Redmine. Nothing is
    written, and the answer only ever narrows what the person may subscribe to.
    """
    user = await admin.users.get(user_id)
    if user.admin:
        return True
    memberships = await admin.memberships.of_project(project_id)
    role_ids = {
        role.id
        for membership in memberships
        if membership.user and membership.user.id == user_id
        for role in membership.roles
    }
    for role_id in role_ids:
        if "view_private_notes" in (await admin.roles.get(role_id)).permissions:
            return True
    return False


async def subscribe(
    redmine: Redmine,
    admin: Redmine,
    sessions: async_sessionmaker[AsyncSession],
    identity: Identity,
    channel: ChannelFacts,
    project_word: str,
    options: SubscriptionOptions,
) -> Subscribed:
    """Save the subscription once the person may see the project (and its private notes)."""
    project = await find_project(redmine, project_word)  # as the person: they must see it
    if options.private:
        if not channel.is_private:
            raise UserFacingError(PRIVATE_IN_PUBLIC)
        if not await can_see_private_notes(admin, identity.redmine_user_id, project.id):
            raise UserFacingError(NO_PRIVATE_NOTES.format(project=project.name))
    async with sessions() as session:
        await SubscriptionRepository(session).save(
            channel.channel_id,
            project.id,
            project_identifier=project.identifier,
            project_name=project.name,
            trackers=options.trackers,
            events=options.events,
            include_subprojects=options.include_subprojects,
            threads=options.threads,
            private=options.private,
            replies=options.replies,
            created_by_slack_user=identity.slack_user_id,
            created_by_login=identity.login,
        )
        await session.commit()
    absent = not channel.bot_is_member
    return Subscribed(
        project.name,
        options.describe(),
        must_join=absent and not channel.is_private,
        must_invite=absent and channel.is_private,
    )


async def unsubscribe(
    sessions: async_sessionmaker[AsyncSession], channel_id: str, project_word: str
) -> Unsubscribed:
    """By identifier, id or name among the channel's own subscriptions (no Redmine request)."""
    async with sessions() as session:
        subscriptions = await SubscriptionRepository(session).for_channel(channel_id)
        wanted = project_word.strip().lower()
        match = next(
            (
                s
                for s in subscriptions
                if wanted
                in (s.project_identifier.lower(), str(s.project_id), s.project_name.lower())
            ),
            None,
        )
        if match is None:
            names = ", ".join(f"`{s.project_identifier}`" for s in subscriptions) or "none"
            raise UserFacingError(
                f"This channel has no subscription to `{project_word}`. Its subscriptions: {names}."
            )
        await SubscriptionRepository(session).remove(channel_id, match.project_id)
        await session.commit()
    return Unsubscribed(match.project_name)


async def list_subscriptions(
    sessions: async_sessionmaker[AsyncSession], channel_id: str
) -> list[ListedSubscription]:
    async with sessions() as session:
        subscriptions = await SubscriptionRepository(session).for_channel(channel_id)
    return [
        ListedSubscription(
            s.project_name,
            s.project_identifier,
            SubscriptionOptions(
                list(s.trackers),
                list(s.events),
                s.include_subprojects,
                s.threads,
                s.private,
                s.replies,
            ).describe(),
            s.created_by_slack_user,
            (s.paused_reason or "") if s.paused else None,
        )
        for s in subscriptions
    ]
