"""No sentence a person reads is written outside the catalog, in the modules converted.

Read with `ast`: a string literal that reads as words (two words of letters, or one
capitalised word ending a sentence) is a sentence, unless it is a docstring, the
argument of `_`/`N_`/`ngettext`, a log line, an internal exception's message, or in the
module's explicit list of allowed literals (ids, Slack/Redmine names, formats).

Conversion goes module by module. CONVERTED are held to it; NOT_CONVERTED still say
English inline and are listed so the gap is visible; INTERNAL ones say nothing to a person.
Every module with a sentence inline is in one of the lists, so a new one has to be placed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.blocks.oauth import PAGE as OAUTH_PAGE
from bot.config import DEFAULT_OAUTH_SCOPES
from bot.redmine.errors import REDMINE_BLANK_FIELDS

ROOT = Path(__file__).resolve().parents[3]

CONVERTED = {
    "bot/actions/ack_budget.py",
    "bot/actions/add_note.py",
    "bot/actions/attach_files.py",
    "bot/actions/card.py",
    "bot/actions/create_issue.py",
    "bot/actions/day_review.py",
    "bot/actions/edit_issue.py",
    "bot/actions/errors.py",
    "bot/actions/flexpane.py",
    "bot/actions/follow_reply_edits.py",
    "bot/actions/home.py",
    "bot/actions/issue_form.py",
    "bot/actions/issue_target.py",
    "bot/actions/link_thread.py",
    "bot/actions/log_time.py",
    "bot/actions/people.py",
    "bot/actions/projects.py",
    "bot/actions/reply_to_note.py",
    "bot/actions/saved_queries.py",
    "bot/actions/subscribe.py",
    "bot/actions/subscription_filters.py",
    "bot/actions/time_report.py",
    "bot/actions/workflow_steps.py",
    "bot/blocks/answers.py",
    "bot/blocks/card_actions.py",
    "bot/blocks/digests.py",
    "bot/blocks/edit_modal.py",
    "bot/blocks/entities.py",
    "bot/blocks/home.py",
    "bot/blocks/issues.py",
    "bot/blocks/modals.py",
    "bot/blocks/notifications.py",
    "bot/blocks/oauth.py",
    "bot/blocks/personal.py",
    "bot/blocks/reminders.py",
    "bot/blocks/replies.py",
    "bot/blocks/thread_link.py",
    "bot/blocks/time_report.py",
    "bot/check.py",
    "bot/cli.py",
    "bot/config.py",
    "bot/domain/message_text.py",
    "bot/domain/timesheet.py",
    "bot/inputs/forms.py",
    "bot/inputs/grammar.py",
    "bot/inputs/help.py",
    "bot/inputs/steps.py",
    "bot/notify/events.py",
    "bot/notify/names.py",
    "bot/notify/personal.py",
    "bot/notify/poller.py",
    "bot/notify/reminders.py",
    "bot/people/identity.py",
    "bot/redmine/errors.py",
    "bot/slack/door/guard.py",
    "bot/slack/door/replay.py",
    "bot/slack/limits.py",
    "bot/slack/web/files.py",
    "bot/slack/web/reads.py",
    "handlers/actions.py",
    "handlers/asked.py",
    "handlers/card_edit.py",
    "handlers/cards.py",
    "handlers/channels.py",
    "handlers/commands.py",
    "handlers/errors.py",
    "handlers/form_changes.py",
    "handlers/options.py",
    "handlers/reminders.py",
    "handlers/shortcuts.py",
    "handlers/threads.py",
    "handlers/views.py",
}

# Still English inline: none left. A module that speaks English again is listed here
# until it is converted, so the gap stays visible.
NOT_CONVERTED: set[str] = set()

# Modules whose words reach no person in Slack: log lines, HTTP answers to Slack and
# Redmine, SQL, metric help, class names.
INTERNAL = {
    "bot/notify/reply_recovery.py",
    "bot/notify/failures.py",
    "bot/notify/health.py",
    "bot/notify/once.py",
    "bot/notify/scheduler.py",
    "bot/notify/watchdog.py",
    "bot/redmine/features.py",
    "bot/app.py",
    "bot/i18n/__init__.py",
    "bot/i18n/negotiate.py",
    "bot/logging.py",
    "bot/metrics.py",
    "bot/notify/delivery.py",
    "bot/notify/lease.py",
    "bot/notify/webhook.py",
    "bot/redmine/__init__.py",
    "bot/redmine/attachments.py",
    "bot/redmine/base.py",
    "bot/redmine/client.py",
    "bot/slack/door/payloads.py",
    "bot/slack/door/route.py",
    "bot/slack/door/verify.py",
    "bot/store/db.py",
    # Connect with Redmine's flow: its failures are codes (CallbackFailed.failure) that
    # bot/blocks/oauth.py says in the person's language; its exceptions' texts ("no OAuth
    # token", "Redmine refused the OAuth request: ...") are RedmineErrors, which reach a
    # person only through bot.redmine.errors.user_message (RECONNECT) and are otherwise
    # logged (refresh, revoke); the callback page's detail is Redmine's own words or an
    # OAuth code, never ours (tests/unit/people/test_oauth.py holds both).
    "bot/people/oauth.py",
    "bot/redmine/oauth.py",
    # Its errors are for the log; bot/people/identity.py tells the person (KEY_UNREADABLE).
    "bot/store/crypto.py",
}

# Literals that read as words but are names, not sentences: per module.
ALLOWED = {
    "bot/domain/timesheet.py": {"last week"},  # a period's name in the English grammar
    # Redmine's name, a modal's title; and the byte unit Redmine itself writes in English.
    "handlers/asked.py": {"Redmine"},
    "handlers/errors.py": {"Redmine", "replayed request"},  # and the 401 body to Slack
    "bot/actions/attach_files.py": {"Bytes"},
    "bot/slack/web/files.py": {"Authorization", "Bearer "},  # the HTTP header for the bot token
    "bot/actions/card.py": {"#{} stale card"},  # an exception's message for logs
    # The OAuth callback page's markup: its words are filled in, translated and escaped.
    "bot/blocks/oauth.py": {OAUTH_PAGE},
    # An exception's message for logs, and Redmine's own words it is recognised by.
    "bot/redmine/errors.py": {"invalid data"}
    | {word for words in REDMINE_BLANK_FIELDS.values() for word in words},
    # Redmine's permission names, the OAuth scopes asked for by default: Redmine's own words.
    "bot/config.py": {DEFAULT_OAUTH_SCOPES},
    # Slack's date token: Slack writes it in the reader's own language.
    "bot/blocks/issues.py": {"<!date^{}^{date_short_pretty} {time}|{} UTC>"},
    # Workflow Builder shows each step input by its slack-manifest.yml title, one string in
    # every language: sentences name an input by it, like a command word.
    "bot/inputs/steps.py": {
        "Person",
        "Project",
        "Tracker",
        "Subject",
        "Description",
        "Assignee",
        "Priority",
        "Due date",
        "Issue",
        "Note",
        "Private",
        "Hours",
        "Activity",
        "Comment",
        "Date",
    },
    # The Work Object's product name.
    "bot/blocks/entities.py": {"Redmine"},
    # An exception's message for logs (people hear its `sentence`, translated).
    "bot/slack/door/replay.py": {"replayed request", "replay record unavailable"},
    # Bolt's own log lines, recognised by their first words, and what replaces their body.
    "bot/slack/door/guard.py": {
        "Unhandled request",
        "without providing a response for the request",
        " (body not logged)",
    },
    # What the notifier waits on, named for the log lines of its deadlines and watchdog
    # (bot/notify/deadlines.py, watchdog.py), and DeliveryFailed's logged reasons.
    "bot/notify/poller.py": {
        "Redmine's list of changed issues",
        "Redmine's project tree",
        "Redmine's saved queries",
        "Redmine's issue #",
        "Slack's chat.update in ",
        "the Slack account of a new assignee",
        "Slack's chat.postMessage of a pause notice",
        "Slack's users.info for a DM's language",
        "the poll cycle",
        "webhook work on #",
        "the readers of #{} for personal DMs",
    },
    "bot/notify/personal.py": {
        "DMs about #{} not all delivered",
        "Redmine's issue #{} as a DM's reader",
        "conversations.open: ",
    },
    # The command grammar stays English (usage lines and a period's name).
    "bot/inputs/grammar.py": {
        "time [today|week|month|last week|YYYY-MM-DD..YYYY-MM-DD] [@person]",
        "remind <HH:MM> [hours] | remind off",
        "last week",
    },
}

TRANSLATING_CALLS = {"_", "N_", "ngettext"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
INTERNAL_ERRORS = {"ValueError", "TypeError", "KeyError", "RuntimeError", "AssertionError"}
# Two words of letters, or a capitalised word closing a sentence ("Done.", "Edit").
_WORDS = re.compile(r"[^\W\d_]{2,}[ \t]+[^\W\d_]{2,}")
_CAPITALISED = re.compile(r"^[A-Z][a-z]+[.!?]?$")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _is_sentence(text: str) -> bool:
    return bool(_WORDS.search(text) or _CAPITALISED.match(text.strip()))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _exempt_nodes(tree: ast.Module) -> set[int]:
    """ids of the literal nodes that are not said to a person."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            exempt.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            called = _name(node.func)
            logged = isinstance(node.func, ast.Attribute) and called in LOG_METHODS
            if called in TRANSLATING_CALLS or logged or called in INTERNAL_ERRORS:
                for argument in ast.walk(node):
                    if isinstance(argument, ast.Constant | ast.JoinedStr):
                        exempt.add(id(argument))
    return exempt


