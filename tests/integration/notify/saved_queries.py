"""Saved queries made the way people make them: through Redmine's own web form.

Redmine 5's REST API only reads queries (`GET /queries.json`), so the tests log in as the
person and post the "New query" form, as a browser would.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx

from tests.redmine_server import PASSWORD, Seed

_TOKEN = re.compile(r'name="authenticity_token" value="([^"]+)"')
_CREATED = re.compile(r"query_id=(\d+)")
PUBLIC, PRIVATE = "2", "0"  # Query::VISIBILITY_PUBLIC, VISIBILITY_PRIVATE


def _token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no authenticity_token in Redmine's form"
    return found.group(1)


def create_query(
    seed: Seed,
    *,
    login: str,
    name: str,
    project: str,
    filters: dict[str, list[str]],
    visibility: str = PUBLIC,
) -> int:
    """A saved issue query of `project` (all statuses) made by `login`; its id."""
    with httpx.Client(base_url=seed.url, timeout=30) as browser:
        form = browser.get("/login")
        signed_in = browser.post(
            "/login",
            data={"username": login, "password": PASSWORD, "authenticity_token": _token(form.text)},
        )
        # Redmine answers a good login with a redirect away from /login.
        assert signed_in.status_code == 302, signed_in.status_code
        assert "/login" not in signed_in.headers.get("location", ""), "login refused"
        new = browser.get(f"/projects/{project}/queries/new")
        new.raise_for_status()
        fields: list[tuple[str, str]] = [
            ("authenticity_token", _token(new.text)),
            ("query[name]", name),
            ("query[visibility]", visibility),
            ("f[]", "status_id"),
            ("op[status_id]", "*"),
        ]
        for field, values in filters.items():
            fields += [("f[]", field), (f"op[{field}]", "=")]
            fields += [(f"v[{field}][]", value) for value in values]
        created = browser.post(
            f"/projects/{project}/queries",
            content=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        found = _CREATED.search(created.headers.get("location", ""))
        assert created.status_code == 302 and found, created.text[:500]
        return int(found.group(1))
