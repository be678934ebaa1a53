"""`subscribe | unsubscribe | subscriptions`: a channel follows a project, checked as the person.

What Slack knows about the channel arrives as plain data (`ChannelFacts`, read by the
listener); joining a public channel is the listener's too, when `Subscribed.must_join`
says so. Saving happens only after every check passed, so nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.actions.digests import digest_name, schedule_digest
from bot.actions.errors import UserFacingError
from bot.actions.projects import find_project
from bot.actions.saved_queries import find_query, is_query_word
from bot.actions.subscription_filters import SubscriptionOptions
from bot.blocks.answers import ListedSubscription
from bot.domain.recurrence import zone_name
from bot.i18n import N_, _
from bot.people.identity import Identity
from bot.redmine import Redmine
from bot.redmine.models import Project
from bot.store.models import Subscription, utcnow
from bot.store.repositories import SubscriptionRepository
from bot.store.schedules import ScheduleRepository

PRIVATE_IN_PUBLIC = N_(
    "`private:on` is only allowed in a private channel: private notes and issues must not "
    "reach people who could not see them in Redmine."
)
NO_PRIVATE_NOTES = N_(
    "You can't see private notes in {project}, so this channel can't get them through you. "
    "Subscribe without `private:on`, or ask someone who can see them."
)
QUERY_PRIVATE_NEEDS_PROJECT = N_(
    "`private:on` needs a query of one project, since private notes are allowed per "
    "project. Follow a project's query, or leave out `private:on`."
)
ALL_PROJECTS = N_("all projects")
NOT_IN_DMS = N_(
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
    query_name: str | None = None  # a saved query's subscription: the query followed
    digest_zone: str | None = None  # a digest's times are in this zone (the subscriber's)


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
    zone: tzinfo = UTC,  # the subscriber's Slack time zone; only a digest reads it
) -> Subscribed:
    """Save the subscription once the person may see the project (and its private notes),
    or the saved query `query:<id or name>` (public, or theirs). `zone` is the person's
    Slack time zone: a digest's time of day is read in it."""
    # As the person: they must see the project, or the saved query.
    query = await find_query(redmine, project_word) if is_query_word(project_word) else None
    if query is not None and query.project_id is None:
        if options.private:
            raise UserFacingError(_(QUERY_PRIVATE_NEEDS_PROJECT))
        # Stored in English, said in the reader's language (`_followed`).
        project = Project(id=0, name=ALL_PROJECTS, identifier="*")
    else:
        where = str(query.project_id) if query is not None else project_word
        project = await find_project(redmine, where)
    if options.private:
        if not channel.is_private:
            raise UserFacingError(_(PRIVATE_IN_PUBLIC))
        if not await can_see_private_notes(admin, identity.redmine_user_id, project.id):
            raise UserFacingError(_(NO_PRIVATE_NOTES, project=project.name))
    async with sessions() as session:
        saved = await SubscriptionRepository(session).save(
            channel.channel_id,
            project.id,
            query_id=query.id if query else 0,
            query_name=query.name if query else None,
            digest_minute=options.digest_minute,
            project_identifier=project.identifier,
            project_name=project.name,
            trackers=options.trackers,
            events=options.events,
            include_subprojects=options.include_subprojects,
            threads=options.threads,
            private=options.private,
            replies=options.replies,
            language=options.language,
            created_by_slack_user=identity.slack_user_id,
            created_by_login=identity.login,
        )
        await schedule_digest(session, saved, zone, utcnow())
        await session.commit()
    absent = not channel.bot_is_member
    return Subscribed(
        _(ALL_PROJECTS) if project.id == 0 else project.name,
        options.describe(),
        must_join=absent and not channel.is_private,
        must_invite=absent and channel.is_private,
        query_name=query.name if query else None,
        digest_zone=zone_name(zone) if options.digest_minute is not None else None,
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
                if (not s.query_id and wanted in _project_names(s))
                or (s.query_id and wanted in _query_names(s))
            ),
            None,
        )
        if match is None:
            names = ", ".join(f"`{_handle(s)}`" for s in subscriptions) or _("none")
            raise UserFacingError(
                _(
                    "This channel has no subscription to `{project}`. Its subscriptions: {names}.",
                    project=project_word,
                    names=names,
                )
            )
        await SubscriptionRepository(session).remove(channel_id, match.project_id, match.query_id)
        await ScheduleRepository(session).remove(digest_name(match.id))
        await session.commit()
    return Unsubscribed(_followed(match))


def _project_names(s: Subscription) -> tuple[str, ...]:
    return (s.project_identifier.lower(), str(s.project_id), s.project_name.lower())


def _query_names(s: Subscription) -> tuple[str, ...]:
    return (f"query:{s.query_id}", f"query:{(s.query_name or '').lower()}")


def _handle(s: Subscription) -> str:
    """How to name the subscription in `/redmine unsubscribe`."""
    return f"query:{s.query_id}" if s.query_id else s.project_identifier


def _followed(s: Subscription) -> str:
    """What a subscription follows, as people name it."""
    if s.query_id:
        project = _(ALL_PROJECTS) if s.project_id == 0 else s.project_name
        return _("query {query} ({project})", query=s.query_name, project=project)
    return s.project_name


async def list_subscriptions(
    sessions: async_sessionmaker[AsyncSession], channel_id: str
) -> list[ListedSubscription]:
    async with sessions() as session:
        subscriptions = await SubscriptionRepository(session).for_channel(channel_id)
    return [
        ListedSubscription(
            _followed(s),
            _handle(s),
            SubscriptionOptions(
                list(s.trackers),
                list(s.events),
                s.include_subprojects,
                s.threads,
                s.private,
                s.replies,
                s.digest_minute,
                s.language,
            ).describe(),
            s.created_by_slack_user,
            (s.paused_reason or "") if s.paused else None,
        )
        for s in subscriptions
    ]
