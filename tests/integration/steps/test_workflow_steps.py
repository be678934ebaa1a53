"""Workflow Builder steps, end to end: Slack runs a step (a signed `function_executed`
event), the service writes in the real Redmine as the person the step names, and ends the
step with functions.completeSuccess (its outputs) or functions.completeError (a sentence).

Payload shape: bolt-python tests/scenario_tests_async/test_function.py; the steps and
their parameters: slack-manifest.yml `functions`, held by tests/contract/test_manifest.py.
"""

from __future__ import annotations

import uuid

from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService

CREATE, NOTE, LOG = "create_redmine_issue", "add_redmine_note", "log_redmine_time"


def test_a_printer_report_becomes_an_issue_written_by_whoever_filled_in_the_form(
    service: RunningService,
) -> None:
    seed = service.seed
    subject = f"Printer on floor 2 jams {uuid.uuid4().hex[:6]}"
    execution = service.run_step(
        CREATE,
        {
            "person": "UBOB",
            "project": "alpha",
            "tracker": "support",
            "subject": subject,
            "description": "It *smokes* <!channel>",
            "assignee": "UALICE",
            "priority": "High",
            "due_date": "2031-12-24",
        },
    )
    ended = service.fake.step_ended(execution)
    assert ended.state == "completed", ended.error
    [issue] = rm.issues_with_subject(seed, subject)
    assert ended.outputs == {
        "issue_id": str(issue["id"]),
        "issue_url": f"{seed.url}/issues/{issue['id']}",
        "subject": subject,
    }
    assert issue["author"]["id"] == seed.users["bob"].id  # as Bob, never the admin
    assert issue["assigned_to"]["id"] == seed.users["alice"].id
    assert (issue["tracker"]["name"], issue["priority"]["name"]) == ("Support", "High")
    assert issue["due_date"] == "2031-12-24"
    assert issue["description"] == "It *smokes* @channel"  # converted as notes are
    # The step ended with the execution's own token, as Bolt sends it.
    [call] = service.fake.of("functions.completeSuccess")
    assert call.token is not None and call.token.startswith("xwfp-")


def test_a_person_redmine_does_not_know_fails_the_step_and_writes_nothing(
    service: RunningService,
) -> None:
    before = rm.count_issues(service.seed)
    execution = service.run_step(
        CREATE, {"person": "USTRANGER", "project": "alpha", "subject": "from a stranger"}
    )
    ended = service.fake.step_ended(execution)
    assert ended.state == "failed"
    assert ended.error is not None
    assert ended.error.startswith("This step acts in Redmine as <@USTRANGER>")
    assert "stranger@example.com" in ended.error and "/redmine connect" in ended.error
    assert ended.error.endswith("Nothing was written in Redmine.")
    assert rm.count_issues(service.seed) == before


def test_bad_inputs_fail_the_step_with_a_sentence_and_write_nothing(
    service: RunningService,
) -> None:
    seed = service.seed
    issues, entries = rm.count_issues(seed), rm.count_time_entries(seed)
    issue = rm.create_issue(seed, subject="time goes here")
    no_project = service.run_step(CREATE, {"person": "UBOB", "subject": "where does it go"})
    no_tracker = service.run_step(
        CREATE, {"person": "UBOB", "project": "alpha", "subject": "x", "tracker": "Epic"}
    )
    bad_hours = service.run_step(
        LOG, {"person": "UBOB", "issue_id": str(issue["id"]), "hours": "abc"}
    )
    hidden = service.run_step(
        CREATE, {"person": "UERIN", "project": "secret", "subject": "into the secret project"}
    )
    errors = {
        name: service.fake.step_ended(execution).error
        for name, execution in [
            ("no project", no_project),
            ("no tracker", no_tracker),
            ("bad hours", bad_hours),
            ("hidden", hidden),
        ]
    }
    assert errors["no project"] is not None and "needs a project" in errors["no project"]
    assert errors["no tracker"] == (
        "Alpha has no tracker “Epic”. Its trackers: “Bug”, “Feature”, “Support”. "
        "Nothing was written in Redmine."
    )
    assert errors["bad hours"] is not None
    assert "“Hours” input is not a duration Redmine accepts: `abc`" in errors["bad hours"]
    assert errors["hidden"] is not None and "can't find a project `secret`" in errors["hidden"]
    assert all(e and e.endswith("Nothing was written in Redmine.") for e in errors.values())
    assert rm.count_issues(seed) == issues + 1  # only the one this test made itself
    assert rm.count_time_entries(seed) == entries


