"""`/redmine subscribe | unsubscribe | subscriptions`: what they do, checked as the person."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.actions.digests import digest_name, schedule_digest
from bot.actions.errors import UserFacingError
from bot.actions.saved_queries import find_query, is_query_word
from bot.commands.projects import find_project
from bot.identity import Identity
from bot.notify.filters import parse_filters
from bot.recurrence import zone_name
from bot.redmine import Redmine
from bot.redmine.models import Project
from bot.services import Services
from bot.slackreads import SlackReads
from bot.store.models import Subscription, utcnow
from bot.store.repositories import SubscriptionRepository
from bot.store.schedules import ScheduleRepository
from bot.text import escape_mrkdwn

log = logging.getLogger(__name__)

PRIVATE_IN_PUBLIC = (
    "`private:on` is only allowed in a private channel: private notes and issues must not "
    "reach people who could not see them in Redmine."
)
NO_PRIVATE_NOTES = (
    "You can't see private notes in {project}, so this channel can't get them through you. "
    "Subscribe without `private:on`, or ask someone who can see them."
)


QUERY_PRIVATE_NEEDS_PROJECT = (
    "`private:on` needs a query of one project, since private notes are allowed per "
    "project. Follow a project's query, or leave out `private:on`."
)
ALL_PROJECTS = "all projects"


NOT_IN_DMS = (
    "Subscriptions live in channels, not in direct messages: run `/redmine subscribe` in "
    "the channel that should get the project's updates."
)


async def can_see_private_notes(admin: Redmine, user_id: int, project_id: int) -> bool:
    """Whether the user's roles in the project include `view_private_notes` (admins: yes)."""
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
    services: Services,
    redmine: Redmine,
    identity: Identity,
    channel_id: str,
    project_word: str,
    filters: tuple[str, ...],
) -> str:
    options = parse_filters(filters)
    if channel_id.startswith("D"):  # a direct message: Slack's DM ids start with D
        raise UserFacingError(NOT_IN_DMS)
    # As the person: they must see the project, or the saved query (public, or theirs).
    query = await find_query(redmine, project_word) if is_query_word(project_word) else None
    if query is not None and query.project_id is None:
        if options.private:
            raise UserFacingError(QUERY_PRIVATE_NEEDS_PROJECT)
        project = Project(id=0, name=ALL_PROJECTS, identifier="*")
    else:
        where = str(query.project_id) if query is not None else project_word
        project = await find_project(redmine, where)
    try:
        info = await services.slack.conversations_info(channel=channel_id)
        channel = info.get("channel") or {}
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "missing_scope":
            # A group DM: reading it needs mpim:read, which the app does not ask for
            # because subscriptions belong in channels.
            raise UserFacingError(NOT_IN_DMS) from None
        if code != "channel_not_found":
            raise
        channel = {"is_private": True, "is_member": False}  # private and the bot is not in it
    is_private = bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))
    if options.private:
        if not is_private:
            raise UserFacingError(PRIVATE_IN_PUBLIC)
        if not await can_see_private_notes(services.redmine, identity.redmine_user_id, project.id):
            raise UserFacingError(NO_PRIVATE_NOTES.format(project=project.name))
    joined_note = ""
    if not channel.get("is_member"):
        if is_private:
            joined_note = (
                "\n:warning: I'm not in this channel, so I can't post here yet: invite me with "
                "`/invite @Redmine`."
            )
        else:
            try:
                await services.slack.conversations_join(channel=channel_id)
                joined_note = "\nI joined this channel to post the updates."
            except SlackApiError as error:
                joined_note = (
                    f"\n:warning: I couldn't join this channel ({error.response.get('error')}): "
                    "invite me with `/invite @Redmine`."
                )
    zone = await SlackReads(services.slack, services.slack_users).zone(identity.slack_user_id)
    async with services.sessions() as session:
        saved = await SubscriptionRepository(session).save(
            channel_id,
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
            created_by_slack_user=identity.slack_user_id,
            created_by_login=identity.login,
        )
        await schedule_digest(session, saved, zone, utcnow())
        await session.commit()
    if options.digest_minute is not None:
        joined_note += f"\nTimes are in {zone_name(zone)}, your Slack time zone."
    what = f"*{escape_mrkdwn(project.name)}*"
    if query is not None:
        what = f"issues of the saved query *{escape_mrkdwn(query.name)}* ({escape_mrkdwn(project.name)}), as you see them,"
    return (
        f"This channel now gets changes to {what} "
        f"({escape_mrkdwn(options.describe())})." + joined_note
    )


async def unsubscribe(
    services: Services, redmine: Redmine, channel_id: str, project_word: str
) -> str:
    async with services.sessions() as session:
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
            names = ", ".join(f"`{_handle(s)}`" for s in subscriptions) or "none"
            raise UserFacingError(
                f"This channel has no subscription to `{project_word}`. Its subscriptions: {names}."
            )
        await SubscriptionRepository(session).remove(channel_id, match.project_id, match.query_id)
        await ScheduleRepository(session).remove(digest_name(match.id))
        await session.commit()
    return f"This channel no longer gets changes to *{escape_mrkdwn(_followed(match))}*."


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
        return f"query {s.query_name} ({s.project_name})"
    return s.project_name


async def list_subscriptions(services: Services, channel_id: str) -> str:
    async with services.sessions() as session:
        subscriptions = await SubscriptionRepository(session).for_channel(channel_id)
    if not subscriptions:
        return "This channel has no Redmine subscriptions. Add one with `/redmine subscribe <project>`."
    lines = ["This channel gets changes to:"]
    for s in subscriptions:
        options = parse_filters([])
        options = type(options)(
            list(s.trackers),
            list(s.events),
            s.include_subprojects,
            s.threads,
            s.private,
            s.digest_minute,
        )
        state = (
            f" — :double_vertical_bar: paused: `{escape_mrkdwn(s.paused_reason or '')}`"
            if s.paused
            else ""
        )
        lines.append(
            f"• *{escape_mrkdwn(_followed(s))}* (`{escape_mrkdwn(_handle(s))}`): "
            f"{escape_mrkdwn(options.describe())}; by <@{s.created_by_slack_user}>{state}"
        )
    return "\n".join(lines)
