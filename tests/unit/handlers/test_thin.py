"""Handlers are wiring: what a person does with Redmine is an action in bot/actions/.

A listener that reads or writes a Redmine resource itself (`redmine.issues.get(...)`)
grows logic that no other surface can reach; this finds any, by reading the source.
"""

from __future__ import annotations

import ast
import inspect
from functools import cached_property
from pathlib import Path
from typing import cast

from slack_bolt.async_app import AsyncApp

from bot.redmine import Redmine
from bot.services import Services
from handlers import register_all

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


def registered_app() -> AsyncApp:
    """An app with every surface registered (AsyncApp asks Slack nothing until a request)."""
    app = AsyncApp(token="xoxb-test", signing_secret="secret")
    register_all(app, cast(Services, object()))
    return app


def registered_listeners() -> list[tuple[str, int]]:
    """(name, parameter count) of every function Bolt runs for a request, as registered."""
    app = registered_app()
    return [
        (f"{listener.ack_function.__module__}.{listener.ack_function.__qualname__}", params)
        for listener in app._async_listeners
        for params in [len(inspect.signature(listener.ack_function).parameters)]
    ]


def test_every_listener_takes_one_or_two_parameters() -> None:
    listeners = registered_listeners()
    assert len(listeners) > 40  # every surface registered: commands, actions, views, events
    assert [(name, n) for name, n in listeners if not 1 <= n <= 2] == []


def test_every_listener_takes_what_it_uses_from_asked() -> None:
    """`ack` for requests Slack waits on, `event` for Events API payloads, and `asked` for
    everything else; no listener names Bolt's other arguments one by one."""
    app = registered_app()
    names = {
        name
        for listener in app._async_listeners
        for name in inspect.signature(listener.ack_function).parameters
    }
    assert names == {"ack", "asked", "event"}


MAX_HANDLER_LINES = 40


def test_every_handler_function_is_at_most_40_lines() -> None:
    long = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_HANDLER_LINES:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []
