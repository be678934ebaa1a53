"""The event table: each kind of change as its exact words."""

from __future__ import annotations

import pytest

from bot.actions.errors import UserFacingError
from bot.actions.subscription_filters import parse_filters
from bot.i18n import translator_for, using
from bot.notify.events import journal_event
from bot.notify.webhook import issue_id_from
from bot.redmine.models import Journal


class FakeNames:
    def status(self, status_id: str | None) -> str:
        return {"1": "New", "2": "In Progress", "5": "Closed"}.get(status_id or "", "")

    def is_closed(self, status_id: str | None) -> bool:
        return status_id == "5"

    def tracker(self, tracker_id: str | None) -> str:
        return {"1": "Bug", "2": "Feature"}.get(tracker_id or "", "")

    def priority(self, priority_id: str | None) -> str:
        return {"2": "Normal", "3": "High"}.get(priority_id or "", "")

    def user(self, user_id: str | None) -> str:
        return {"5": "Alice Archer", "6": "Bob <b>"}.get(user_id or "", "")

    def version(self, version_id: str | None) -> str:
        return "1.0" if version_id else ""

    def category(self, category_id: str | None) -> str:
        return "Backend" if category_id else ""

    def project(self, project_id: str | None) -> str:
        return "Alpha" if project_id else ""

    def custom_field(self, field_id: str) -> str:
        return f"Field {field_id}"


def lines(
    *details: dict[str, str | None], notes: str = "", private: bool = False
) -> list[tuple[str, str]]:
    journal = Journal.model_validate(
        {
            "id": 1,
            "user": {"id": 5, "name": "Alice Archer"},
            "notes": notes,
            "private_notes": private,
            "details": list(details),
        }
    )
    return [(c.kind, c.line) for c in journal_event(journal, FakeNames()).changes]


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        (
            {"property": "attr", "name": "status_id", "old_value": "1", "new_value": "2"},
            [("status", "Status: New → *In Progress*")],
        ),
        (
            {"property": "attr", "name": "status_id", "old_value": "2", "new_value": "5"},
            [("status", "Status: In Progress → *Closed*"), ("closed", "")],
        ),
        (
            {"property": "attr", "name": "assigned_to_id", "old_value": None, "new_value": "6"},
            [("assignee", "Assignee: *Bob &lt;b&gt;*")],
        ),
        (
            {"property": "attr", "name": "assigned_to_id", "old_value": "5", "new_value": None},
            [("assignee", "Assignee: ~Alice Archer~ removed")],
        ),
        (
            {"property": "attr", "name": "priority_id", "old_value": "2", "new_value": "3"},
            [("priority", "Priority: Normal → *High*")],
        ),
        (
            {"property": "attr", "name": "tracker_id", "old_value": "1", "new_value": "2"},
            [("other", "Tracker: Bug → *Feature*")],
        ),
        (
            {"property": "attr", "name": "subject", "old_value": "a", "new_value": "<!here> b"},
            [("other", "Subject: a → *&lt;!here&gt; b*")],
        ),
        (
            {"property": "attr", "name": "due_date", "old_value": None, "new_value": "2026-12-01"},
            [("other", "Due date: *Dec 1, 2026*")],  # the reader's date format
        ),
        (
            {"property": "attr", "name": "done_ratio", "old_value": "0", "new_value": "50"},
            [("other", "% Done: 0% → *50%*")],
        ),
        (
            {"property": "attr", "name": "description", "old_value": "x", "new_value": "y"},
            [("other", "Description updated")],
        ),
        (
            {"property": "cf", "name": "3", "old_value": "a", "new_value": "b"},
            [("other", "Field 3: a → *b*")],
        ),
        (
            {"property": "attachment", "name": "7", "old_value": None, "new_value": "log.txt"},
            [("attachments", "Attached `log.txt`")],
        ),
        (
            {"property": "relation", "name": "blocks", "old_value": None, "new_value": "12"},
            [("other", "Related: blocks #12")],
        ),
    ],
)
def test_each_kind_of_change(
    detail: dict[str, str | None], expected: list[tuple[str, str]]
) -> None:
    assert lines(detail) == expected


def test_keep_applies_the_events_filter() -> None:
    journal = Journal.model_validate(
        {
            "id": 9,
            "user": {"id": 5, "name": "Alice"},
            "notes": "hello",
            "details": [
                {"property": "attr", "name": "status_id", "old_value": "2", "new_value": "5"},
                {"property": "attr", "name": "priority_id", "old_value": "2", "new_value": "3"},
            ],
        }
    )
    event = journal_event(journal, FakeNames())
    assert event.kinds == {"status", "closed", "priority", "notes"}
    closed_only = event.keep(["closed"])
    assert closed_only is not None and closed_only.note is None
    assert [c.kind for c in closed_only.changes] == ["status", "closed"]
    assert event.keep(["attachments"]) is None
    assert event.keep([]) is event


def test_filters() -> None:
    options = parse_filters(
        ["trackers:Bug,Feature", "events:notes,closed", "subprojects:on", "threads:off"]
    )
    assert (
        options.trackers,
        options.events,
        options.include_subprojects,
        options.threads,
        options.private,
    ) == (["Bug", "Feature"], ["notes", "closed"], True, False, False)
    for bad in (["nofilter"], ["events:x"], ["private:perhaps"], ["colour:red"]):
        with pytest.raises(UserFacingError):
            parse_filters(bad)


@pytest.mark.parametrize(
    ("payload", "issue_id"),
    [
        ({"payload": {"action": "opened", "issue": {"id": 5}}}, 5),
        ({"issue": {"id": "7"}}, 7),
        ({"issue_id": 9}, 9),
        ({"payload": {"issue": {"id": True}}}, None),
        ({"payload": {"issue": {"id": -1}}}, None),
        ([], None),
        ({"payload": "x"}, None),
    ],
)
def test_issue_id_from_webhook_payloads(payload: object, issue_id: int | None) -> None:
    assert issue_id_from(payload) == issue_id


def test_a_change_reads_in_the_channels_language_with_its_dates() -> None:
    due = {
        "property": "attr",
        "name": "due_date",
        "old_value": "2026-11-30",
        "new_value": "2026-12-01",
    }
    private = {"property": "attr", "name": "is_private", "old_value": "0", "new_value": "1"}
    with using(translator_for("de")):
        assert lines(due) == [("other", "Abgabedatum: 30.11.2026 → *01.12.2026*")]
        assert lines(private) == [("other", "Privat: nein → *ja*")]
    with using(translator_for("ja")):
        assert lines(due) == [("other", "期日: 2026/11/30 → *2026/12/01*")]
    # A date Redmine wrote some other way is shown as written, never an error.
    odd = {**due, "new_value": "someday"}
    assert lines(odd) == [("other", "Due date: Nov 30, 2026 → *someday*")]
