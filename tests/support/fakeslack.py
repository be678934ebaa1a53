"""A small local fake of Slack's Web API, reached through SLACK_API_URL.

Slack's SDK client runs on aiohttp, which respx cannot see, so the tests point
SLACK_API_URL here (as bolt-python's own tests do). It records every call with its
arguments and the token it carried, answers like Slack for the methods the app uses,
serves `response_url` posts and private file downloads, and can be told to fail.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_TOKEN = "xoxb-test-bot-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    error: str
    status: int = 200
    retry_after: int | None = None
    times: int = 1


@dataclass
class FakeSlack:
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    # Sent as auth.test's X-OAuth-Scopes header, as Slack does, when set.
    scopes: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- set-up -------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.users.clear()
            self.channels.clear()
            self.files.clear()
            self.file_bytes.clear()
            self.failures.clear()
            self.scopes = None

    def add_user(
        self, user_id: str, email: str | None, *, name: str = "", tz: str = "Europe/Berlin"
    ) -> None:
        profile: dict[str, Any] = {"real_name": name or user_id, "display_name": name or user_id}
        if email is not None:
            profile["email"] = email
        self.users[user_id] = {
            "id": user_id,
            "name": name or user_id,
            "real_name": name or user_id,
            "tz": tz,
            "deleted": False,
            "is_bot": False,
            "profile": profile,
        }

    def add_channel(self, channel_id: str, *, private: bool = False, member: bool = True) -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_private": private,
            "is_member": member,
            "is_archived": False,
        }

    def add_file(
        self, file_id: str, name: str, content: bytes, mimetype: str = "text/plain"
    ) -> None:
        self.file_bytes[file_id] = content
        self.files[file_id] = {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "size": len(content),
            "url_private_download": f"{self.base_url}files/{file_id}/{name}",
            "url_private": f"{self.base_url}files/{file_id}/{name}",
        }

    def fail(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        self.failures.setdefault(method, []).append(Failure(error, status, retry_after, times))

    def response_url(self, key: str = "cmd") -> str:
        return f"{self.base_url}response/{key}"

    # -- reading what happened ---------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda _: True,
        *,
        count: int = 1,
        timeout: float = 15.0,
    ) -> list[Call]:
        """Wait until `count` calls of `method` match; the app works after its ack."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.of(method) if predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() > deadline:
                seen = [(c.method, _short(c.args)) for c in self.calls]
                raise AssertionError(f"no {count}x {method} within {timeout}s; calls: {seen}")
            time.sleep(0.02)

    # -- the HTTP side -----------------------------------------------------------------

    async def _args(self, request: Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query_params)
        body = await request.body()
        if not body:
            return args
        if request.headers.get("content-type", "").startswith("application/json"):
            args.update(json.loads(body))
        else:
            form = await request.form()
            args.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in ("blocks", "view", "attachments"):  # form posts carry these as JSON text
            if isinstance(args.get(key), str):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        return args

    async def api(self, request: Request) -> Response:
        method = request.path_params["method"]
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        args = await self._args(request)
        token = token or args.pop("token", None)
        with self._lock:
            self.calls.append(Call(method, args, token))
            queue = self.failures.get(method)
            failure = queue[0] if queue else None
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)  # type: ignore[union-attr]
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return JSONResponse({"ok": False, "error": failure.error}, failure.status, headers)
        if token != BOT_TOKEN:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        headers = {"X-OAuth-Scopes": self.scopes} if self.scopes is not None else {}
        return JSONResponse(self.answer(method, args), headers=headers)

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return {
                **ok,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "team": "Test",
                "user": "redmine",
                "url": "https://test.slack.invalid/",
            }
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {**ok, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "users.lookupByEmail":
            email = str(args.get("email", "")).lower()
            for user in self.users.values():
                if user["profile"].get("email", "").lower() == email:
                    return {**ok, "user": user}
            return {"ok": False, "error": "users_not_found"}
        if method == "conversations.info":
            channel = self.channels.get(str(args.get("channel")))
            return (
                {**ok, "channel": channel}
                if channel
                else {"ok": False, "error": "channel_not_found"}
            )
        if method == "conversations.join":
            channel = self.channels.get(str(args.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            channel["is_member"] = True
            return {**ok, "channel": channel}
        if method in {"chat.postMessage", "chat.update"}:
            ts = args.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            return {
                **ok,
                "channel": args.get("channel"),
                "ts": ts,
                "message": {"text": args.get("text"), "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "chat.getPermalink":
            return {
                **ok,
                "permalink": f"https://test.slack.invalid/archives/{args.get('channel')}/p{str(args.get('message_ts', '')).replace('.', '')}",
            }
        if method in {"views.open", "views.update", "views.push"}:
            view = args.get("view") if isinstance(args.get("view"), dict) else {}
            return {**ok, "view": {**view, "id": f"V{next(self._ts)}", "hash": "h1"}}
        if method == "files.info":
            file = self.files.get(str(args.get("file")))
            return {**ok, "file": file} if file else {"ok": False, "error": "file_not_found"}
        if method == "conversations.replies":
            return {
                **ok,
                "messages": self.channels.get(str(args.get("channel")), {}).get("replies", []),
            }
        return ok

    async def respond(self, request: Request) -> Response:
        body = json.loads(await request.body() or b"{}")
        with self._lock:
            self.calls.append(
                Call("response_url", {"key": request.path_params["key"], **body}, None)
            )
        return Response("ok")

    async def download(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        with self._lock:
            self.calls.append(
                Call("file_download", {"file": file_id}, request.headers.get("authorization"))
            )
        if request.headers.get("authorization") != f"Bearer {BOT_TOKEN}":
            return Response("login page", 200, media_type="text/html")  # what Slack does
        if file_id not in self.file_bytes:
            return Response("not found", 404)
        return Response(self.file_bytes[file_id], media_type="application/octet-stream")

    def asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self.api, methods=["GET", "POST"]),
                Route("/response/{key}", self.respond, methods=["POST"]),
                Route("/files/{file_id}/{name}", self.download, methods=["GET"]),
            ]
        )


def _short(args: dict[str, Any]) -> str:
    text = json.dumps(args, default=str)
    return text if len(text) < 300 else text[:300] + "..."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerThread:
    """Runs an ASGI app under uvicorn on a loopback port in a background thread."""

    def __init__(self, app: Any, port: int | None = None, *, lifespan: str = "on") -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan=lifespan
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("server thread died during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 30 s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def start_fake_slack() -> tuple[FakeSlack, ServerThread]:
    fake = FakeSlack()
    server = ServerThread(fake.asgi(), lifespan="off")
    fake.base_url = f"{server.url}/"
    server.start()
    fake.base_url = f"{server.url}/"
    return fake, server