def literal_sentences(path: Path) -> list[str]:
    """`line: text` of every sentence written inline in the module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    exempt = _exempt_nodes(tree)
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    allowed = ALLOWED.get(name, set())
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [str(v.value) for v in node.values if isinstance(v, ast.Constant)]
            text = "{}".join(parts)
            for value in node.values:
                exempt.add(id(value))
            # Words around the placeholders count together: f"Logged {h} on {issue}."
            worded = len(_WORD.findall(" ".join(parts))) >= 2 or any(map(_is_sentence, parts))
            if worded and text not in allowed:
                found.append(f"{node.lineno}: {text!r}")
            continue
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if _is_sentence(text) and text not in allowed:
            found.append(f"{node.lineno}: {text!r}")
    return found


def binds_underscore(path: Path) -> list[int]:
    """Lines where a converted module rebinds `_` (a throwaway would silence `_()`)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
            lines.append(node.lineno)
        if isinstance(node, ast.arg) and node.arg == "_":
            lines.append(node.lineno)
    return lines


def project_modules() -> set[str]:
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]
    return {p.relative_to(ROOT).as_posix() for p in files}


def test_converted_modules_say_every_sentence_through_the_catalog() -> None:
    found = {m: s for m in sorted(CONVERTED) if (s := literal_sentences(ROOT / m))}
    assert found == {}


def test_converted_modules_never_rebind_the_gettext_name() -> None:
    found = {m: lines for m in sorted(CONVERTED) if (lines := binds_underscore(ROOT / m))}
    assert found == {}


def test_every_module_is_placed_and_the_unconverted_ones_are_listed_truly() -> None:
    assert not CONVERTED & NOT_CONVERTED and not INTERNAL & (CONVERTED | NOT_CONVERTED)
    assert project_modules() >= (CONVERTED | NOT_CONVERTED | INTERNAL)
    speaking = {m for m in project_modules() if literal_sentences(ROOT / m)}
    # A module saying English inline must be listed as not converted yet (or internal)...
    assert sorted(speaking - NOT_CONVERTED - INTERNAL) == []
    # ...and one listed as not converted must still say some, or it belongs in CONVERTED.
    assert sorted(NOT_CONVERTED - speaking) == []


def test_the_check_sees_a_sentence_and_lets_names_and_catalog_entries_pass(
    tmp_path: Path,
) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        '"""A docstring is not said."""\n'
        "from bot.i18n import N_, _\n"
        'DONE = "Your issue is ready."\n'
        'SAID = N_("Your note is added.")\n'
        "def f(x: int) -> str:\n"
        '    log.info("looked up %s users", x)\n'
        '    if x: raise ValueError("bad value here")\n'
        '    return _("Shown {x}", x=x) + f"Hello {x} there" + "issue_assign_me"\n'
    )
    found = literal_sentences(source)
    assert found == ["3: 'Your issue is ready.'", "8: 'Hello {} there'"]
