"""Whether a person watches an issue, as far as Redmine said."""

from __future__ import annotations

from bot.actions.card import watched_by
from bot.redmine.models import Issue

ISSUE = {"id": 42, "project": {"id": 1, "name": "Alpha"}, "subject": "Printer jams"}


def test_watchers_redmine_did_not_list_are_not_an_empty_list() -> None:
    # Redmine lists watchers only with include=watchers and only to a role that may view
    # them (app/views/issues/show.api.rsb): an absent list says nothing.
    assert watched_by(Issue.model_validate(ISSUE), 5) is None
    listed = Issue.model_validate({**ISSUE, "watchers": [{"id": 5, "name": "Bob Baker"}]})
    assert watched_by(listed, 5) is True
    assert watched_by(Issue.model_validate({**ISSUE, "watchers": []}), 5) is False
