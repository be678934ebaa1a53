"""The App Home tab: pure builders, data in, a `home` view out."""

from __future__ import annotations

from bot.blocks.card_actions import card_actions
from bot.blocks.common import Block, button, context, option, plain, section
from bot.blocks.issues import issue_summary_line
from bot.blocks.oauth import connect_blocks
from bot.domain.recurrence import ReminderSet
from bot.i18n import N_, _, current
from bot.redmine.models import Issue
from bot.slack import limits
from bot.store.personal import HOME_LISTS, NOTIFY_KINDS, Preferences
from bot.text import escape_mrkdwn

HOME_LIST_ACTION = "home_list"
HOME_NOTIFY_ACTION = "home_notify"

LIST_LABELS = {
    "assigned": N_("Open issues assigned to me"),
    "reported": N_("Open issues I reported"),
    "watched": N_("Open issues I watch"),
    "due": N_("Due or overdue this week"),
}
LIST_EMPTY = {
    "assigned": N_("Nothing open is assigned to you."),
    "reported": N_("No open issue you reported."),
    "watched": N_("You watch no open issue."),
    "due": N_("Nothing of yours is due this week."),
}
NOTIFY_LABELS = {
    "assigned": N_("An issue is assigned to me"),
    "involved": N_("A note or change on an issue I am assigned to, reported or watch"),
    "status": N_("The status of my issue changes"),
    "mentions": N_("A note mentions my Redmine login or name"),
}
NO_SUBSCRIPTIONS = N_(
    "You have not subscribed a channel. Run `/redmine subscribe <project>` in one."
)
NOT_CONNECTED_TITLE = N_("*You are not connected to Redmine yet.*")
NOTIFY_HELP = N_("I send these as direct messages, never about your own changes.")


def home_row(issue: Issue, base_url: str, *, watching: bool | None = None) -> list[Block]:
    """One issue in a list, with the issue card's actions (bot/blocks/card_actions.py)."""
    return [section(issue_summary_line(issue, base_url)), card_actions(issue, watching=watching)]


def _list_select(chosen: str) -> Block:
    options = [option(_(LIST_LABELS[key]), key) for key in HOME_LISTS]
    return {
        "type": "actions",
        "block_id": "home_list",
        "elements": [
            {
                "type": "static_select",
                "action_id": HOME_LIST_ACTION,
                "options": options,
                "initial_option": options[HOME_LISTS.index(chosen)],
            }
        ],
    }


def _notify_checkboxes(preferences: Preferences) -> Block:
    options = [option(_(NOTIFY_LABELS[kind]), kind) for kind in NOTIFY_KINDS]
    element: dict[str, object] = {
        "type": "checkboxes",
        "action_id": HOME_NOTIFY_ACTION,
        "options": options,
    }
    chosen = [o for o, kind in zip(options, NOTIFY_KINDS, strict=True) if preferences.wants(kind)]
    # initial_options is "one or more" options (checkboxes element reference), and
    # python-slack-sdk's CheckboxesElement drops an empty one too: none ticked, none sent.
    if chosen:
        element["initial_options"] = chosen
    return {"type": "actions", "block_id": "home_notify", "elements": [element]}


def _header(text: str) -> Block:
    return {"type": "header", "text": plain(text)}


def _subscription_lines(subscriptions: list[tuple[str, str, str | None]]) -> Block:
    if not subscriptions:
        return section(_(NO_SUBSCRIPTIONS))
    lines = []
    for channel_id, project_name, paused_reason in subscriptions:
        channel = f"<#{channel_id}>"
        line = "• " + _(
            "*{project}* in {channel}", project=escape_mrkdwn(project_name), channel=channel
        )
        if paused_reason:
            line += " (" + _("paused: `{reason}`", reason=escape_mrkdwn(paused_reason)) + ")"
        lines.append(line)
    return section("\n".join(lines))


