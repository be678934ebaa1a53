"""Help text for `/redmine`, built from the command table so the two never drift."""

from __future__ import annotations

from bot.blocks.common import Block, context, section
from bot.i18n import N_, _
from bot.inputs.grammar import SUBCOMMANDS, subcommand

HOURS_HINT = N_("Hours: `1.5`, `1h30`, `1:30`, `90m` or `1h 30min`. Issues: `123` or `#123`.")
CREATE_HINT = N_(
    "The first word is the project (identifier or name). A project you cannot add issues "
    "to is refused; only when the first word is no project at all does the issue go to "
    "your one project."
)
SUBSCRIBE_HINT = N_(
    "Filters: `trackers:Bug,Feature` `events:created,notes,status,assignee,priority,"
    "attachments,closed` `subprojects:on` `threads:off` `private:on` (private channels only) "
    "`replies:on` (replies in issue threads become notes) `digest:daily@09:00` (one "
    "message a day instead) `lang:de` (the language of this channel's messages). Instead of a project, `query:<id or name>` follows a saved "
    "Redmine query (public, or yours)."
)


def help_text(problem: str | None = None, topic: str | None = None) -> str:
    """The whole help as mrkdwn; `problem` names what was not understood."""
    lines: list[str] = []
    if problem:
        lines.append(f":warning: {problem}")  # already in the person's language
    sub = subcommand(topic) if topic else None
    if sub is not None:
        lines.append(f"`/redmine {sub.usage}`: {_(sub.summary)}")
        if sub.aliases:
            lines.append(_("Also: {aliases}", aliases=", ".join(f"`{a}`" for a in sub.aliases)))
        if sub.name == "create":
            lines.append(_(CREATE_HINT))
        if sub.name == "log":
            lines.append(_(HOURS_HINT))
        if sub.name == "subscribe":
            lines.append(_(SUBSCRIBE_HINT))
        return "\n".join(lines)
    lines.append(_("*Redmine from Slack*: everything runs in Redmine as you."))
    lines.extend(f"• `/redmine {s.usage}`: {_(s.summary)}" for s in SUBCOMMANDS)
    lines.append(_(CREATE_HINT))
    lines.append(_(HOURS_HINT))
    return "\n".join(lines)


def help_blocks(problem: str | None = None, topic: str | None = None) -> list[Block]:
    return [
        section(help_text(problem, topic)),
        context(
            _(
                "Message shortcuts (⋯ on a message): create an issue, add as note, "
                "log time, attach files."
            )
        ),
    ]
