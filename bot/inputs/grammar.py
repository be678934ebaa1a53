"""The `/redmine` command grammar: a table of subcommands, parsed into typed commands.

Subcommands are matched by name or alias; an unknown one, or bad arguments, raise
`UsageError`, which one place (the handler) turns into help text naming the problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.domain.timesheet import PERIOD_NAMES, Period
from bot.i18n import N_, _
from bot.redmine.models import MAX_ID
from bot.text.escape import unescape_mrkdwn


class UsageError(Exception):
    """The text could not be understood; `subcommand` is the one whose usage to show."""

    def __init__(self, message: str, subcommand: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subcommand = subcommand


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Create:
    words: str  # "[project] subject"; empty opens the modal


@dataclass(frozen=True)
class Show:
    issue_id: int


@dataclass(frozen=True)
class Note:
    issue_id: int
    text: str


@dataclass(frozen=True)
class Log:
    issue_id: int
    hours: Decimal
    hours_text: str
    rest: str  # "[activity] [comment]": the activity is matched against the project's list


@dataclass(frozen=True)
class Search:
    words: str


@dataclass(frozen=True)
class Attach:
    issue_id: int


@dataclass(frozen=True)
class Subscribe:
    project: str
    filters: tuple[str, ...]


@dataclass(frozen=True)
class Unsubscribe:
    project: str


@dataclass(frozen=True)
class Subscriptions:
    pass


@dataclass(frozen=True)
class Connect:
    pass


@dataclass(frozen=True)
class Disconnect:
    pass


@dataclass(frozen=True)
class Whoami:
    pass


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class Time:
    period: Period
    person: str | None  # "@login" or "<@U123|name>" as typed; None is the asker


@dataclass(frozen=True)
class Remind:
    at: tuple[int, int] | None  # (hour, minute); None turns reminders off
    hours: Decimal | None = None


Command = (
    Help
    | Create
    | Show
    | Note
    | Log
    | Search
    | Attach
    | Subscribe
    | Unsubscribe
    | Subscriptions
    | Connect
    | Disconnect
    | Whoami
    | Mine
    | Time
    | Remind
)


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    aliases: tuple[str, ...] = ()


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "create",
        "create [project] <subject>",
        N_("create an issue (no subject: a form)"),
        ("new", "add"),
    ),
    Subcommand("show", "show <id>", N_("show an issue"), ("view", "issue")),
    Subcommand("note", "note <id> <text>", N_("add a note to an issue"), ("comment",)),
    Subcommand(
        "log",
        "log <id> <hours> [activity] [comment]",
        N_("log time, e.g. `log 42 1h30 development fixed it`"),
        ("spent",),
    ),
    Subcommand(
        "time",
        "time [today|week|month|last week|YYYY-MM-DD..YYYY-MM-DD] [@person]",
        N_("spent time, yours or a colleague's (default: this week)"),
        ("timesheet",),
    ),
    Subcommand(
        "remind",
        "remind <HH:MM> [hours] | remind off",
        N_("a workday DM when you logged less than `hours` (default 8)"),
    ),
    Subcommand("search", "search <words>", N_("search issues"), ("find",)),
    Subcommand("mine", "mine", N_("your open assigned issues"), ("my",)),
    Subcommand("attach", "attach <id>", N_("upload files to an issue")),
    Subcommand(
        "subscribe",
        "subscribe <project> [filters]",
        N_("post a project's changes in this channel"),
    ),
    Subcommand("unsubscribe", "unsubscribe <project>", N_("stop posting a project's changes here")),
    Subcommand("subscriptions", "subscriptions", N_("list this channel's subscriptions")),
    Subcommand(
        "connect", "connect", N_("connect your Redmine account with your API key"), ("login",)
    ),
    Subcommand(
        "disconnect", "disconnect", N_("forget your connected Redmine account"), ("logout",)
    ),
    Subcommand("whoami", "whoami", N_("which Redmine account you act as, and why")),
    Subcommand("help", "help [command]", N_("this help")),
)

_BY_NAME: dict[str, Subcommand] = {
    name: sub for sub in SUBCOMMANDS for name in (sub.name, *sub.aliases)
}

# [0-9], not \d: \d takes any script's digits, and "²".isdigit() is True yet int("²") fails.
ISSUE_ID = re.compile(r"^#?([0-9]{1,9})$")


def ascii_int(text: str, limit: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits, at most `limit`; None for anything else."""
    if not text or len(text) > len(str(limit)) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= limit else None


