"""bot.notify.personal's pure decisions: who is told what about which journal, and why.

Fed by the recorded issue tests/fixtures/redmine/issue__with_journals.json: Bob (6)
reported #3, journal 2 (Bob) moves it to In Progress, assigns Alice (5) and adds a note;
journal 3 (Bob) is a private note.
"""

from __future__ import annotations

from bot.notify.personal import Tell, assignee_at_creation, plan, reason
from bot.people.recipients import mentions
from bot.redmine.models import Ref, User
from bot.store.personal import Preferences
from tests.support.redmine_fixtures import issue

ALICE, BOB, DAVE, ERIN = 5, 6, 8, 9


def test_the_new_assignee_is_told_everything_and_the_author_of_the_change_nothing() -> None:
    found = issue("issue__with_journals")
    status_and_assign, private_note = found.journals
    assert plan(found, found.journals, {}) == {
        ALICE: [
            Tell(2, ("assigned", "status", "involved"), "assignee", status_and_assign),
            Tell(3, ("involved",), "assignee", private_note),
        ]
    }  # Bob, who reported it, made both changes: never told about his own


def test_watchers_and_mentioned_people_are_told_with_their_own_reason() -> None:
    found = issue("issue__with_journals").model_copy(update={"watchers": [Ref(id=ERIN)]})
    told = plan(found, found.journals, {3: {DAVE, BOB}})
    assert [(t.key, t.kinds, t.involvement) for t in told[ERIN]] == [
        (2, ("involved",), "watcher"),
        (3, ("involved",), "watcher"),
    ]
    assert [(t.key, t.kinds, t.involvement) for t in told[DAVE]] == [(3, ("mentions",), "")]
    assert BOB not in told  # mentioned in his own note


def test_the_reason_is_the_first_kind_the_person_wants() -> None:
    tell = Tell(2, ("assigned", "status", "involved"), "assignee", None)
    assert reason(tell, Preferences()) == "Assigned to you"
    assert reason(tell, Preferences(assigned=False)) == "The status of your issue changed"
    assert reason(tell, Preferences(assigned=False, status=False)) == (
        "On an issue assigned to you"
    )
    off = Preferences(assigned=False, involved=False, status=False, mentions=False)
    assert reason(tell, off) is None


def test_the_assignee_at_creation_is_the_first_reassignments_old_value() -> None:
    found = issue("issue__with_journals")
    assert assignee_at_creation(found) is None  # journal 2 assigned Alice: nobody before
    untouched = found.model_copy(update={"journals": []})
    assert assignee_at_creation(untouched) == ALICE


def test_mentions_are_at_login_or_the_full_name_as_whole_words() -> None:
    alice = User(id=ALICE, login="alice", firstname="Alice", lastname="Archer")
    assert mentions("Could @alice look?", alice)
    assert mentions("ping @Alice.", alice)
    assert mentions("Alice Archer knows", alice)
    assert not mentions("@alicex and alice", alice)
    assert not mentions("mail me at bob@alice.example", alice)  # an address, not a mention
    assert not mentions("Alice Archery", alice)


def test_a_note_made_before_the_assignment_is_not_told_as_the_assignees() -> None:
    from bot.redmine.models import Journal, JournalDetail

    found = issue("issue__with_journals")
    note = Journal(id=20, user=Ref(id=BOB), notes="Before anyone took it")
    assign = Journal(
        id=21,
        user=Ref(id=BOB),
        details=[JournalDetail(property="attr", name="assigned_to_id", new_value=str(ERIN))],
    )
    later = found.model_copy(update={"journals": [note, assign], "assigned_to": Ref(id=ERIN)})
    told = plan(later, later.journals, {})
    assert [(t.key, t.kinds) for t in told[ERIN]] == [(21, ("assigned", "involved"))]
    assert assignee_at_creation(later) is None


def test_an_assignee_redmine_7_made_a_watcher_is_told_once_as_the_assignee() -> None:
    # Redmine 7.0 adds the assignee to the watchers when their preference
    # `issue_assigned_to_me` says so (app/models/journal.rb, 7.0-stable): Alice is then
    # both; she gets one message a journal, with the assignee's reasons.
    found = issue("issue__with_journals").model_copy(update={"watchers": [Ref(id=ALICE)]})
    status_and_assign, private_note = found.journals
    assert plan(found, found.journals, {}) == {
        ALICE: [
            Tell(2, ("assigned", "status", "involved"), "assignee", status_and_assign),
            Tell(3, ("involved",), "assignee", private_note),
        ]
    }
