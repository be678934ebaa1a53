"""Record the Redmine answers under tests/fixtures/redmine/ from a real Redmine.

    REDMINE_PORT=3123 .venv/bin/python scripts/record-redmine-fixtures.py

Starts the local Redmine from its pristine database (as the integration tests do), seeds
it, creates the issues the builder tests need (as bob, through X-Redmine-Switch-User),
and writes what Redmine answers. Dates are pinned so the builders' output is stable;
everything else is Redmine's own answer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.redmine_server import seed, start_redmine  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "redmine"
STABLE_URL = "https://redmine.example.test"
PINNED = {
    "created_on": "2026-03-02T09:15:00Z",
    "updated_on": "2026-03-04T16:45:30Z",
    "closed_on": "2026-03-04T16:45:30Z",
    "start_date": "2026-03-02",
    "datetime": "2026-03-04T16:45:30Z",
}
LONG_NOTE = "The export stalls at 40%. " * 60  # longer than a note's excerpt (1200)
LONG_DESCRIPTION = "Steps: open the *report* and wait. " * 30  # longer than 600


def pin_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (PINNED[k] if k in PINNED and v is not None else pin_dates(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [pin_dates(v) for v in value]
    return value


def main() -> None:
    url, key = start_redmine()
    data = seed(url, key)
    http = httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=30.0)

    def as_user(login: str, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = http.request(
            method, path, json=body, params=params, headers={"X-Redmine-Switch-User": login}
        )
        response.raise_for_status()
        return response.json() if response.content.strip() else None

    def as_bob(method: str, path: str, body: Any = None, **params: Any) -> Any:
        return as_user("bob", method, path, body, **params)

    def create(login: str = "bob", **fields: Any) -> int:
        body = {"issue": {"project_id": data.projects["alpha"], **fields}}
        issue_id: int = as_user(login, "POST", "/issues.json", body)["issue"]["id"]
        return issue_id

    def write(name: str, answer: Any) -> None:
        path = OUT / f"{name}.json"
        text = json.dumps(pin_dates(answer), indent=2, ensure_ascii=False) + "\n"
        # The recording port is nobody's business: links point at a neutral host.
        path.write_text(text.replace(url, STABLE_URL))
        print(path.relative_to(ROOT))

    OUT.mkdir(parents=True, exist_ok=True)
    alice = data.users["alice"].id

    closed = create(
        subject="Release <!channel> notes & *bold* claims",
        tracker_id=data.trackers["Bug"],
        assigned_to_id=alice,
    )
    as_bob("PUT", f"/issues/{closed}.json", {"issue": {"status_id": data.statuses["Closed"]}})
    write("issue__status_closed", as_bob("GET", f"/issues/{closed}.json"))

    # Redmine ignores is_private from a Developer (bob): a Manager (alice) sets it.
    private = create(
        "alice",
        subject="Payroll export leaks salaries",
        tracker_id=data.trackers["Bug"],
        is_private=True,
        priority_id=data.priorities["Urgent"],
        description=LONG_DESCRIPTION,
    )
    answer = as_user("alice", "GET", f"/issues/{private}.json")
    assert answer["issue"]["is_private"] is True, "Redmine did not make the issue private"
    write("issue__private", answer)

    journaled = create(subject="Export stalls", tracker_id=data.trackers["Feature"])
    as_bob(
        "PUT",
        f"/issues/{journaled}.json",
        {
            "issue": {
                "status_id": data.statuses["In Progress"],
                "assigned_to_id": alice,
                "priority_id": data.priorities["High"],
                "notes": "Looking at it: *the queue* is <full> & slow.",
            }
        },
    )
    as_bob(
        "PUT",
        f"/issues/{journaled}.json",
        {"issue": {"notes": LONG_NOTE.strip(), "private_notes": True}},
    )
    write("issue__with_journals", as_bob("GET", f"/issues/{journaled}.json", include="journals"))

    write(
        "issues__alpha",
        as_bob("GET", "/issues.json", project_id="alpha", status_id="*", sort="id"),
    )
    write("search__export", as_bob("GET", "/search.json", q="export", issues=1, titles_only=1))
    # What the new-issue form reads about a project (bot.actions.issue_form).
    write(
        "project__alpha",
        as_bob(
            "GET", "/projects/alpha.json", include="trackers,issue_categories,issue_custom_fields"
        ),
    )
    write("issue_priorities", as_bob("GET", "/enumerations/issue_priorities.json"))
    write("versions__alpha", as_bob("GET", "/projects/alpha/versions.json"))


if __name__ == "__main__":
    main()