# What Redmine accepts for hours (REDMINE-FACTS.md): 1.5, 1,5, 1h30, 1h 30min, 1:30, 90m.
_HOURS = re.compile(
    r"""^(?:
        (?P<decimal>\d+(?:[.,]\d+)?)h?
      | (?P<h>\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?\s*(?P<hm>\d+)\s*m(?:in(?:utes?|s)?)?
      | (?P<h2>\d+)\s*h(?:ours?|rs?)?\s*(?P<hm2>\d+)
      | (?P<colon_h>\d+):(?P<colon_m>[0-5]?\d)
      | (?P<minutes>\d+(?:[.,]\d+)?)\s*m(?:in(?:utes?|s)?)?
    )$""",
    # ASCII: only 0-9 are digits here, whatever the script a person types in.
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
# The hours may take two words ("1h 30min"): try two, then one.
_HOURS_TWO_WORDS = re.compile(r"^(\S+\s+\S+)(?:\s+(.*))?$", re.DOTALL)


_NO_ARGUMENTS: dict[str, Callable[[], Command]] = {
    "subscriptions": Subscriptions,
    "connect": Connect,
    "disconnect": Disconnect,
    "whoami": Whoami,
    "mine": Mine,
}


def split_word(text: str) -> tuple[str, str]:
    """The first word and the rest, split at the first run of whitespace as `str.split()`
    sees it: an ASCII space, and as well the full-width space U+3000 a Japanese (or Chinese)
    input method types between words, a no-break space, a tab. The rest is stripped at its
    ends and kept as typed inside (a subject's own full-width spaces stay)."""
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


def subcommand(name: str) -> Subcommand | None:
    return _BY_NAME.get(name.lower())


def parse_issue_id(text: str, subcommand_name: str) -> int:
    match = ISSUE_ID.match(text.strip())
    if not match:
        raise UsageError(
            _("`{text}` is not an issue number (use `123` or `#123`).", text=text),
            subcommand_name,
        )
    return int(match.group(1))


HOURS_TEXT_LIMIT = 30  # "1000 hours 59 minutes" fits; nothing longer is a duration


def parse_hours(text: str) -> Decimal:
    """Hours as a Decimal from any form Redmine accepts; UsageError otherwise."""
    if len(text) > HOURS_TEXT_LIMIT:
        raise UsageError(
            _("That is too long for a duration. Use e.g. `1.5`, `1h30` or `90m`."), "log"
        )
    match = _HOURS.match(text.strip())
    if not match:
        raise UsageError(
            _(
                "`{text}` is not a duration. Use e.g. `1.5`, `1h30`, `1:30`, `90m` or `1h 30min`.",
                text=text,
            ),
            "log",
        )
    groups = match.groupdict()
    try:
        if groups["decimal"]:
            hours = Decimal(groups["decimal"].replace(",", "."))
        elif groups["h"]:
            hours = Decimal(groups["h"].replace(",", ".")) + Decimal(groups["hm"]) / 60
        elif groups["h2"]:
            hours = Decimal(groups["h2"]) + Decimal(groups["hm2"]) / 60
        elif groups["colon_h"]:
            hours = Decimal(groups["colon_h"]) + Decimal(groups["colon_m"]) / 60
        else:
            hours = Decimal(groups["minutes"].replace(",", ".")) / 60
    except InvalidOperation:
        raise UsageError(_("`{text}` is not a duration.", text=text), "log") from None
    if hours <= 0:
        raise UsageError(_("Hours must be more than zero."), "log")
    if hours > 1000:
        raise UsageError(_("`{text}` is more hours than anyone can log at once.", text=text), "log")
    return hours.quantize(Decimal("0.01"))


def _split_hours(rest: str) -> tuple[str, str]:
    """Take the hours off the front of `rest`: two words when they form one duration."""
    two = _HOURS_TWO_WORDS.match(rest)
    if two:
        hours = " ".join(two.group(1).split())  # "1h　30min" is "1h 30min"
        if _HOURS.match(hours):
            return hours, (two.group(2) or "").strip()
    return split_word(rest)


def parse(text: str) -> Command:
    """Parse the text after `/redmine` into a typed command, or raise UsageError."""
    text = text.strip()
    if not text:
        return Help()
    word, rest = split_word(text)
    sub = subcommand(word)
    if sub is None:
        if ISSUE_ID.match(word) and not rest:  # `/redmine 123` is a natural way to ask
            return Show(parse_issue_id(word, "show"))
        raise UsageError(_("I don't know the command `{word}`.", word=word))
    return PARSERS[sub.name](sub.name, rest)


# Slack sends &, < and > in what was typed as &amp;, &lt; and &gt; (its control
# characters, api.slack.com/reference/surfaces/formatting#escaping). A subject, search
# words or a time comment are plain text for Redmine, so they are read back as typed;
# a note stays as sent, since its mrkdwn is converted as a whole (slack_to_redmine).


def _parse_help(name: str, rest: str) -> Command:
    topic = split_word(rest)[0].lower() or None
    if topic is None:
        return Help()
    known = subcommand(topic)
    if known is None:
        raise UsageError(_("There is no command `{topic}` to explain.", topic=topic))
    return Help(known.name)


def _parse_create(name: str, rest: str) -> Command:
    return Create(unescape_mrkdwn(rest))


def _parse_no_arguments(name: str, rest: str) -> Command:
    if rest:
        raise UsageError(_("`{name}` takes no arguments.", name=name), name)
    return _NO_ARGUMENTS[name]()


def _parse_search(name: str, rest: str) -> Command:
    if not rest:
        raise UsageError(_("What should I search for?"), name)
    return Search(unescape_mrkdwn(rest))


def _parse_subscription(name: str, rest: str) -> Command:
    if not rest:
        raise UsageError(_("Which project? Give its identifier, e.g. `my-project`."), name)
    project, *filters = rest.split()
    if project.lower().startswith("query:"):
        # A query's name may hold spaces: the words up to the first filter (`x:y`).
        while filters and ":" not in filters[0]:
            project = f"{project} {filters.pop(0)}"
    if name == "subscribe":
        return Subscribe(project, tuple(filters))
    if filters:
        raise UsageError(_("`unsubscribe` takes only the project."), name)
    return Unsubscribe(project)


def _issue_first(name: str, rest: str) -> tuple[int, str]:
    """The issue id these commands start with, and what follows it."""
    if not rest:
        raise UsageError(_("Which issue? Give its number."), name)
    id_text, after = split_word(rest)
    return parse_issue_id(id_text, name), after


def _parse_issue_only(name: str, rest: str) -> Command:
    issue_id, after = _issue_first(name, rest)
    if after:
        raise UsageError(_("`{name}` takes only the issue number.", name=name), name)
    return Show(issue_id) if name == "show" else Attach(issue_id)


def _parse_note(name: str, rest: str) -> Command:
    issue_id, after = _issue_first(name, rest)
    if not after:
        raise UsageError(_("What should the note say?"), name)
    return Note(issue_id, after)


def _parse_log(name: str, rest: str) -> Command:
    issue_id, after = _issue_first(name, rest)
    if not after:
        raise UsageError(_("How many hours? e.g. `log 42 1h30`."), name)
    hours_text, remainder = _split_hours(after)
    return Log(issue_id, parse_hours(hours_text), hours_text, unescape_mrkdwn(remainder))


# The longest range one `time` may cover: a year of entries is already thousands.
MAX_PERIOD_DAYS = 366
_BETWEEN = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2}-[0-9]{2})$")
_PERSON = re.compile(r"^(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@[^\s@<>]+)$")
_CLOCK = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
DEFAULT_TARGET_HOURS = Decimal(8)


