"""Redmine issues as Slack Work Objects: `slack#/entities/task` entity metadata.

One entity per issue, built with slack_sdk's Work Objects models
(slack_sdk/models/metadata: EntityMetadata, EntityPayload, TaskEntityFields...), whose
`to_dict()` checks the entity type against Slack's list. Slack takes the same entity in
three places (docs.slack.dev/messaging/work-objects-implementation):

- `chat.unfurl`'s `metadata.entities`, each with `app_unfurl_url`, "the exact URL posted
  in the source message" (node-slack-sdk packages/types/src/message-metadata.ts);
- `chat.postMessage`'s `metadata.entities`, on the cards the app posts;
- `entity.presentDetails`'s `metadata`, the flexpane one person opened.

What everyone in a conversation sees (an unfurl, a card) carries only what the Block Kit
card beside it shows; the flexpane, drawn for one person from what Redmine let them read,
adds the description and the latest notes. `external_ref.id` is the issue id, which
`entity_details_requested` hands back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.metadata import (
    EntityAttributes,
    EntityCustomField,
    EntityEditSelectConfig,
    EntityEditSupport,
    EntityMetadata,
    EntityPayload,
    EntityStringField,
    EntityTimestampField,
    EntityTitle,
    EntityTypedField,
    EntityUserField,
    EventAndEntityMetadata,
    ExternalRef,
    TaskEntityFields,
)

from bot.blocks.issues import issue_url
from bot.config import TextFormatting
from bot.i18n import N_, _, current
from bot.redmine.models import Issue, Journal, Ref
from bot.text import redmine_to_mrkdwn

TASK = "slack#/entities/task"
REF_TYPE = "issue"
PRODUCT = "Redmine"  # the product's own name, in every language
NOTES_SHOWN = 3  # the flexpane's latest notes
NOTE_EXCERPT = 500
DESCRIPTION_EXCERPT = 3000
TITLE_LIMIT = 255
# Flexpane edits (docs.slack.dev/messaging/work-objects-overview, "Slack SDKs"): saving
# sends `view_submission` with this callback id and the view's `external_ref`; each edited
# field's input is in `view.state.values[<field key>]["<field key>.input"]`.
EDIT_CALLBACK = "work-object-edit"
STATUS = "status"
ASSIGNEE = "assignee"
DUE_DATE = "due_date"
NOBODY = "0"  # the assignee option for "nobody", as the card's Edit form offers it
OPTIONS_LIMIT = 100  # Slack's select limit (bot.slack.limits)
OPTION_TEXT = 75


def edit_input(key: str) -> str:
    """The action id of a field's input in a flexpane edit."""
    return f"{key}.input"


@dataclass(frozen=True)
class EntityEdits:
    """What the person who opened the flexpane may choose (read as them): the statuses
    Redmine's workflow lets them move the issue to, and its assignable members."""

    statuses: Sequence[Ref]
    members: Sequence[Ref]


def _option(value: str, label: str) -> dict[str, Any]:
    return {"value": value, "text": {"type": "plain_text", "text": label[:OPTION_TEXT] or value}}


def _select(current: str | None, options: list[dict[str, Any]]) -> EntityEditSupport:
    return EntityEditSupport(
        enabled=True,
        select=EntityEditSelectConfig(
            current_value=current, static_options=options[:OPTIONS_LIMIT]
        ),
    )


def issue_ref_id(external_ref: object) -> int | None:
    """The issue id an `entity_details_requested` event's `external_ref` names, if any."""
    if not isinstance(external_ref, dict):
        return None
    value = str(external_ref.get("id") or "")
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= 9):
        return None
    return int(value) or None  # Redmine's ids start at 1


