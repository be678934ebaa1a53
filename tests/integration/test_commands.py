"""`/redmine` end to end: signed HTTP -> the app -> the real Redmine, and what Slack got."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.people.identity import LOCKED, NO_EMAIL, NO_MATCH
from bot.slack.web.reads import MAX_NAME_LOOKUPS
from tests.integration import redmine_admin as rm
from tests.integration.slack_harness import RunningService, response_text
from tests.support.fakeslack import free_port
from tests.support.signing import command_body


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_help_is_the_ack_itself_and_lists_every_command(service: RunningService) -> None:
    answer = service.command("help")
    assert answer.status_code == 200
    text = answer.json()["text"]
    for usage in (
        "create [project] <subject>",
        "show <id>",
        "note <id> <text>",
        "log <id> <hours> [activity] [comment]",
        "search <words>",
        "attach <id>",
        "subscribe <project> [filters]",
        "connect",
        "whoami",
        "mine",
    ):
        assert f"/redmine {usage}" in text
    assert service.fake.of("response_url") == []


def test_unknown_subcommand_is_named_in_the_help(service: RunningService) -> None:
    text = service.command("frobnicate 12").json()["text"]
    assert "I don't know the command `frobnicate`" in text
    assert "/redmine show <id>" in text


def test_bad_hours_answers_with_the_accepted_forms(service: RunningService) -> None:
    text = service.command("log 12 abc").json()["text"]
    assert "`abc` is not a duration" in text and "1h30" in text


def test_create_one_liner_is_authored_by_the_slack_user(service: RunningService) -> None:
    subject = unique("Printer on fire")
    assert service.command(f"create alpha {subject}", user="UBOB").status_code == 200
    answer = service.wait_response(lambda a: subject in response_text(a))
    assert answer["response_type"] == "in_channel"
    [issue] = rm.issues_with_subject(service.seed, subject)
    assert issue["author"]["id"] == service.seed.users["bob"].id
    assert issue["project"]["id"] == service.seed.projects["alpha"]
    assert f"/issues/{issue['id']}" in response_text(answer)


def test_a_spent_response_url_still_answers_and_the_issue_is_not_called_a_failure(
    service: RunningService,
) -> None:
    # A response_url serves 5 answers within 30 minutes
    # (api.slack.com/interactivity/handling#message_responses); here it cannot be reached
    # at all. The issue is created all the same, so the answer must say so, through the
    # Web API, and never "something went wrong".
    subject = unique("Spent response url")
    body = command_body(
        f"create alpha {subject}",
        user_id="UBOB",
        channel_id="CPUBLIC",
        response_url=f"http://127.0.0.1:{free_port()}/spent",
        trigger_id="T.trigger.spent",
    )
    service.fake.issue_trigger("T.trigger.spent")
    assert service.post(body).status_code == 200
    [posted] = service.fake.wait_for("chat.postMessage", lambda c: subject in str(c.args))
    [issue] = rm.issues_with_subject(service.seed, subject)
    assert posted.args["channel"] == "CPUBLIC"
    assert f"/issues/{issue['id']}" in str(posted.args["blocks"])
    assert issue["author"]["id"] == service.seed.users["bob"].id
    ephemerals = [c.args.get("text", "") for c in service.fake.of("chat.postEphemeral")]
    assert not any("went wrong" in text for text in ephemerals)


def test_a_subject_with_ampersands_lands_as_typed(service: RunningService) -> None:
    # Slack sends "R&D <draft>" as "R&amp;D &lt;draft&gt;" (its escaping of control
    # characters, api.slack.com/reference/surfaces/formatting#escaping).
    marker = unique("Budget")
    assert service.command(f"create alpha R&amp;D {marker} &lt;draft&gt;").status_code == 200
    service.wait_response(lambda a: marker in response_text(a))
    [issue] = rm.issues_with_subject(service.seed, f"R&D {marker} <draft>")
    assert issue["project"]["id"] == service.seed.projects["alpha"]


def test_unmapped_user_is_refused_and_redmine_sees_no_write(service: RunningService) -> None:
    before = rm.count_issues(service.seed)
    service.command("create alpha Should never exist", user="USTRANGER")
    answer = service.wait_response()
    assert answer["text"] == NO_MATCH.format(email="stranger@example.com")
    assert answer["response_type"] == "ephemeral"
    assert rm.count_issues(service.seed) == before


def test_locked_account_is_refused(service: RunningService) -> None:
    before = rm.count_issues(service.seed)
    service.command("create alpha Locked users write nothing", user="UCAROL")
    assert service.wait_response()["text"] == LOCKED.format(login="carol")
    assert rm.count_issues(service.seed) == before


def test_user_without_email_is_told_how_to_connect(service: RunningService) -> None:
    service.command("mine", user="UNOEMAIL")
    assert service.wait_response()["text"] == NO_EMAIL


def test_show_escapes_what_comes_from_redmine(service: RunningService) -> None:
    issue = rm.create_issue(
        service.seed,
        as_login="alice",
        subject="Deploy <!channel> now",
        description="Ping <!here> and <@U123> & see <http://evil|innocent>",
    )
    service.command(f"show #{issue['id']}")
    answer = service.wait_response()
    shown = response_text(answer)
    assert "<!channel>" not in shown and "<!here>" not in shown and "<@U123>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "Alice Archer" in shown  # the author, by name


def test_show_of_an_issue_the_user_cannot_see(service: RunningService) -> None:
    secret = rm.create_issue(
        service.seed,
        as_login="alice",
        project_id=service.seed.projects["secret"],
        subject="Hidden from dave",
    )
    service.command(f"show {secret['id']}", user="UDAVE")
    text = service.wait_response()["text"]
    assert "not allowed" in text or "could not find" in text
    assert "Hidden from dave" not in text


def test_note_is_converted_and_written_as_the_user(service: RunningService) -> None:
    issue = rm.create_issue(service.seed, subject=unique("Needs a note"))
    service.command(f"note #{issue['id']} *deploy* <https://x.example|the docs> cc <@UBOB>")
    assert "Added your note" in service.wait_response()["text"]
    [journal] = [j for j in rm.journals(service.seed, issue["id"]) if j.get("notes")]
    assert journal["user"]["id"] == service.seed.users["alice"].id
    assert journal["notes"] == '*deploy* "the docs":https://x.example cc @Bob'


def test_log_time_with_hours_activity_and_comment(service: RunningService) -> None:
    issue = rm.create_issue(service.seed, subject=unique("Time sink"))
    service.command(f"log {issue['id']} 1h 30min development fixed the printer")
    assert "Logged 1.5 h of Development" in service.wait_response()["text"]
    entries = rm.get(service.seed, "/time_entries.json", issue_id=issue["id"])["time_entries"]
    [entry] = entries
    assert entry["hours"] == 1.5
    assert entry["activity"]["name"] == "Development"
    assert entry["comments"] == "fixed the printer"
    assert entry["user"]["id"] == service.seed.users["alice"].id


def test_log_without_activity_answers_with_the_choices(service: RunningService) -> None:
    issue = rm.create_issue(service.seed, subject=unique("No activity"))
    before = rm.count_time_entries(service.seed)
    service.command(f"log {issue['id']} 2")
    text = service.wait_response()["text"]
    assert "Which activity?" in text and "`design`" in text and "`development`" in text
    assert rm.count_time_entries(service.seed) == before


def test_search_lists_issues_with_status_and_pages(service: RunningService) -> None:
    word = "zebra" + uuid.uuid4().hex[:6]
    for n in range(12):
        rm.create_issue(service.seed, subject=f"{word} number {n}")
    time.sleep(1)
    service.command(f"search {word}")
    answer = service.wait_response()
    shown = response_text(answer)
    assert shown.count(f"{word} number") == 10
    assert "New" in shown  # each result's status
    assert '"action_id": "search_more"' in shown


def test_a_note_with_900_mentions_asks_slack_for_at_most_50_names(
    service: RunningService,
) -> None:
    issue = rm.create_issue(service.seed, subject=unique("Mentions everyone"))
    crowd = [f"U{n:08d}" for n in range(900)]
    for user_id in crowd:
        service.fake.add_user(user_id, None, name=f"person{user_id[1:]}")
    service.command(f"note {issue['id']} hello " + " ".join(f"<@{u}>" for u in crowd))
    assert "Added your note" in service.wait_response()["text"]

    def crowd_lookups() -> list[str]:  # not the one that finds who is asking
        return [c.args["user"] for c in service.fake.of("users.info") if c.args["user"] in crowd]

    looked_up = crowd_lookups()
    assert len(looked_up) == MAX_NAME_LOOKUPS
    [journal] = [j for j in rm.journals(service.seed, issue["id"]) if j.get("notes")]
    named = sum(f"@person{u[1:]}" in journal["notes"] for u in crowd)
    assert named == MAX_NAME_LOOKUPS  # the rest are kept as they were written
    assert journal["notes"].count("@U") == len(crowd) - named

    # Names are remembered across requests: the same people again cost no call.
    service.fake.calls.clear()
    service.command(f"note {issue['id']} again " + " ".join(f"<@{u}>" for u in looked_up))
    service.wait_response(lambda a: "Added your note" in (a.get("text") or ""))
    assert crowd_lookups() == []


@pytest.mark.parametrize("query", ["x", "a", "0"])
def test_one_character_and_numeric_searches_find_nothing_without_an_error(
    service: RunningService, query: str
) -> None:
    service.command(f"search {query}")
    answer = service.wait_response()
    assert answer["blocks"][0]["text"]["text"] == f"No issues found for “{query}”."


def test_mine_lists_open_issues_assigned_to_the_user(service: RunningService) -> None:
    subject = unique("Assigned to bob")
    rm.create_issue(service.seed, subject=subject, assigned_to_id=service.seed.users["bob"].id)
    service.command("mine", user="UBOB")
    assert subject in response_text(service.wait_response())


def test_whoami_says_how_the_account_was_found(service: RunningService) -> None:
    service.command("whoami", user="UERIN")
    text = service.wait_response()["text"]
    assert "`erin`" in text and "email" in text


def test_create_in_a_hidden_project_is_refused_and_nothing_is_written(
    service: RunningService,
) -> None:
    before = rm.count_issues(service.seed)
    service.command("create secret Printer jams", user="UERIN")  # erin is not in secret
    answer = service.wait_response()
    assert "cannot add issues to the project `secret`" in response_text(answer)
    assert rm.count_issues(service.seed) == before
    assert rm.issues_with_subject(service.seed, "Printer jams") == []
    assert rm.issues_with_subject(service.seed, "secret Printer jams") == []
