"""The actions on every issue card. Their action ids are public names (README):
`issue_assign_me`, `issue_status`, `issue_note`, `issue_log_time`, `issue_watch`,
`issue_edit`.

Whoever clicks acts, as themselves: the card carries only which issue it shows and when
that issue was last updated as drawn (`CardRef`, in the actions block's block_id and in
each button's value), so a click on a card drawn before a change is caught before
anything is written (bot/actions/card.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.blocks.common import Block, button, plain
from bot.i18n import _
from bot.redmine.models import Issue

ASSIGN_ME = "issue_assign_me"
STATUS = "issue_status"
NOTE = "issue_note"
LOG_TIME = "issue_log_time"
WATCH = "issue_watch"
EDIT = "issue_edit"
CARD_ACTIONS = (ASSIGN_ME, STATUS, NOTE, LOG_TIME, WATCH, EDIT)

_REF = re.compile(r"^card\.([0-9]{1,10})\.([0-9]{1,12})$")


@dataclass(frozen=True)
class CardRef:
    issue_id: int
    drawn_at: int  # the issue's updated_on as drawn (Unix seconds); 0: not known

    def encode(self) -> str:
        return f"card.{self.issue_id}.{self.drawn_at}"

    @classmethod
    def decode(cls, text: str) -> CardRef | None:
        """None for anything this module did not write (a forged or foreign value)."""
        match = _REF.match(text or "")
        return cls(int(match.group(1)), int(match.group(2))) if match else None


def card_ref(issue: Issue) -> CardRef:
    drawn_at = int(issue.updated_on.timestamp()) if issue.updated_on else 0
    return CardRef(issue.id, drawn_at)


def watch_label(watching: bool | None) -> str:
    """What the watch button says. A card in a channel is seen by many people, so it
    names both; where only its reader sees it (an ephemeral card, their App Home) and
    Redmine said whether they watch, it says what a click will do."""
    if watching is None:
        return _("Watch / Unwatch")
    return _("Unwatch") if watching else _("Watch")


def card_actions(issue: Issue, *, watching: bool | None = None) -> Block:
    """One actions block: assign to me, a status select (its options are the clicking
    person's allowed statuses, asked for when they open it: an external select, since a
    card is seen by many people and a static list could only be one reader's), add note,
    log time, watch or unwatch, and edit (a form of the fields people change most)."""
    ref = card_ref(issue).encode()
    return {
        "type": "actions",
        "block_id": ref,
        "elements": [
            button(_("Assign to me"), ASSIGN_ME, ref),
            {
                "type": "external_select",
                "action_id": STATUS,
                "placeholder": plain(_("Change status")),
                "min_query_length": 0,
            },
            button(_("Add note"), NOTE, ref),
            button(_("Log time"), LOG_TIME, ref),
            button(watch_label(watching), WATCH, ref),
            button(_("Edit"), EDIT, ref),
        ],
    }
