"""People of their own for the time tests, so other tests' time entries never count.

Created once per Redmine through the REST API (idempotent, like tests/redmine_server.py's
seed) and added to the fake Slack in the time zone a test needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from tests.redmine_server import PASSWORD, Seed, every_user


@dataclass(frozen=True)
class Member:
    login: str
    user_id: int
    slack_id: str
    email: str


def admin(seed: Seed) -> httpx.Client:
    return httpx.Client(
        base_url=seed.url, headers={"X-Redmine-API-Key": seed.admin_key}, timeout=30
    )


def ensure_member(seed: Seed, login: str, first: str, role: str, project: str = "alpha") -> Member:
    """An active Redmine user `login` with `role` in `project` (made on first use)."""
    email = f"{login}@example.com"
    with admin(seed) as http:
        mine = [u for u in every_user(http, name=login) if u["login"] == login]
        if mine:
            user_id = mine[0]["id"]
        else:
            body = {
                "login": login,
                "firstname": first,
                "lastname": "Tester",
                "mail": email,
                "password": PASSWORD,
                "mail_notification": "none",
            }
            answer = http.post("/users.json", json={"user": body})
            answer.raise_for_status()
            user_id = answer.json()["user"]["id"]
        members = http.get(f"/projects/{project}/memberships.json", params={"limit": 100})
        if not any(m.get("user", {}).get("id") == user_id for m in members.json()["memberships"]):
            http.post(
                f"/projects/{project}/memberships.json",
                json={"membership": {"user_id": user_id, "role_ids": [seed.roles[role]]}},
            ).raise_for_status()
    return Member(login, user_id, f"U{login.upper()}", email)


def log_time(
    seed: Seed,
    login: str,
    hours: float,
    spent_on: date,
    *,
    issue_id: int | None = None,
    project: str = "alpha",
    **more: Any,
) -> dict[str, Any]:
    """A time entry made as `login` (the admin key switched to them)."""
    target = {"issue_id": issue_id} if issue_id else {"project_id": seed.projects[project]}
    body = {
        "hours": hours,
        "spent_on": spent_on.isoformat(),
        "activity_id": seed.activities["Development"],
        **target,
        **more,
    }
    with admin(seed) as http:
        answer = http.post(
            "/time_entries.json",
            json={"time_entry": body},
            headers={"X-Redmine-Switch-User": login},
        )
        answer.raise_for_status()
        entry: dict[str, Any] = answer.json()["time_entry"]
        return entry


def clear_time(seed: Seed, user_id: int) -> None:
    """Delete every time entry of `user_id`, so each test starts from zero hours."""
    with admin(seed) as http:
        while True:
            page = http.get("/time_entries.json", params={"user_id": user_id, "limit": 100})
            entries = page.json()["time_entries"]
            if not entries:
                return
            for entry in entries:
                http.delete(f"/time_entries/{entry['id']}.json").raise_for_status()
