"""The Edit form of an issue card: starts at the issue, offers what was read, and is
Block Kit Slack takes (python-slack-sdk's models, tests/support/blockkit.py)."""

from __future__ import annotations

from typing import Any

from bot.blocks.edit_modal import EditChoices, issue_edit_modal
from bot.blocks.metadata import ModalContext
from bot.inputs.forms import EditForm
from bot.redmine.models import EnumerationItem, Issue, Ref
from tests.support import blockkit

ISSUE = Issue.model_validate(
    {
        "id": 42,
        "project": {"id": 1, "name": "Alpha"},
        "subject": "Printer jams",
        "status": {"id": 1, "name": "New"},
        "priority": {"id": 2, "name": "Normal"},
        "assigned_to": {"id": 9, "name": "Locked Larry"},
        "due_date": "2026-12-24",
        "done_ratio": 35,
    }
)
CHOICES = EditChoices(
    issue=ISSUE,
    statuses=[Ref(id=1, name="New"), Ref(id=2, name="In Progress")],
    priorities=[EnumerationItem(id=3, name="High")],
    members=[Ref(id=5, name="Bob Baker")],
)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return found


def labels(view: dict[str, Any], block_id: str) -> list[str]:
    return [o["text"]["text"] for o in block(view, block_id)["element"]["options"]]


def test_the_form_is_block_kit_slack_takes_and_starts_at_the_issue() -> None:
    view = issue_edit_modal(CHOICES, ModalContext(card="card.42.1700000000"))
    assert blockkit.problems(view=view) == []
    assert block(view, "edit_status")["element"]["initial_option"]["value"] == "1"
    assert block(view, "edit_due_date")["element"]["initial_date"] == "2026-12-24"
    assert block(view, "edit_done_ratio")["element"]["initial_option"]["value"] == "35"
    assert all(b["optional"] for b in view["blocks"] if b["type"] == "input")


def test_current_values_no_longer_offered_are_kept_in_the_choices() -> None:
    view = issue_edit_modal(CHOICES, ModalContext())
    # A locked assignee and an inactive priority: the form starts where the issue is.
    assert labels(view, "edit_assignee") == ["Nobody", "Locked Larry", "Bob Baker"]
    assert block(view, "edit_assignee")["element"]["initial_option"]["value"] == "9"
    assert labels(view, "edit_priority") == ["Normal", "High"]
    assert "35 %" in labels(view, "edit_done_ratio")


def test_no_due_date_offers_no_removal() -> None:
    bare = Issue.model_validate({"id": 7, "project": {"id": 1, "name": "Alpha"}})
    view = issue_edit_modal(EditChoices(issue=bare), ModalContext())
    assert blockkit.problems(view=view) == []
    ids = [b.get("block_id") for b in view["blocks"]]
    assert "edit_no_due_date" not in ids
    assert "initial_date" not in block(view, "edit_due_date")["element"]
    assert block(view, "edit_assignee")["element"]["initial_option"]["value"] == "0"


def test_over_a_hundred_members_take_the_external_assignee_select() -> None:
    members = [Ref(id=n, name=f"Person {n}") for n in range(100, 200)]
    view = issue_edit_modal(EditChoices(issue=ISSUE, members=members), ModalContext())
    assert blockkit.problems(view=view) == []
    element = block(view, "edit_assignee_search")["element"]
    assert element["type"] == "external_select"
    assert element["initial_option"]["value"] == "9"


def state(**entries: dict[str, Any]) -> dict[str, Any]:
    return {"values": {bid: {bid: entry} for bid, entry in entries.items()}}


def chosen(value: str) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


def test_the_submission_reads_back_what_was_chosen() -> None:
    view = {
        "private_metadata": ModalContext(card="card.42.1700000000").encode(),
        "state": state(
            edit_status=chosen("2"),
            edit_assignee=chosen("0"),
            edit_priority=chosen("3"),
            edit_due_date={"type": "datepicker", "selected_date": "2027-01-15"},
            edit_done_ratio=chosen("40"),
        ),
    }
    form = EditForm.from_view(view)
    assert form.context.card == "card.42.1700000000"
    assert (form.status_id, form.assignee_id, form.priority_id) == (2, 0, 3)
    assert form.due_date is not None and form.due_date.isoformat() == "2027-01-15"
    assert (form.done_ratio, form.no_due_date) == (40, False)


def test_values_slack_would_never_send_read_as_no_choice() -> None:
    view = {
        "state": state(
            edit_status=chosen("1e309"),
            edit_assignee=chosen("-3"),
            edit_due_date={"type": "datepicker", "selected_date": "2027-02-30"},
            edit_done_ratio=chosen("150"),
        )
    }
    form = EditForm.from_view(view)
    assert (form.status_id, form.assignee_id, form.due_date, form.done_ratio) == (
        None,
        None,
        None,
        None,
    )


def test_fields_the_tracker_does_not_use_are_left_out() -> None:
    # Redmine 5's trackers.json lists each tracker's enabled_standard_fields; a field
    # outside it is dropped on write, so the form does not offer it.
    choices = EditChoices(issue=ISSUE, tracker_fields=frozenset({"description"}))
    view = issue_edit_modal(choices, ModalContext())
    assert blockkit.problems(view=view) == []
    ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["edit_status", "edit_priority"]
    every = issue_edit_modal(CHOICES, ModalContext())  # None: Redmine did not say
    assert "edit_done_ratio" in [b.get("block_id") for b in every["blocks"]]


def test_nobody_from_the_assignee_search_unassigns() -> None:
    searched = {
        "type": "external_select",
        "selected_option": {"text": {"type": "plain_text", "text": "Nobody"}, "value": "0"},
    }
    form = EditForm.from_view({"state": state(edit_assignee_search=searched)})
    assert form.assignee_id == 0


def test_the_subject_is_shown_not_read_as_a_mention_or_a_link() -> None:
    hostile = ISSUE.model_copy(update={"subject": "Ping <!channel> & <https://x.test|here>"})
    view = issue_edit_modal(EditChoices(issue=hostile), ModalContext())
    [shown] = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert shown == "#42 Ping &lt;!channel&gt; &amp; &lt;https://x.test|here&gt;"
