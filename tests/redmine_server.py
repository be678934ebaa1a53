"""A real Redmine for the test session: started from a pristine database and seeded.

`REDMINE_TEST_URL` and `REDMINE_TEST_API_KEY` point the tests at a Redmine you run
yourself (it is seeded idempotently, not reset). Otherwise `scripts/redmine-local.sh
fresh` installs (Debian, as root) and starts one on loopback. Where neither is possible
the integration tests are skipped with the reason, except under CI, where that fails.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "redmine-local.sh"
PASSWORD = "Password-123!"


@dataclass
class SeedUser:
    id: int
    login: str
    mail: str
    api_key: str


@dataclass
class Seed:
    """What the seeding created; ids are looked up, never assumed."""

    url: str
    admin_key: str
    users: dict[str, SeedUser] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)  # identifier -> id
    roles: dict[str, int] = field(default_factory=dict)  # name -> id
    trackers: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)
    priorities: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    group_id: int = 0


def redmine_version() -> str:
    """Which Redmine the tests run against: REDMINE_VERSION as scripts/redmine-local.sh
    reads it (5.0, 6.0 or 6.1; 5.0 when unset). Set it too when REDMINE_TEST_URL points
    at a Redmine of your own. Only tests of version differences read it: the app
    itself finds them by behaviour (bot/redmine/features.py)."""
    return os.environ.get("REDMINE_VERSION", "5.0")


def rails_runner(ruby: str) -> str:
    """`bin/rails runner` on the test Redmine's own database (scripts/redmine-local.sh
    runner): for what the REST API cannot do, such as adding a custom field. Only for a
    Redmine this session started; its last line of output is returned."""
    if os.environ.get("REDMINE_TEST_URL"):
        raise RedmineUnavailableForTests("bin/rails runner needs the Redmine this session starts")
    done = subprocess.run(
        ["bash", str(SCRIPT), "runner", ruby],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"rails runner failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


class RedmineUnavailableForTests(Exception):
    pass


# Redmine's default roles as its locale files name them (config/locales/<lang>.yml,
# default_role_*), by the English names the seeding plans with.
ROLE_NAMES = {
    "en": {"Manager": "Manager", "Developer": "Developer", "Reporter": "Reporter"},
    "ja": {"Manager": "管理者", "Developer": "開発者", "Reporter": "報告者"},
}


def japanese_redmine_port() -> str:
    """The port of the Redmine seeded with Japanese default data (`REDMINE_LANG=ja
    scripts/redmine-local.sh fresh`): REDMINE_JA_PORT, else five after REDMINE_PORT's
    (scripts/test.sh gives the versions REDMINE_PORT and the two ports after it)."""
    return os.environ.get("REDMINE_JA_PORT") or str(int(os.environ.get("REDMINE_PORT", "3100")) + 5)


def start_redmine(lang: str = "en") -> tuple[str, str]:
    """A fresh Redmine with Redmine's default data in `lang` (`en`: the session's own, on
    REDMINE_PORT; `ja`: a second instance on `japanese_redmine_port()`). A Redmine of your
    own: REDMINE_TEST_URL / REDMINE_TEST_API_KEY, for `ja` REDMINE_JA_TEST_URL /
    REDMINE_JA_TEST_API_KEY (one installed with REDMINE_LANG=ja)."""
    prefix = "REDMINE_TEST" if lang == "en" else f"REDMINE_{lang.upper()}_TEST"
    url, key = os.environ.get(f"{prefix}_URL"), os.environ.get(f"{prefix}_API_KEY")
    if url and key:
        return url.rstrip("/"), key
    if lang != "en" and os.environ.get("REDMINE_TEST_URL"):
        raise RedmineUnavailableForTests(
            f"REDMINE_TEST_URL points at a Redmine of your own: set {prefix}_URL and "
            f"{prefix}_API_KEY for one installed with REDMINE_LANG={lang}"
        )
    if os.geteuid() != 0 and not Path("/usr/share/redmine/bin/rails").exists():
        raise RedmineUnavailableForTests(
            "no Redmine: set REDMINE_TEST_URL and REDMINE_TEST_API_KEY, or run the tests as "
            "root so scripts/redmine-local.sh can install one"
        )
    done = subprocess.run(
        ["bash", str(SCRIPT), "fresh"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=_script_env(lang),
    )
    if done.returncode != 0:
        raise RedmineUnavailableForTests(
            f"scripts/redmine-local.sh fresh failed ({done.returncode}): {done.stderr[-2000:]}"
        )
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return values["REDMINE_TEST_URL"], values["REDMINE_TEST_API_KEY"]


def _script_env(lang: str) -> dict[str, str]:
    if lang == "en":
        return {k: v for k, v in os.environ.items() if k != "REDMINE_LANG"}
    return {**os.environ, "REDMINE_LANG": lang, "REDMINE_PORT": japanese_redmine_port()}


def stop_redmine(lang: str) -> None:
    """Stop the instance `start_redmine(lang)` started (not a Redmine of your own); the
    session's English one is left to whoever started the session (scripts/test.sh)."""
    prefix = "REDMINE_TEST" if lang == "en" else f"REDMINE_{lang.upper()}_TEST"
    if os.environ.get(f"{prefix}_URL"):
        return
    subprocess.run(
        ["bash", str(SCRIPT), "stop"],
        capture_output=True,
        timeout=120,
        check=False,
        env=_script_env(lang),
    )