def test_a_note_lands_as_the_person_and_the_step_hands_on_its_link(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject="needs a note")
    execution = service.run_step(
        NOTE, {"person": "UBOB", "issue_id": f"#{issue['id']}", "text": "Toner *replaced*"}
    )
    ended = service.fake.step_ended(execution)
    assert ended.state == "completed", ended.error
    [journal] = [j for j in rm.journals(seed, issue["id"]) if j.get("notes")]
    assert journal["user"]["id"] == seed.users["bob"].id
    assert journal["notes"] == "Toner *replaced*"
    assert journal["private_notes"] is False
    url = f"{seed.url}/issues/{issue['id']}"
    assert ended.outputs == {"issue_url": url, "note_url": f"{url}#change-{journal['id']}"}


def test_time_is_logged_as_the_person_with_hours_as_the_command_reads_them(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject="time for the printer")
    execution = service.run_step(
        LOG,
        {
            "person": "UBOB",
            "issue_id": str(issue["id"]),
            "hours": "1h30",
            "activity": "development",
            "comment": "new drum",
            "date": "2026-11-30",
        },
    )
    ended = service.fake.step_ended(execution)
    assert ended.state == "completed", ended.error
    [entry] = rm.get(seed, "/time_entries.json", issue_id=issue["id"])["time_entries"]
    assert entry["user"]["id"] == seed.users["bob"].id
    assert (entry["hours"], entry["activity"]["name"]) == (1.5, "Development")
    assert (entry["comments"], entry["spent_on"]) == ("new drum", "2026-11-30")
    assert ended.outputs == {
        "time_entry_id": str(entry["id"]),
        "hours": 1.5,
        "issue_url": f"{seed.url}/issues/{issue['id']}",
    }


def test_without_an_activity_redmine_has_no_default_for_the_step_names_the_choices(
    service: RunningService,
) -> None:
    seed = service.seed
    entries = rm.count_time_entries(seed)
    issue = rm.create_issue(seed, subject="time without activity")
    execution = service.run_step(
        LOG, {"person": "UBOB", "issue_id": str(issue["id"]), "hours": "2"}
    )
    ended = service.fake.step_ended(execution)
    assert ended.state == "failed"
    assert ended.error is not None and "“Activity” input to one of" in ended.error
    assert "“Development”" in ended.error
    assert rm.count_time_entries(seed) == entries


def test_a_private_note_is_written_private_or_refused_never_published(
    service: RunningService,
) -> None:
    seed = service.seed
    issue = rm.create_issue(seed, subject="private step notes")
    # Alice manages alpha: her role may write private notes.
    allowed = service.run_step(
        NOTE,
        {"person": "UALICE", "issue_id": str(issue["id"]), "text": "vendor", "private": True},
    )
    assert service.fake.step_ended(allowed).state == "completed"
    # Erin reports in alpha: Redmine would drop the flag and publish her note.
    refused = service.run_step(
        NOTE,
        {"person": "UERIN", "issue_id": str(issue["id"]), "text": "my secret", "private": True},
    )
    ended = service.fake.step_ended(refused)
    assert ended.state == "failed"
    assert ended.error == (
        "Your role in Alpha may not write private notes, and Redmine would save this note for "
        "everyone to read. Untick the step's “Private” input to add it for everyone. "
        "Nothing was written in Redmine."
    )
    notes = [j for j in rm.journals(seed, issue["id"]) if j.get("notes")]
    assert [(j["notes"], j["private_notes"]) for j in notes] == [("vendor", True)]


def test_a_locked_person_and_redmines_own_refusals_fail_the_step_in_a_sentence(
    service: RunningService,
) -> None:
    seed = service.seed
    before = rm.count_issues(seed)
    locked = service.run_step(
        CREATE, {"person": "UCAROL", "project": "alpha", "subject": "from a locked account"}
    )
    # Dave is in no project: Redmine refuses him as the assignee (422).
    unassignable = service.run_step(
        CREATE,
        {"person": "UBOB", "project": "alpha", "subject": "for Dave", "assignee": "UDAVE"},
    )
    locked_error = service.fake.step_ended(locked).error
    assert locked_error is not None
    assert locked_error.startswith("This step acts in Redmine as <@UCAROL>, and I can't act")
    assert "`carol` is locked" in locked_error
    refused = service.fake.step_ended(unassignable).error
    assert refused is not None and "Assignee is invalid" in refused
    assert refused.endswith("Nothing was written in Redmine.")
    assert rm.count_issues(seed) == before
