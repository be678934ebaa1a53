"""How notify is wired: one webhook queue shared by the endpoint and the poller, and
notify never reaching back into the app (bot/cli.py runs the poller, not bot/notify/)."""

from __future__ import annotations

import ast
import asyncio
import inspect
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from bot.notify.poller import Poller
from bot.notify.webhook import make_endpoint
from bot.notify.webhook_queue import WebhookQueue

NOTIFY = Path(__file__).resolve().parents[3] / "bot" / "notify"
SECRET = "unit-webhook-secret"


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_notify_never_imports_the_app_or_the_cli() -> None:
    files = sorted(NOTIFY.glob("*.py"))
    assert NOTIFY / "poller.py" in files
    offending = {
        f"{path.name}: {module}"
        for path in files
        for module in imported_modules(path)
        if module in {"bot.app", "bot.cli"} or module.startswith(("bot.app.", "handlers"))
    }
    assert offending == set()


def test_poller_takes_its_dependencies_not_the_services_bag() -> None:
    parameters = inspect.signature(Poller).parameters
    assert "services" not in parameters
    assert {"settings", "redmine", "slack", "sessions", "queue", "slack_limits"} <= set(parameters)


async def test_queue_keeps_arrival_order_and_times_out_empty() -> None:
    queue = WebhookQueue()
    assert await queue.get_within(0.01) is None
    for issue_id in (7, 3, 9):
        queue.put(issue_id)
    assert len(queue) == 3
    assert await queue.get() == 7
    assert queue.take_waiting() == [3, 9]
    assert queue.take_waiting() == [] and len(queue) == 0


async def test_the_endpoint_fills_the_queue_the_poller_drains() -> None:
    queue = WebhookQueue()
    app = Starlette(routes=[Route("/hook", make_endpoint(SECRET, queue), methods=["POST"])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        refused = await http.post("/hook?token=wrong", json={"issue": {"id": 5}})
        accepted = await http.post(f"/hook?token={SECRET}", json={"payload": {"issue": {"id": 42}}})
    assert refused.status_code == 401
    assert accepted.status_code == 202 and accepted.json() == {"queued": 42}
    assert await asyncio.wait_for(queue.get(), 1) == 42
    assert len(queue) == 0
