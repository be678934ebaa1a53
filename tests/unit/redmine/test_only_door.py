"""The adapter in bot/redmine/ is the only door to Redmine.

Everything else reads and writes through the resource groups (`redmine.issues.get(...)`),
never through the raw client (`redmine.client.get("/issues/1.json")`), so no Redmine path
is built outside bot/redmine/. The source is walked with `ast`, so a comment or a string
that mentions `.client.get` does not count; only real attribute access does.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.redmine.client import RedmineClient

ROOT = Path(__file__).resolve().parents[3]
CHECKED = ("bot", "handlers")
ADAPTER = ROOT / "bot" / "redmine"

# Every public member of the raw client: `<anything>.client.<member>` is a raw use.
CLIENT_MEMBERS = frozenset(name for name in dir(RedmineClient) if not name.startswith("_"))


def raw_client_uses(source: str) -> list[tuple[int, str]]:
    """(line, `x.client.member`) for every access to a raw client member in `source`."""
    uses = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in CLIENT_MEMBERS
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "client"
        ):
            uses.append((node.lineno, f"{ast.unparse(node.value)}.{node.attr}"))
    return sorted(uses)


def checked_files() -> list[Path]:
    files = [path for folder in CHECKED for path in sorted((ROOT / folder).rglob("*.py"))]
    return [path for path in files if ADAPTER not in path.parents]


def test_the_checker_finds_raw_calls_and_ignores_comments_and_strings() -> None:
    source = (
        "async def f(redmine, services):\n"
        "    # redmine.client.get('/issues/1.json') in a comment does not count\n"
        "    text = 'services.redmine.client.get_cached(...)'\n"
        "    await redmine.client.get('/issues/1.json')\n"
        "    await services.redmine.client.request('GET', '/x.json')\n"
        "    key = redmine.client.acting_as\n"
        "    await redmine.issues.get(1)\n"
    )
    assert raw_client_uses(source) == [
        (4, "redmine.client.get"),
        (5, "services.redmine.client.request"),
        (6, "redmine.client.acting_as"),
    ]


def test_the_checked_tree_is_the_real_one() -> None:
    files = checked_files()
    assert ROOT / "bot" / "notify" / "poller.py" in files
    assert ROOT / "handlers" / "__init__.py" in files or any(
        path.parent == ROOT / "handlers" for path in files
    )
    assert not any(ADAPTER in path.parents for path in files)
    assert {"get", "get_cached", "request", "post", "put", "delete"} <= CLIENT_MEMBERS


def test_no_raw_redmine_client_outside_the_adapter() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {use}"
        for path in checked_files()
        for line, use in raw_client_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use a resource group in bot/redmine/ instead:\n" + "\n".join(found)