def home_view(
    *,
    who: str,
    list_key: str,
    issues: list[Issue],
    total: int,
    subscriptions: list[tuple[str, str, str | None]],
    preferences: Preferences,
    base_url: str,
    reminder: ReminderSet | None = None,
) -> dict[str, object]:
    """The Home tab of a person Redmine knows: who they act as, a list, subscriptions, settings."""
    blocks: list[Block] = [
        _header(_("Your Redmine")),
        section(who),
        {"type": "divider"},
        _list_select(list_key),
    ]
    if issues:
        for issue in issues:
            # The watched list is the one whose rows are known to be watched by the reader.
            watching = True if list_key == "watched" else None
            blocks.extend(home_row(issue, base_url, watching=watching))
        if total > len(issues):
            blocks.append(
                context(
                    _("Showing {shown} of {total}.", shown=len(issues), total=total)
                    + f" <{base_url}/issues|"
                    + _("All issues in Redmine")
                    + ">"
                )
            )
    else:
        blocks.append(section(_(LIST_EMPTY[list_key])))
    blocks += [
        {"type": "divider"},
        _header(_("Channel subscriptions you created")),
        _subscription_lines(subscriptions),
        {"type": "divider"},
        _header(_("Tell me in a direct message when")),
        _notify_checkboxes(preferences),
        context(_(NOTIFY_HELP)),
        {"type": "divider"},
        _header(_("Remind me to log time")),
        *reminder_blocks(reminder),
    ]
    return {"type": "home", "blocks": blocks[: limits.VIEW_BLOCKS]}


HOME_REMIND_BLOCK = "home_remind"
HOME_REMIND_TIME = "home_remind_time"
HOME_REMIND_HOURS = "home_remind_hours"
HOME_REMIND_OFF = "home_remind_off"
NO_REMINDER = N_("No reminder. Pick a time: on workdays then I DM you if you logged too little.")
TARGET_HOURS = range(1, 13)


def reminder_blocks(reminder: ReminderSet | None) -> list[Block]:
    """What `/redmine remind` set, and the same setting here: a time (a timepicker sends
    block_actions as soon as it is picked, Block Kit reference) and a target in hours."""
    if reminder is None:
        said, at, hours = _(NO_REMINDER), "17:30", "8"
    else:
        at = f"{reminder.hour:02d}:{reminder.minute:02d}"
        hours = f"{reminder.hours.normalize():f}"  # "8", not "8.00": as the choices are
        said = _(
            "Weekdays at *{time}* ({zone}) when you logged under *{hours}*, and a summary "
            "of your week on Fridays.",
            time=at,
            zone=reminder.zone,
            hours=current().format_hours(float(reminder.hours)),
        )
    choices = [option(current().format_hours(n), str(n)) for n in TARGET_HOURS]
    chosen = next((o for o in choices if o["value"] == hours), choices[7])
    elements: list[dict[str, object]] = [
        {
            "type": "timepicker",
            "action_id": HOME_REMIND_TIME,
            "initial_time": at,
            "placeholder": plain(_("Time")),
        },
        {
            "type": "static_select",
            "action_id": HOME_REMIND_HOURS,
            "placeholder": plain(_("Hours")),
            "options": choices,
            "initial_option": chosen,
        },
    ]
    if reminder is not None:
        elements.append(button(_("Turn off"), HOME_REMIND_OFF, "off"))
    return [section(said), {"type": "actions", "block_id": HOME_REMIND_BLOCK, "elements": elements}]


def unlinked_home_view(reason: str, oauth_url: str | None = None) -> dict[str, object]:
    """The Home tab of a person Redmine does not know: why, and how to connect; with the
    "Connect with Redmine" button where this Redmine and service offer it."""
    # The reason is our own words (bot.people.identity), not Redmine's.
    offer = connect_blocks(oauth_url) if oauth_url else []
    return _short_home(section(_(NOT_CONNECTED_TITLE)), *offer, section(reason))


def home_error_view(message: str) -> dict[str, object]:
    """When Redmine could not be read: say so, keep the tab usable."""
    return _short_home(section(message), context(_("Open this tab again to retry.")))


def _short_home(*blocks: Block) -> dict[str, object]:
    """A Home tab that only says something under the usual header."""
    return {"type": "home", "blocks": [_header(_("Your Redmine")), *blocks]}
