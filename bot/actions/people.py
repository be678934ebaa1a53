"""Whose time a person asks about: a Slack mention or a Redmine login, to a Redmine user."""

from __future__ import annotations

import re

from bot.actions.errors import UserFacingError
from bot.domain.timesheet import Person
from bot.i18n import N_, _
from bot.people.identity import IdentityResolver, NotLinked
from bot.redmine import Redmine
from bot.redmine.errors import ForbiddenError
from bot.text import escape_mrkdwn

# `<@U123>` or `<@U123|name>`: how Slack writes a mention when it escapes command text.
SLACK_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
NO_SUCH_LOGIN = N_(
    "No active Redmine user has the login `{login}`. Name them by their Redmine login, e.g. `@jsmith`."
)
NO_ACCOUNT = N_("{who} has no Redmine account I can find, so I cannot show their time.")
LOGINS_NEED_ADMIN = N_(
    "I can only look people up by Redmine login with an admin key, and this workspace "
    "uses personal keys. Ask them to run `/redmine time` themselves."
)


async def find_person(typed: str, identity: IdentityResolver, directory: Redmine) -> Person:
    """The Redmine user `typed` names. `directory` is the service's own view, used only
    to find a user id by login (Redmine lists users to admins only); what that person's
    time shows is read as the asker, never through `directory`."""
    mention = SLACK_MENTION.match(typed)
    if mention:
        try:
            found = await identity.resolve(mention.group(1))
        except NotLinked:
            who = f"<@{mention.group(1)}>"
            raise UserFacingError(_(NO_ACCOUNT, who=who)) from None
        return Person(found.redmine_user_id, found.login)
    login = typed.removeprefix("@")
    try:
        user = await directory.users.find_by_login(login)
    except ForbiddenError:
        raise UserFacingError(_(LOGINS_NEED_ADMIN)) from None
    if user is None:
        raise UserFacingError(_(NO_SUCH_LOGIN, login=escape_mrkdwn(login)))
    return Person(user.id, user.name)
