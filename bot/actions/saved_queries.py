"""Saved Redmine queries a person may subscribe a channel to: public ones, and their own.

`GET /queries.json` as the person lists exactly those (Redmine 5.0.4: public queries and
the person's own private ones; not even an admin sees another user's private query).
"""

from __future__ import annotations

from bot.actions.errors import UserFacingError
from bot.i18n import N_, _
from bot.inputs.grammar import ascii_int
from bot.redmine import Redmine
from bot.redmine.models import Query
from bot.text import escape_mrkdwn

QUERY_PREFIX = "query:"
NO_SUCH_QUERY = N_(
    "You have no saved query `{word}` you can see: only public queries and your own can be "
    "followed. Your choices: {choices}."
)
SAME_NAME = N_("Several saved queries are called `{word}`: name one by its number ({choices}).")


def is_query_word(word: str) -> bool:
    return word.lower().startswith(QUERY_PREFIX)


def _choices(queries: list[Query]) -> str:
    shown = [f"`query:{q.id}` {escape_mrkdwn(q.name)}" for q in queries[:15]]
    return ", ".join(shown) or "none"


async def find_query(redmine: Redmine, word: str) -> Query:
    """The query `query:<id or name>` names, among those the person may see."""
    wanted = word[len(QUERY_PREFIX) :].strip()
    queries = await redmine.queries.all()
    number = ascii_int(wanted.removeprefix("#"))
    if number is not None:
        found = [q for q in queries if q.id == number]
    else:
        found = [q for q in queries if q.name.strip().lower() == wanted.lower()]
    if len(found) == 1:
        return found[0]
    if found:
        raise UserFacingError(_(SAME_NAME, word=escape_mrkdwn(wanted), choices=_choices(found)))
    raise UserFacingError(_(NO_SUCH_QUERY, word=escape_mrkdwn(wanted), choices=_choices(queries)))
