"""Look at what landed in Redmine, as the admin, from synchronous tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.redmine_server import Seed


def admin(seed: Seed) -> httpx.Client:
    return httpx.Client(
        base_url=seed.url, headers={"X-Redmine-API-Key": seed.admin_key}, timeout=30
    )


def get(seed: Seed, path: str, **params: Any) -> Any:
    with admin(seed) as http:
        response = http.get(path, params=params)
        response.raise_for_status()
        return response.json()


def issues_with_subject(seed: Seed, subject: str) -> list[dict[str, Any]]:
    found = get(seed, "/issues.json", status_id="*", subject=f"~{subject}", limit=100)["issues"]
    return [i for i in found if i["subject"] == subject]


def create_issue(seed: Seed, *, as_login: str | None = None, **fields: Any) -> dict[str, Any]:
    headers = {"X-Redmine-Switch-User": as_login} if as_login else {}
    body = {"project_id": seed.projects["alpha"], **fields}
    if "tracker_id" not in body:  # a Redmine seeded in Japanese has no "Bug": give its バグ
        body["tracker_id"] = seed.trackers["Bug"]
    with admin(seed) as http:
        response = http.post("/issues.json", json={"issue": body}, headers=headers)
        response.raise_for_status()
        issue: dict[str, Any] = response.json()["issue"]
        return issue


def journals(seed: Seed, issue_id: int) -> list[dict[str, Any]]:
    issue = get(seed, f"/issues/{issue_id}.json", include="journals,attachments")["issue"]
    result: list[dict[str, Any]] = issue.get("journals", [])
    return result


def count_issues(seed: Seed) -> int:
    return int(get(seed, "/issues.json", status_id="*", limit=1)["total_count"])


def count_time_entries(seed: Seed) -> int:
    return int(get(seed, "/time_entries.json", limit=1)["total_count"])


def update_issue(seed: Seed, issue_id: int, *, as_login: str | None = None, **fields: Any) -> None:
    """Change an issue (fields, `notes`, `private_notes`) as the admin or as `as_login`."""
    headers = {"X-Redmine-Switch-User": as_login} if as_login else {}
    with admin(seed) as http:
        response = http.put(f"/issues/{issue_id}.json", json={"issue": fields}, headers=headers)
        response.raise_for_status()


def add_watcher(seed: Seed, issue_id: int, user_id: int) -> None:
    with admin(seed) as http:
        response = http.post(f"/issues/{issue_id}/watchers.json", json={"user_id": user_id})
        response.raise_for_status()
