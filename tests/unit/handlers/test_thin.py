"""Handlers are wiring: what a person does with Redmine is an action in bot/actions/.

A listener that reads or writes a Redmine resource itself (`redmine.issues.get(...)`)
grows logic that no other surface can reach; this finds any, by reading the source.
"""

from __future__ import annotations

import ast
from functools import cached_property
from pathlib import Path

from bot.redmine import Redmine

ROOT = Path(__file__).resolve().parents[3]
RESOURCES = {name for name, value in vars(Redmine).items() if isinstance(value, cached_property)}


def resource_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr in RESOURCES:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if "redmine" in name.lower():
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
    return found


def test_the_resources_are_known() -> None:
    assert {"issues", "projects", "users", "time_entries"} <= RESOURCES


def test_the_check_sees_a_resource_use(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("async def f(redmine):\n    return await redmine.issues.get(1)\n")
    assert resource_uses(probe) == ["probe.py:2 .issues"]


def test_no_listener_touches_a_redmine_resource() -> None:
    uses = [
        use for path in sorted((ROOT / "handlers").rglob("*.py")) for use in resource_uses(path)
    ]
    assert uses == []
