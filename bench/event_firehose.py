"""A busy channel's chatter, none of it for us: ack p99, CPU per event, database rows.

    .venv/bin/python -m bench.event_firehose [--rate 100] [--duration 15] [--profile]

The bot is in a channel with a `replies:on` subscription (200 issue threads, 20 linked
threads), and Slack sends it every message there (`message.channels`). The load is
half top-level messages, half replies in threads nobody follows: nothing the app does
concerns them. The service (`redmine-slack web`, SQLite) and a bare Bolt app that
only acks get the same open loop (bench/open_loop.py) one after the other in this one
run; printed: ack
p50/p99 for both and their ratio, CPU per event of each process (/proc/<pid>/stat),
the rows the service's database gained, and the Redmine requests it made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.ack_latency import service_env, wait_until_up
from bench.open_loop import (
    VENV_BIN,
    Profiled,
    Request,
    Target,
    in_turn,
    print_profile,
    report,
    start,
)
from bot.store import db
from bot.store.models import IssueThread, LinkedThread, Subscription, utcnow
from tests.redmine_server import start_redmine
from tests.support.fakeslack import free_port
from tests.support.signing import signed_headers

CHANNEL = "CBUSY"
FOLLOWED_THREADS = 200
LINKED_THREADS = 20
# Threads people chat in that no subscription or link follows.
UNFOLLOWED = [f"1699990{n:03d}.000200" for n in range(50)]


async def seed_database(url: str) -> None:
    """The store as a team with a subscribed busy channel has it."""
    engine = db.create_engine(url)
    await db.migrate(engine)
    async with db.session_factory(engine)() as session:
        session.add(
            Subscription(
                channel_id=CHANNEL,
                project_id=1,
                project_identifier="alpha",
                project_name="Alpha",
                trackers=[],
                events=[],
                replies=True,
                created_by_slack_user="UALICE",
                created_by_login="alice",
            )
        )
        for n in range(FOLLOWED_THREADS):
            session.add(
                IssueThread(channel_id=CHANNEL, issue_id=n + 1, thread_ts=f"1700000{n:03d}.000100")
            )
        for n in range(LINKED_THREADS):
            session.add(
                LinkedThread(
                    channel_id=CHANNEL,
                    thread_ts=f"1700001{n:03d}.000100",
                    issue_id=n + 1,
                    linked_by_slack_user="UALICE",
                    created_at=utcnow(),
                )
            )
        await session.commit()
    await engine.dispose()


def chatter(run: str, n: int) -> str:
    """Slack's `message` event_callback (docs.slack.dev/reference/events/message;
    a reply carries `thread_ts` and `parent_user_id`)."""
    ts = f"{time.time():.6f}"
    event: dict[str, object] = {
        "type": "message",
        "channel": CHANNEL,
        "user": "UCHATTY",
        "text": f"chatter {n}, nothing for the bot",
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if n % 2:
        event |= {"thread_ts": UNFOLLOWED[n % len(UNFOLLOWED)], "parent_user_id": "UOTHER"}
    return json.dumps(
        {
            "token": "legacy-unused",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{run}{n:+06d}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": "T1", "user_id": "UBOT", "is_bot": True, "is_enterprise_install": False}
            ],
            "is_ext_shared_channel": False,
        }
    )


def rows(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def events() -> Request:
    run = uuid.uuid4().hex[:8]

    def request(n: int) -> tuple[str, dict[str, str]]:
        body = chatter(run, n)
        return body, signed_headers(body, content_type="application/json")

    return request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load")
    parser.add_argument("--profile", action="store_true", help="run the service under py-spy")
    parser.add_argument("--native", action="store_true", help="py-spy with C frames (slow)")
    args = parser.parse_args()
    os.environ.setdefault("REDMINE_PORT", "3198")
    redmine_url, key = start_redmine()
    support_port, service_port, bare_port = free_port(), free_port(), free_port()
    support = f"http://127.0.0.1:{support_port}"
    helper = [str(VENV_BIN / "python"), "-m", "bench.ack_support"]
    processes = [start([*helper, str(support_port), redmine_url, "0"])]
    profiled: Profiled | None = None
    try:
        wait_until_up(f"{support}/_state")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.sqlite3"
            database = f"sqlite+aiosqlite:///{path}"
            asyncio.run(seed_database(database))
            env = service_env(support, key, database, service_port)
            service_pid: int | None = None
            if args.profile:
                profiled = Profiled(Path(tmp) / "profile.txt", env, native=args.native)
            else:
                processes.append(start([str(VENV_BIN / "redmine-slack"), "web"], env))
                service_pid = processes[-1].pid
            processes.append(start([*helper, "--bare", str(bare_port), f"{support}/api/"]))
            bare_pid = processes[-1].pid
            service, bare = f"http://127.0.0.1:{service_port}", f"http://127.0.0.1:{bare_port}"
            wait_until_up(f"{service}/healthz", timeout=120)
            wait_until_up(f"{bare}/", timeout=60)
            print(
                f"message events in a subscribed channel, none for us, open loop "
                f"{args.rate:g}/s for {args.duration:g} s"
                + (" (service under py-spy)" if args.profile else "")
            )
            rows_before = rows(path)
            requests_before = len(httpx.get(f"{support}/_state").json()["requests"])
            bare_outcome, outcome = in_turn(
                [
                    Target("bare", f"{bare}/slack/events", events(), bare_pid),
                    Target("app", f"{service}/slack/events", events(), service_pid),
                ],
                rate=args.rate,
                duration=args.duration,
            )
            report("bare Bolt app", bare_outcome)
            report("redmine-slack", outcome)
            time.sleep(1.0)  # anything written after the acks lands too
            grown = {t: n - rows_before.get(t, 0) for t, n in rows(path).items()}
            requests = len(httpx.get(f"{support}/_state").json()["requests"]) - requests_before
            print(
                f"p99 redmine-slack / bare Bolt: {outcome.p99 / bare_outcome.p99:.2f}x "
                f"(goal <= 1.3x), p50 {outcome.p50 / bare_outcome.p50:.2f}x"
            )
            if outcome.cpu is not None and bare_outcome.cpu:
                ratio = outcome.cpu / bare_outcome.cpu
                print(f"CPU per event redmine-slack / bare Bolt: {ratio:.2f}x (goal <= 1.5x)")
            written = {t: n for t, n in grown.items() if n}
            print(f"database rows written: {sum(grown.values())} {written or ''}")
            print(f"Redmine requests: {requests}")
            if profiled is not None:
                profiled.stop()
                output, profiled = profiled.output, None
                print_profile(output)
    finally:
        if profiled is not None:
            profiled.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