def _epoch(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def _person(ref: Ref | None) -> EntityTypedField | None:
    if ref is None or not ref.name:
        return None
    return EntityTypedField(type="slack#/types/user", user=EntityUserField(text=ref.name))


def _text(label: str, value: str | None) -> EntityStringField | None:
    return EntityStringField(value=value, label=label) if value else None


def _date(label: str, value: date | None) -> EntityTypedField | None:
    if value is None:
        return None
    return EntityTypedField(type="slack#/types/date", label=label, value=value.isoformat())


def _custom(key: str, label: str, value: str | None, *, long: bool = False) -> EntityCustomField:
    return EntityCustomField(key=key, label=label, type="string", value=value or "—", long=long)


def _note_line(journal: Journal, formatting: TextFormatting, base_url: str) -> str:
    who = journal.user.name if journal.user else _("Someone")
    text = redmine_to_mrkdwn(journal.notes or "", formatting, base_url=base_url, limit=NOTE_EXCERPT)
    if journal.created_on is None:
        return f"{who}: {text}"
    # The note's day in Redmine's time (UTC, as it serves it), in the reader's format.
    when = current().format_date(journal.created_on.date())
    return _("{who} on {date}: {text}", who=who, date=when, text=text)


def issue_entity(
    issue: Issue,
    base_url: str,
    formatting: TextFormatting,
    *,
    read_at: datetime | None = None,
    app_unfurl_url: str | None = None,
    notes: Sequence[Journal] | None = None,
    edits: EntityEdits | None = None,
) -> dict[str, Any]:
    """The issue as one task entity. `notes` (the flexpane's, already read as the person
    who opened it) adds the description and those notes; without it only what a card
    shows goes in. `edits` makes status, assignee and due date editable in the flexpane.
    `read_at`: when Redmine served the issue."""
    url = issue_url(base_url, issue.id)
    flexpane = notes is not None
    description = None
    if flexpane and issue.description and issue.description.strip():
        excerpt = redmine_to_mrkdwn(
            issue.description, formatting, base_url=base_url, limit=DESCRIPTION_EXCERPT
        )
        description = EntityStringField(value=excerpt, long=True)
    # Labels are said in the reader's language: the flexpane's viewer (handlers/flexpane.py,
    # from the event's user_locale), or, on a card or an unfurl, the card's own language.
    status = _text(_("Status"), issue.status.name if issue.status else None)
    assignee = _person(issue.assigned_to)
    due_date = _date(_("Due date"), issue.due_date)
    if edits is not None:
        status, assignee, due_date = _editable(issue, edits)
    fields = TaskEntityFields(
        description=description,
        status=status,
        assignee=assignee,
        priority=_text(_("Priority"), issue.priority.name if issue.priority else None),
        due_date=due_date,
        created_by=_person(issue.author),
        date_created=(
            EntityTimestampField(value=stamp) if (stamp := _epoch(issue.created_on)) else None
        ),
        date_updated=(
            EntityTimestampField(value=stamp) if (stamp := _epoch(issue.updated_on)) else None
        ),
    )
    custom: list[dict[str, Any] | EntityCustomField] = [
        _custom("project", _("Project"), issue.project.name),
        _custom("tracker", _("Tracker"), issue.tracker.name if issue.tracker else None),
        _custom("done_ratio", _("% Done"), f"{issue.done_ratio or 0} %"),
    ]
    if flexpane:
        shown = [j for j in notes or [] if (j.notes or "").strip()][-NOTES_SHOWN:]
        lines = [_note_line(j, formatting, base_url) for j in reversed(shown)]
        custom.append(
            _custom("notes", _("Latest notes"), "\n\n".join(lines) or _("No notes yet"), long=True)
        )
    title = f"#{issue.id} {issue.subject}"
    entity = EntityMetadata(
        entity_type=TASK,
        external_ref=ExternalRef(id=str(issue.id), type=REF_TYPE),
        url=url,
        app_unfurl_url=app_unfurl_url,
        entity_payload=EntityPayload(
            attributes=EntityAttributes(
                title=EntityTitle(text=title[:TITLE_LIMIT]),
                display_id=f"#{issue.id}",
                display_type=issue.tracker.name if issue.tracker else _("Issue"),
                product_name=PRODUCT,
                metadata_last_modified=_epoch(read_at),
            ),
            fields=fields,
            custom_fields=custom,
        ),
    )
    built: dict[str, Any] = entity.to_dict()
    return built


def _editable(
    issue: Issue, edits: EntityEdits
) -> tuple[EntityStringField, EntityTypedField, EntityTypedField]:
    """Status, assignee and due date with the choices the person has, current ones set."""
    here = [issue.status] if issue.status else []
    statuses = [*here, *(s for s in edits.statuses if not here or s.id != here[0].id)]
    status = EntityStringField(
        value=issue.status.name if issue.status else "—",
        label=_("Status"),
        edit=_select(
            str(issue.status.id) if issue.status else None,
            [_option(str(s.id), s.name) for s in statuses],
        ),
    )
    nobody = _("Nobody")
    members = [_option(NOBODY, nobody), *(_option(str(m.id), m.name) for m in edits.members)]
    assignee = _person(issue.assigned_to) or EntityTypedField(
        type="slack#/types/user", user=EntityUserField(text=nobody)
    )
    assignee.label = _("Assignee")
    assignee.edit = _select(str(issue.assigned_to.id) if issue.assigned_to else NOBODY, members)
    due = _date(_("Due date"), issue.due_date) or EntityTypedField(
        type="slack#/types/date", label=_("Due date")
    )
    due.edit = EntityEditSupport(enabled=True, optional=True)
    return status, assignee, due


def entities_metadata(entities: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """`metadata` for chat.unfurl and chat.postMessage: the entities, nothing else."""
    metadata: dict[str, Any] = EventAndEntityMetadata(entities=list(entities)).to_dict()
    return metadata


# -- entity.presentDetails' answers other than the entity --------------------------------
# Its `error` takes `status` ("custom" with `custom_title` and `custom_message`, as in
# node-slack-sdk packages/web-api/src/types/request/entity.ts); `user_auth_required` with
# `user_auth_url` says the person must connect first (docs.slack.dev/reference/methods/
# entity.presentDetails).

NOT_AVAILABLE = N_("Not available")


def flexpane_refusal(message: str) -> dict[str, Any]:
    """`error` for a flexpane the person may not see: one sentence, nothing of the issue."""
    return {"status": "custom", "custom_title": _(NOT_AVAILABLE), "custom_message": message}


def connect_url(redmine_base_url: str) -> str:
    """Where a person Redmine does not know is sent: their API key page, which
    `/redmine connect` asks for."""
    return redmine_base_url.rstrip("/") + "/my/api_key"