def _iso_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            _("`{text}` is not a date; write it as YYYY-MM-DD.", text=text), name
        ) from None


def parse_period(words: list[str]) -> Period:
    text = " ".join(words).lower()
    if not text:
        return Period("week")
    if text in PERIOD_NAMES:
        return Period(text)
    between = _BETWEEN.match(text)
    if between is None:
        raise UsageError(
            _(
                "`{text}` is not a period. Use `today`, `week`, `month`, `last week` "
                "or `2026-11-01..2026-11-15`.",
                text=text,
            ),
            "time",
        )
    start, end = _iso_date(between.group(1), "time"), _iso_date(between.group(2), "time")
    if end < start:
        raise UsageError(
            _("The period ends ({end}) before it starts ({start}).", end=end, start=start), "time"
        )
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise UsageError(_("A period covers at most {days} days.", days=MAX_PERIOD_DAYS), "time")
    return Period("between", start, end)


def parse_time(rest: str) -> Time:
    words = rest.split()
    people = [w for w in words if _PERSON.match(w)]
    if len(people) > 1:
        raise UsageError(_("Ask for one person at a time."), "time")
    if any(w.startswith(("@", "<@")) for w in words if w not in people):
        raise UsageError(_("Name the person as `@login`."), "time")
    period = parse_period([w for w in words if w not in people])
    return Time(period, people[0] if people else None)


def parse_clock(text: str) -> tuple[int, int]:
    match = _CLOCK.match(text)
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (24, 60)
    if hour > 23 or minute > 59:
        raise UsageError(
            _("`{text}` is not a time of day; write it as HH:MM, e.g. `17:30`.", text=text),
            "remind",
        )
    return hour, minute


def parse_remind(rest: str) -> Remind:
    words = rest.split()
    if words == ["off"]:
        return Remind(None)
    if not words or len(words) > 2:
        raise UsageError(_("When? e.g. `remind 17:30 8`, or `remind off`."), "remind")
    at = parse_clock(words[0])
    if len(words) == 1:
        return Remind(at, DEFAULT_TARGET_HOURS)
    try:
        hours = Decimal(words[1].replace(",", "."))
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or not 0 < hours <= 24:
        raise UsageError(
            _("`{hours}` is not a number of hours between 0 and 24.", hours=words[1]), "remind"
        )
    return Remind(at, hours.quantize(Decimal("0.01")))


# One parser per subcommand name (aliases are resolved to names first); a test checks
# every name in SUBCOMMANDS has one.
PARSERS: dict[str, Callable[[str, str], Command]] = {
    "help": _parse_help,
    "create": _parse_create,
    **{name: _parse_no_arguments for name in _NO_ARGUMENTS},
    "search": _parse_search,
    "subscribe": _parse_subscription,
    "unsubscribe": _parse_subscription,
    "show": _parse_issue_only,
    "attach": _parse_issue_only,
    "note": _parse_note,
    "log": _parse_log,
    "time": lambda name, rest: parse_time(rest),
    "remind": lambda name, rest: parse_remind(rest),
}


def usage(name: str) -> str:
    sub = subcommand(name)
    return f"`/redmine {sub.usage}`" if sub else ""
