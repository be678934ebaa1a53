"""The Starlette app: its lifespan owns every resource; Bolt answers Slack on /slack/events."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import async_default_handlers
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from bot.actions import connect_oauth
from bot.blocks.oauth import Page, connected_page, failed_page
from bot.config import Settings
from bot.i18n import translator_for, using
from bot.i18n.catalogs import load_all as load_catalogs
from bot.metrics import CONTENT_TYPE, Metrics
from bot.notify.webhook import make_endpoint
from bot.people.identity import IdentityResolver
from bot.people.oauth import CALLBACK_PATH, START_PATH, CallbackFailed, OAuthConnections
from bot.redmine import Redmine, RedmineClient, RedmineError
from bot.redmine.errors import RedmineUnavailable
from bot.services import Services
from bot.slack.door import guard, route
from bot.slack.door.door import Door
from bot.slack.web.files import SlackFiles
from bot.slack.web.pace import RetryAfterHandler, SlackRateLimits
from bot.store import db

log = logging.getLogger(__name__)

# Registers the Slack listeners on the Bolt app. Passed in so that bot/ never imports
# handlers/ (the dependency points one way: handlers -> bot).
Registrar = Callable[[AsyncApp, Services], None]


async def is_admin_key(redmine: Redmine) -> bool:
    """Whether REDMINE_API_KEY belongs to an administrator (impersonation needs one)."""
    return (await redmine.users.current()).admin


async def oauth_connections(
    settings: Settings, redmine: Redmine, sessions: async_sessionmaker[AsyncSession]
) -> OAuthConnections | None:
    """ "Connect with Redmine" where REDMINE_OAUTH_*, PUBLIC_URL and SECRET_KEY are set.

    Whether Redmine has OAuth2 is probed here once, so the first button needs no probe;
    where Redmine does not answer yet, the first offer asks (bounded).
    """
    if not (settings.oauth_configured and settings.redmine_oauth_client_secret):
        return None
    assert settings.secret_key is not None and settings.redmine_oauth_client_id is not None
    try:
        if not await asyncio.wait_for(redmine.has_oauth2(), settings.redmine_timeout):
            log.warning("REDMINE_OAUTH_* is set, but Redmine has no OAuth2 (6.1 or newer needed)")
    except (TimeoutError, RedmineError) as error:
        log.warning("could not ask Redmine whether it has OAuth2: %s", error)
    application = redmine.oauth_application(
        client_id=settings.redmine_oauth_client_id,
        client_secret=settings.redmine_oauth_client_secret.get_secret_value(),
        redirect_uri=settings.oauth_redirect_uri,
        scopes=settings.redmine_oauth_scopes,
    )
    return OAuthConnections(
        redmine=redmine,
        application=application,
        sessions=sessions,
        secret_key=settings.secret_key.get_secret_value(),
        public_url=str(settings.public_url),
    )


def create_slack_client(settings: Settings, limits: SlackRateLimits) -> AsyncWebClient:
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_base_url,
        # Bolt copies these into each request's client: every call obeys Retry-After.
        retry_handlers=[*async_default_handlers(), RetryAfterHandler(limits)],
    )


@asynccontextmanager
async def open_services(
    settings: Settings, metrics: Metrics | None = None
) -> AsyncIterator[Services]:
    """Create and later close everything the service shares: HTTP pools, database, identity."""
    metrics = metrics or Metrics()
    async with AsyncExitStack() as stack:
        client = RedmineClient(
            settings.redmine_base_url,
            settings.redmine_api_key.get_secret_value(),
            timeout=settings.redmine_timeout,
            observe=metrics.observe_redmine,
            ca_bundle=settings.redmine_ca_file,
        )
        stack.push_async_callback(client.aclose)
        redmine = Redmine(client)
        slack_limits = SlackRateLimits()
        slack = create_slack_client(settings, slack_limits)
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
            oauth=await oauth_connections(settings, redmine, sessions),
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
            slack_limits=slack_limits,
            metrics=metrics,
        )
        stack.push_async_callback(services.responses.aclose)
        yield services


def create_bolt_app(services: Services, register: Registrar, door: Door | None = None) -> AsyncApp:
    """`door` is the process's (bot/slack/door/door.py); without one, a door that was
    never started lets every event through, as safe as before, only costlier."""
    settings = services.settings
    bolt = AsyncApp(
        client=services.slack,
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        # /slack/events checks size, signature and timestamp before anything is parsed
        # (bot/slack/door/route.py); Bolt's own check runs after its parse and logs whole bodies.
        # Socket Mode requests arrive over an authenticated websocket, not signed HTTP.
        request_verification_enabled=False,
        process_before_response=False,
        # A request no listener takes goes to the error handler (handlers/errors.py),
        # which acks it, instead of Bolt's 404 and a log line holding part of the body.
        raise_error_for_unhandled_request=True,
        logger=logging.getLogger("slack_bolt"),
    )
    door = door or Door(
        services.sessions, settings.redmine_base_url, default_locale=settings.default_locale
    )
    guard.install(bolt, door)
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


def settle_heap() -> None:
    """Leave what start-up made out of every later garbage collection.

    The service starts with some 130,000 objects (modules, ORM mappers, pydantic models,
    Bolt's listeners) that live as long as it does. Python's full collections walk all of
    them each time: 85 ms of CPU here, a second of wall time on a busy 2-core machine,
    during which no request is acked (bench/ack_latency.py saw acks stall for seconds).
    Frozen, they are never walked again; what requests make is collected as before.
    """
    gc.collect()
    gc.freeze()


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


# An orchestrator asks often and wants a quick answer; a Redmine slower than this is
# as good as down for the people waiting on it.
READY_TIMEOUT = 2.0


async def redmine_readiness(redmine: Redmine) -> str:
    """ "ok", or why not: asked now (no cache), once, within READY_TIMEOUT."""
    try:
        await redmine.users.probe(READY_TIMEOUT)
    except RedmineUnavailable as error:
        return f"unreachable: {error.args[0]}"
    except RedmineError as error:
        return f"answers with an error: {error}"
    return "ok"


async def database_readiness(engine: AsyncEngine) -> str:
    try:
        reachable = await asyncio.wait_for(db.ping(engine), READY_TIMEOUT)
    except TimeoutError:
        return "unreachable: no answer in time"
    return "ok" if reachable else "unreachable"


async def readiness(services: Services) -> tuple[bool, dict[str, str]]:
    redmine, database = await asyncio.gather(
        redmine_readiness(services.redmine), database_readiness(services.engine)
    )
    checks = {"redmine": redmine, "database": database}
    health = services.notifier_health
    if health.running:  # only where a poller runs: it names itself when it stalls
        checks["notifier"] = health.stalled() or "ok"
    return all(value == "ok" for value in checks.values()), checks


async def readyz(request: Request) -> Response:
    ready, checks = await readiness(request.app.state.services)
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
        async with open_services(settings, metrics) as services:
            load_catalogs()  # every language compiled once here, never during a request
            door = Door(
                services.sessions,
                settings.redmine_base_url,
                services.engine,
                default_locale=settings.default_locale,
            )
            await door.start()
            bolt = create_bolt_app(services, register, door)
            app.state.services = services
            app.state.bolt = bolt
            app.state.door = door
            app.state.metrics = metrics
            secret = settings.redmine_webhook_secret
            app.state.webhook = (
                make_endpoint(secret.get_secret_value(), services.webhook_queue) if secret else None
            )
            socket_mode = await connect_socket_mode(bolt, settings)
            settle_heap()
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
                await door.close()

    metrics = Metrics()

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        secret = settings.slack_signing_secret
        response = await route.handle(
            request,
            request.app.state.bolt,
            secret.get_secret_value() if secret else None,
            request.app.state.door,
        )
        metrics.slack_ack_seconds.observe(time.perf_counter() - started)
        metrics.slack_requests.labels(str(response.status_code)).inc()
        return response

    async def metrics_endpoint(_: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    async def redmine_webhook(request: Request) -> Response:
        endpoint = request.app.state.webhook
        if endpoint is None:
            return JSONResponse({"error": "set REDMINE_WEBHOOK_SECRET to enable webhooks"}, 404)
        response: Response = await endpoint(request)
        return response

    def page(language: str | None, build: Callable[..., Page], *args: str) -> Response:
        """The callback's page, said in the person's language (carried in the state)."""
        with using(translator_for(language, settings.default_locale)):
            found = build(*args)
        return HTMLResponse(found.html, status_code=found.status)

    async def oauth_start(request: Request) -> Response:
        identity = request.app.state.services.identity
        try:
            url = connect_oauth.start(identity, request.query_params.get("link"))
        except CallbackFailed as failed:
            return page(failed.language, failed_page, failed.failure, failed.detail)
        return RedirectResponse(url, status_code=302)

    async def oauth_callback(request: Request) -> Response:
        services, query = request.app.state.services, request.query_params
        try:
            done = await connect_oauth.finish(
                services.identity,
                services.slack,
                state=query.get("state"),
                code=query.get("code"),
                error=query.get("error"),
            )
        except CallbackFailed as failed:
            return page(failed.language, failed_page, failed.failure, failed.detail)
        return page(done.language, connected_page, done.login, done.name)

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route(START_PATH, oauth_start, methods=["GET"]),
        Route(CALLBACK_PATH, oauth_callback, methods=["GET"]),
        Route("/webhooks/redmine", redmine_webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/", lambda _: PlainTextResponse("redmine-slack\n"), methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
