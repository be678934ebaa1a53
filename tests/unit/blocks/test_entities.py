"""Issues as `slack#/entities/task` entities, built with slack_sdk's Work Objects models.

Shape: slack_sdk/models/metadata (EntityMetadata: entity_type, entity_payload,
external_ref, url, app_unfurl_url) and docs.slack.dev/messaging/work-objects-implementation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.blocks.entities import entities_metadata, issue_entity, issue_ref_id
from bot.config import TextFormatting
from bot.redmine.models import Issue

BASE = "https://redmine.example"


def issue(**extra: Any) -> Issue:
    return Issue.model_validate(
        {
            "id": 42,
            "project": {"id": 1, "name": "Alpha"},
            "tracker": {"id": 1, "name": "Bug"},
            "status": {"id": 2, "name": "In Progress"},
            "priority": {"id": 4, "name": "High"},
            "author": {"id": 5, "name": "Alice Archer"},
            "assigned_to": {"id": 6, "name": "Bob Baker"},
            "subject": "Printer jams",
            "description": "Steps: *one* <!channel>",
            "due_date": "2026-12-24",
            "done_ratio": 40,
            "created_on": "2026-12-01T10:00:00Z",
            "updated_on": "2026-12-02T10:00:00Z",
            "journals": [
                {"id": 1, "user": {"id": 5, "name": "Alice Archer"}, "notes": "old"},
                {"id": 2, "user": {"id": 5, "name": "Alice Archer"}, "notes": ""},
                {"id": 3, "user": {"id": 6, "name": "Bob Baker"}, "notes": "ping <!here>"},
            ],
            **extra,
        }
    )


def custom(entity: dict[str, Any]) -> dict[str, Any]:
    return {f["key"]: f["value"] for f in entity["entity_payload"]["custom_fields"]}


def test_a_cards_entity_carries_what_the_card_shows_and_no_more() -> None:
    read = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    entity = issue_entity(issue(), BASE, TextFormatting.textile, read_at=read)
    assert entity["entity_type"] == "slack#/entities/task"
    assert entity["url"] == f"{BASE}/issues/42"
    assert entity["external_ref"] == {"id": "42", "type": "issue"}
    assert "app_unfurl_url" not in entity
    attributes = entity["entity_payload"]["attributes"]
    assert attributes["title"] == {"text": "#42 Printer jams"}
    assert (attributes["display_id"], attributes["display_type"]) == ("#42", "Bug")
    assert attributes["metadata_last_modified"] == int(read.timestamp())
    fields = entity["entity_payload"]["fields"]
    assert fields["status"]["value"] == "In Progress"
    assert fields["priority"]["value"] == "High"
    assert fields["assignee"] == {"type": "slack#/types/user", "user": {"text": "Bob Baker"}}
    assert fields["created_by"]["user"]["text"] == "Alice Archer"
    assert fields["due_date"]["value"] == "2026-12-24"
    assert fields["date_updated"]["value"] == int(datetime(2026, 12, 2, 10, tzinfo=UTC).timestamp())
    assert "description" not in fields
    assert custom(entity) == {"project": "Alpha", "tracker": "Bug", "done_ratio": "40 %"}


def test_the_flexpane_adds_the_description_and_the_latest_notes_escaped() -> None:
    shown = issue()
    entity = issue_entity(
        shown, BASE, TextFormatting.textile, app_unfurl_url="x", notes=shown.journals
    )
    description = entity["entity_payload"]["fields"]["description"]["value"]
    assert "&lt;!channel&gt;" in description and "<!channel>" not in description
    notes = custom(entity)["notes"]
    assert notes.startswith("Bob Baker: ping &lt;!here&gt;")  # newest first; empty ones skipped
    assert notes.endswith("Alice Archer: old")
    assert entity["app_unfurl_url"] == "x"


def test_an_issue_without_notes_says_so_and_a_long_subject_is_cut() -> None:
    entity = issue_entity(
        issue(subject="x" * 400, journals=[]), BASE, TextFormatting.textile, notes=[]
    )
    assert custom(entity)["notes"] == "No notes yet"
    assert len(entity["entity_payload"]["attributes"]["title"]["text"]) == 255


def test_metadata_carries_only_entities() -> None:
    entity = issue_entity(issue(), BASE, TextFormatting.textile)
    assert entities_metadata([entity]) == {"entities": [entity]}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ({"id": "42", "type": "issue"}, 42),
        ({"id": "0"}, None),
        ({"id": "4²"}, None),
        (None, None),
        ({"id": "1" * 10}, None),
        ("42", None),
    ],
)
def test_the_issue_an_event_names_is_read_back_strictly(ref: object, expected: int | None) -> None:
    assert issue_ref_id(ref) == expected


def test_an_editable_flexpane_offers_the_persons_choices_with_the_current_ones_set() -> None:
    from bot.blocks.entities import EntityEdits
    from bot.redmine.models import Ref

    shown = issue()
    edits = EntityEdits(
        statuses=[Ref(id=3, name="Resolved"), Ref(id=2, name="In Progress")],
        members=[Ref(id=6, name="Bob Baker")],
    )
    entity = issue_entity(shown, BASE, TextFormatting.textile, notes=[], edits=edits)
    fields = entity["entity_payload"]["fields"]
    status = fields["status"]["edit"]["select"]
    assert status["current_value"] == "2"
    assert [o["value"] for o in status["static_options"]] == ["2", "3"]  # current first, once
    assignee = fields["assignee"]["edit"]["select"]
    assert assignee["current_value"] == "6"
    assert [(o["value"], o["text"]["text"]) for o in assignee["static_options"]] == [
        ("0", "Nobody"),
        ("6", "Bob Baker"),
    ]
    assert fields["due_date"]["edit"] == {"enabled": True, "optional": True}
    # Without edits (an unfurl, a card) nothing is editable.
    plain = issue_entity(shown, BASE, TextFormatting.textile)["entity_payload"]["fields"]
    assert all("edit" not in field for field in plain.values())


def test_the_entity_speaks_its_readers_language() -> None:
    from bot.blocks.entities import EntityEdits, flexpane_refusal
    from bot.i18n import translator_for, using
    from bot.redmine.models import Ref

    shown = issue(
        journals=[
            {
                "id": 3,
                "user": {"id": 6, "name": "Bob Baker"},
                "notes": "ping",
                "created_on": "2026-12-02T10:00:00Z",
            }
        ]
    )
    edits = EntityEdits(statuses=[Ref(id=3, name="Resolved")], members=[])
    with using(translator_for("ja")):
        entity = issue_entity(
            shown, BASE, TextFormatting.textile, notes=shown.journals, edits=edits
        )
        refused = flexpane_refusal("x")
    fields = entity["entity_payload"]["fields"]
    assert (fields["status"]["label"], fields["due_date"]["label"]) == ("ステータス", "期日")
    assert fields["assignee"]["label"] == "担当者"
    assert fields["assignee"]["edit"]["select"]["static_options"][0]["text"]["text"] == "なし"
    labels = {f["key"]: f["label"] for f in entity["entity_payload"]["custom_fields"]}
    assert labels == {
        "project": "プロジェクト",
        "tracker": "トラッカー",
        "done_ratio": "進捗率",
        "notes": "最新のコメント",
    }
    assert custom(entity)["notes"] == "Bob Baker（2026/12/02）: ping"
    assert refused["custom_title"] == "表示できません"
    with using(translator_for("de")):
        empty = issue_entity(issue(tracker=None), BASE, TextFormatting.textile, notes=[])
    assert custom(empty)["notes"] == "Noch keine Kommentare"
    assert empty["entity_payload"]["attributes"]["display_type"] == "Ticket"
    assert empty["entity_payload"]["fields"]["priority"]["label"] == "Priorität"
