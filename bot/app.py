"""The Starlette app: its lifespan owns every resource; Bolt answers Slack on /slack/events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import slackguard, slackhttp
from bot.config import Settings
from bot.identity import IdentityResolver
from bot.metrics import Metrics
from bot.notify.poller import Poller
from bot.notify.webhook import make_endpoint
from bot.redmine import Redmine, RedmineClient, RedmineError
from bot.services import Services
from bot.slackfiles import SlackFiles
from bot.slackreplay import ReplayGuard
from bot.store import db

log = logging.getLogger(__name__)

# Registers the Slack listeners on the Bolt app. Passed in so that bot/ never imports
# handlers/ (the dependency points one way: handlers -> bot).
Registrar = Callable[[AsyncApp, Services], None]


async def is_admin_key(redmine: Redmine) -> bool:
    """Whether REDMINE_API_KEY belongs to an administrator (impersonation needs one)."""
    return (await redmine.users.current()).admin


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Create and later close everything the service shares: HTTP pools, database, identity."""
    async with AsyncExitStack() as stack:
        client = RedmineClient(
            settings.redmine_base_url,
            settings.redmine_api_key.get_secret_value(),
            timeout=settings.redmine_timeout,
        )
        stack.push_async_callback(client.aclose)
        redmine = Redmine(client)
        slack = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_base_url,
        )
        # Downloads of Slack files; kept apart from Redmine's pool so no header can cross.
        slack_http = httpx.AsyncClient(
            timeout=httpx.Timeout(60.0, connect=10.0), follow_redirects=False
        )
        stack.push_async_callback(slack_http.aclose)
        files = SlackFiles(
            slack_http, settings.slack_bot_token.get_secret_value(), settings.slack_api_base_url
        )
        engine = db.create_engine(settings.database_url)
        stack.push_async_callback(engine.dispose)
        await db.migrate(engine)
        sessions = db.session_factory(engine)
        try:
            admin_mode = await is_admin_key(redmine)
        except RedmineError as error:
            # Start anyway (readyz reports it); assume impersonation until Redmine answers.
            log.warning("could not ask Redmine whether the API key is an admin's: %s", error)
            admin_mode = True
        identity = IdentityResolver(
            redmine=redmine,
            slack=slack,
            sessions=sessions,
            admin_mode=admin_mode,
            secret_key=settings.secret_key.get_secret_value() if settings.secret_key else None,
        )
        services = Services(
            settings=settings,
            redmine=redmine,
            slack=slack,
            engine=engine,
            sessions=sessions,
            identity=identity,
            admin_mode=admin_mode,
            files=files,
        )
        services.notifier = Poller(services)
        yield services


def create_bolt_app(services: Services, register: Registrar) -> AsyncApp:
    settings = services.settings
    bolt = AsyncApp(
        client=services.slack,
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        # /slack/events checks size, signature and timestamp before anything is parsed
        # (bot/slackhttp.py); Bolt's own check runs after its parse and logs whole bodies.
        # Socket Mode requests arrive over an authenticated websocket, not signed HTTP.
        request_verification_enabled=False,
        process_before_response=False,
        # A request no listener takes goes to the error handler (handlers/errors.py),
        # which acks it, instead of Bolt's 404 and a log line holding part of the body.
        raise_error_for_unhandled_request=True,
        logger=logging.getLogger("slack_bolt"),
    )
    slackguard.install(bolt, ReplayGuard(services.sessions))
    register(bolt, services)
    return bolt


async def connect_socket_mode(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler | None:
    """With SLACK_APP_TOKEN, Slack's requests arrive over a websocket: no public URL needed."""
    if settings.slack_app_token is None:
        return None
    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value())
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
    except Exception as error:  # aiohttp and Slack errors alike: say it plainly and stop
        raise RuntimeError(
            f"Socket Mode could not connect ({type(error).__name__}); check SLACK_APP_TOKEN "
            "(an app-level token with connections:write) and that Socket Mode is on."
        ) from None
    log.info("connected to Slack by Socket Mode")
    return handler


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    services: Services = request.app.state.services
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(services.redmine.trackers.all(), timeout=5)
        checks["redmine"] = "ok"
    except (RedmineError, TimeoutError) as error:
        checks["redmine"] = f"unreachable: {type(error).__name__}"
    checks["database"] = "ok" if await db.ping(services.engine) else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


def create_app(
    settings: Settings,
    register: Registrar,
    *,
    background: Callable[[Services], list[Any]] | None = None,
) -> Starlette:
    """The web app. `background(services)` returns coroutines to run beside it (the poller)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_services(settings) as services:
            bolt = create_bolt_app(services, register)
            app.state.services = services
            app.state.bolt = bolt
            app.state.replays = ReplayGuard(services.sessions)
            app.state.metrics = metrics
            secret = settings.redmine_webhook_secret
            app.state.webhook = (
                make_endpoint(secret.get_secret_value(), services.notifier) if secret else None
            )
            socket_mode = await connect_socket_mode(bolt, settings)
            tasks = [
                asyncio.create_task(job) for job in (background(services) if background else [])
            ]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                if socket_mode is not None:
                    await socket_mode.close_async()  # type: ignore[no-untyped-call]

    metrics = Metrics()

    async def slack_events(request: Request) -> Response:
        secret = settings.slack_signing_secret
        response = await slackhttp.handle(
            request,
            request.app.state.bolt,
            secret.get_secret_value() if secret else None,
            request.app.state.replays,
        )
        metrics.inc("redmine_slack_slack_requests_total", status=str(response.status_code))
        return response

    async def metrics_endpoint(_: Request) -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    async def redmine_webhook(request: Request) -> Response:
        endpoint = request.app.state.webhook
        if endpoint is None:
            return JSONResponse({"error": "set REDMINE_WEBHOOK_SECRET to enable webhooks"}, 404)
        response: Response = await endpoint(request)
        return response

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/webhooks/redmine", redmine_webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/", lambda _: PlainTextResponse("redmine-slack\n"), methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
