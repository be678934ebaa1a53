"""The service's Prometheus metrics, for `GET /metrics`.

Each app owns one `Metrics` with its own registry (not prometheus_client's global one),
so tests and several apps in one process never share or collide on a series. Labels
never carry an id, a key or a login: Redmine requests are labelled by resource kind.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["CONTENT_TYPE", "Metrics", "resource_kind"]

# Slack wants an answer within 3 s; Redmine calls and cycles can take longer.
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
REDMINE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CYCLE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)


def resource_kind(path: str) -> str:
    """`/issues/42.json` -> `issues`: the first path segment, never an id or a name."""
    first = path.strip("/").split("/", 1)[0].split("?", 1)[0]
    kind = first.removesuffix(".json").removesuffix(".xml")
    return kind if kind.replace("_", "").isalpha() else "other"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.slack_ack_seconds = Histogram(
            "redmine_slack_slack_ack_seconds",
            "Time from a request's arrival at /slack/events to the HTTP answer.",
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.slack_requests = Counter(
            "redmine_slack_slack_requests",
            "Requests to /slack/events by HTTP status of the answer.",
            ["status"],
            registry=r,
        )
        self.redmine_request_seconds = Histogram(
            "redmine_slack_redmine_request_seconds",
            "Redmine requests (each attempt) by method, resource kind and outcome.",
            ["method", "resource", "outcome"],
            buckets=REDMINE_BUCKETS,
            registry=r,
        )
        self.poll_cycle_seconds = Histogram(
            "redmine_slack_poll_cycle_seconds",
            "Duration of one notification poll cycle.",
            buckets=CYCLE_BUCKETS,
            registry=r,
        )
        self.poll_cycles = Counter(
            "redmine_slack_poll_cycles",
            "Notification poll cycles by outcome (ok, skipped, failed).",
            ["outcome"],
            registry=r,
        )
        self.journals_seen = Counter(
            "redmine_slack_journals_seen",
            "Journals of changed issues the poller looked at for a subscription.",
            registry=r,
        )
        self.delivery_lag_seconds = Histogram(
            "redmine_slack_delivery_lag_seconds",
            "Time from a journal's created_on in Redmine to its message in Slack.",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.messages_posted = Counter(
            "redmine_slack_messages_posted", "Notification messages Slack took.", registry=r
        )
        self.messages_failed = Counter(
            "redmine_slack_messages_failed",
            "Notification messages given up on (refused, or out of attempts).",
            registry=r,
        )
        self.messages_retried = Counter(
            "redmine_slack_messages_retried",
            "Attempts to post a notification that were repeated after a failure.",
            registry=r,
        )
        self.rate_limited_waits = Counter(
            "redmine_slack_rate_limited_waits",
            "Waits a notification made because Slack answered 429 (ratelimited).",
            registry=r,
        )

        self.poll_last_cycle_finished = Gauge(
            "redmine_slack_poll_last_cycle_finished_seconds",
            "Unix time the last notification poll cycle finished (ran, failed or skipped).",
            registry=r,
        )
        self.poll_cycles_cancelled = Counter(
            "redmine_slack_poll_cycles_cancelled",
            "Poll cycles (and webhook work) the watchdog cancelled for running past its bound.",
            registry=r,
        )
        self.deadlines_passed = Counter(
            "redmine_slack_deadlines_passed",
            "Awaits of the notifier, scheduler and delivery given up at their deadline, by "
            "what was waited on (slack, redmine, lease, lock, pacing, send).",
            ["waited_on"],
            registry=r,
        )
        self.history_lookups = Counter(
            "redmine_slack_history_lookups",
            "Slack history reads made to find a post left pending by a crash or a deadline.",
            ["found"],
            registry=r,
        )

    def observe_redmine(self, method: str, path: str, outcome: str, seconds: float) -> None:
        self.redmine_request_seconds.labels(method.upper(), resource_kind(path), outcome).observe(
            seconds
        )

    def value(self, name: str, **labels: str) -> float:
        """One sample's value as exposed (e.g. `..._count`), 0 when absent. For tests."""
        found = self.registry.get_sample_value(name, labels)
        return 0.0 if found is None else found

    def render(self) -> bytes:
        return generate_latest(self.registry)