class _Admin:
    def __init__(self, url: str, key: str) -> None:
        self.http = httpx.Client(base_url=url, headers={"X-Redmine-API-Key": key}, timeout=30.0)

    def __enter__(self) -> _Admin:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()  # an unclosed client's socket is a ResourceWarning, an error here

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: Any) -> Any:
        response = self.http.post(path, json=body)
        if response.status_code == 422:
            raise ValueError(response.json())
        response.raise_for_status()
        return response.json() if response.content.strip() else {}

    def put(self, path: str, body: Any) -> None:
        response = self.http.put(path, json=body)
        response.raise_for_status()


# Redmine's user statuses: active, registered, locked. Listed one by one, because
# "every status" is spelt `status=` on 5.0 and `status=*` on 6.x (each refuses the other's).
USER_STATUSES = (1, 2, 3)


def every_user(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    """Users of every status (admin key), on any Redmine version."""
    found: list[dict[str, Any]] = []
    for status in USER_STATUSES:
        response = http.get("/users.json", params={**params, "status": status, "limit": 100})
        response.raise_for_status()
        found += response.json()["users"]
    return found


def _names(items: list[dict[str, Any]]) -> dict[str, int]:
    return {item["name"]: item["id"] for item in items}


def seed(url: str, key: str, *, lang: str = "en") -> Seed:
    """Create users, projects, memberships, a category, a version and a group.

    Users: alice (Manager of both projects), bob (Developer in `alpha`, Reporter in
    `secret`), carol (locked), dave (active, in no project), erin (Reporter in `alpha`).
    Projects: `alpha` (public) with subproject `alpha-sub`, `secret` (private).
    `lang` is the language of the Redmine's default data (its role names); a Redmine
    seeded in Japanese (`ja`) has Aiko too: aiko, 田中 愛子, Developer (開発者) in `alpha`.
    """
    role_names = ROLE_NAMES[lang]
    with _Admin(url, key) as admin:
        result = Seed(url=url, admin_key=key)
        result.roles = _names(admin.get("/roles.json")["roles"])
        result.trackers = _names(admin.get("/trackers.json")["trackers"])
        result.statuses = _names(admin.get("/issue_statuses.json")["issue_statuses"])
        result.priorities = _names(
            admin.get("/enumerations/issue_priorities.json")["issue_priorities"]
        )
        result.activities = _names(
            admin.get("/enumerations/time_entry_activities.json")["time_entry_activities"]
        )

        existing = {u["login"]: u for u in every_user(admin.http)}
        people = {
            "alice": ("Alice", "Archer"),
            "bob": ("Bob", "Baker"),
            "carol": ("Carol", "Cooper"),
            "dave": ("Dave", "Dalton"),
            "erin": ("Erin", "Evans"),
        }
        if lang == "ja":
            people["aiko"] = ("愛子", "田中")
        for login, (first, last) in people.items():
            mail = f"{login}@example.com"
            if login in existing:
                user_id = existing[login]["id"]
            else:
                user_id = admin.post(
                    "/users.json",
                    {
                        "user": {
                            "login": login,
                            "firstname": first,
                            "lastname": last,
                            "mail": mail,
                            "password": PASSWORD,
                            "mail_notification": "none",
                        }
                    },
                )["user"]["id"]
            api_key = admin.get(f"/users/{user_id}.json")["user"].get("api_key", "")
            result.users[login] = SeedUser(id=user_id, login=login, mail=mail, api_key=api_key)
        # Lock carol after reading her key (status 3 = locked).
        admin.put(f"/users/{result.users['carol'].id}.json", {"user": {"status": 3}})

        projects = {p["identifier"]: p for p in admin.get("/projects.json", limit=100)["projects"]}
        all_trackers = list(result.trackers.values())
        wanted = [
            ("alpha", "Alpha", True, None),
            ("alpha-sub", "Alpha Sub", True, "alpha"),
            ("secret", "Secret", False, None),
        ]
        for identifier, name, public, parent in wanted:
            if identifier not in projects:
                body: dict[str, Any] = {
                    "name": name,
                    "identifier": identifier,
                    "is_public": public,
                    "tracker_ids": all_trackers,
                    "enabled_module_names": [
                        "issue_tracking",
                        "time_tracking",
                        "wiki",
                        "news",
                        "files",
                        "documents",
                        "boards",
                    ],
                }
                if parent:
                    body["parent_id"] = result.projects[parent]
                projects[identifier] = admin.post("/projects.json", {"project": body})["project"]
            result.projects[identifier] = projects[identifier]["id"]

        roles = result.roles
        plan = [
            ("alpha", "alice", "Manager"),
            ("alpha", "bob", "Developer"),
            ("alpha", "erin", "Reporter"),
            ("secret", "alice", "Manager"),
            ("secret", "bob", "Reporter"),
            ("alpha-sub", "alice", "Manager"),
        ]
        if lang == "ja":
            plan.append(("alpha", "aiko", "Developer"))
        for identifier, login, role in plan:
            members = admin.get(f"/projects/{identifier}/memberships.json", limit=100)[
                "memberships"
            ]
            if not any(m.get("user", {}).get("id") == result.users[login].id for m in members):
                admin.post(
                    f"/projects/{identifier}/memberships.json",
                    {
                        "membership": {
                            "user_id": result.users[login].id,
                            "role_ids": [roles[role_names[role]]],
                        }
                    },
                )

        categories = admin.get("/projects/alpha/issue_categories.json")["issue_categories"]
        if not any(c["name"] == "Backend" for c in categories):
            admin.post(
                "/projects/alpha/issue_categories.json", {"issue_category": {"name": "Backend"}}
            )
            categories = admin.get("/projects/alpha/issue_categories.json")["issue_categories"]
        result.categories = _names(categories)

        versions = admin.get("/projects/alpha/versions.json")["versions"]
        if not any(v["name"] == "1.0" for v in versions):
            admin.post("/projects/alpha/versions.json", {"version": {"name": "1.0"}})
            versions = admin.get("/projects/alpha/versions.json")["versions"]
        result.versions = _names(versions)

        groups = admin.get("/groups.json")["groups"]
        group = next((g for g in groups if g["name"] == "Testers"), None)
        if group is None:
            group = admin.post("/groups.json", {"group": {"name": "Testers"}})["group"]
        result.group_id = group["id"]
        return result


def register_oauth_application(name: str, redirect_uri: str, scopes: str) -> tuple[str, str]:
    """Register an OAuth2 application in the test Redmine (6.1+), as an admin does under
    Administration -> Applications: `scripts/redmine-local.sh oauth-app` runs Doorkeeper's
    model through `bin/rails runner` against this port's instance. (uid, secret)."""
    if os.environ.get("REDMINE_TEST_URL"):
        raise RedmineUnavailableForTests(
            "REDMINE_TEST_URL points at a Redmine of your own: register the application "
            "there by hand; only scripts/redmine-local.sh's instances can be set up here"
        )
    done = subprocess.run(
        ["bash", str(SCRIPT), "oauth-app", name, redirect_uri, scopes],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    values = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    if done.returncode != 0 or "OAUTH_CLIENT_ID" not in values:
        raise RuntimeError(f"registering the OAuth application failed: {done.stderr[-2000:]}")
    return values["OAUTH_CLIENT_ID"], values["OAUTH_CLIENT_SECRET"]
