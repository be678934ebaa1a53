"""The long-lived resources one running service shares, created by the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.metrics import Metrics
from bot.notify.health import NotifierHealth
from bot.notify.webhook_queue import WebhookQueue
from bot.redmine import Redmine
from bot.redmine.cache import TTLCache
from bot.slack.web.files import SlackFiles
from bot.slack.web.pace import SlackRateLimits
from bot.slack.web.reads import USER_TTL
from bot.slack.web.respond import ResponseSessions

FLEXPANE_TTL = 3600.0  # seconds: a panel left open longer is reopened before an edit

if TYPE_CHECKING:
    from bot.people.identity import IdentityResolver


@dataclass
class Services:
    """Handed to every Slack listener and background task; owns nothing it did not get."""

    settings: Settings
    redmine: Redmine  # acts with REDMINE_API_KEY; handlers use identity views, never this
    slack: AsyncWebClient
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    identity: IdentityResolver
    admin_mode: bool  # REDMINE_API_KEY is an admin's: impersonation works
    files: SlackFiles
    # Issue ids the webhook endpoint received, for the poller (whichever process runs it).
    webhook_queue: WebhookQueue = field(default_factory=WebhookQueue)
    # Slack's Retry-After per method and conversation, for every call (bot.slack.web.pace).
    slack_limits: SlackRateLimits = field(default_factory=SlackRateLimits)
    # users.info answers shared by every request (see bot.slack.web.reads.SlackReads).
    slack_users: TTLCache = field(default_factory=lambda: TTLCache(USER_TTL))
    # The app's Prometheus metrics (bot.metrics); its own registry, served at /metrics.
    metrics: Metrics = field(default_factory=Metrics)
    # (Slack user, issue id) -> the issue's version their flexpane shows, for the "changed
    # since you opened it" check of a flexpane edit: Slack's edit payload names only the
    # entity (handlers/flexpane.py). Per process: an edit reaching another replica, or
    # after FLEXPANE_TTL, is refused with "open it again", never written blind.
    flexpanes: TTLCache = field(default_factory=lambda: TTLCache(FLEXPANE_TTL))
    # Whether this process's poller makes progress (bot.notify.health), for /readyz.
    notifier_health: NotifierHealth = field(default_factory=NotifierHealth)
    # The HTTP session `respond` answers response URLs through (bot.slack.web.respond).
    responses: ResponseSessions = field(default_factory=ResponseSessions)
