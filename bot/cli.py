"""`redmine-slack`: serve, web, poll, check, migrate."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.config import Settings, SettingsError, load_settings
from bot.logging import configure_logging

if TYPE_CHECKING:
    import uvicorn


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value configured, for the log filter to scrub."""
    from pydantic import SecretStr

    return [v.get_secret_value() for v in vars(settings).values() if isinstance(v, SecretStr)]


def server_config(app: Any, settings: Settings) -> uvicorn.Config:
    """How uvicorn serves the app. `log_config=None`: uvicorn installs no handlers of its
    own, so its access and error lines go through the root handler's secret filter."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,
        proxy_headers=True,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redmine-slack", description="Work in Redmine from Slack."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="web server and notification poller in one process")
    sub.add_parser("web", help="web server only (run `poll` elsewhere)")
    poll = sub.add_parser("poll", help="the notification poller only")
    poll.add_argument("--once", action="store_true", help="run one cycle and exit (for cron)")
    poll.add_argument(
        "--since", help="on first start, deliver changes since this date (YYYY-MM-DD or ISO time)"
    )
    sub.add_parser("check", help="verify the Redmine and Slack settings")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, secrets_of(settings))

    if args.command == "check":
        from bot.check import check_redmine, check_slack

        async def run_checks() -> bool:
            findings = [*await check_redmine(settings), *await check_slack(settings)]
            for finding in findings:
                print(finding.line())
            return all(f.ok for f in findings)

        ok = asyncio.run(run_checks())
        print(
            "All good." if ok else "Fix the FAIL lines above, then run `redmine-slack check` again."
        )
        return 0 if ok else 1

    if args.command == "migrate":
        from bot.store import db

        async def run_migrations() -> None:
            engine = db.create_engine(settings.database_url)
            try:
                await db.migrate(engine)
            finally:
                await engine.dispose()

        asyncio.run(run_migrations())
        print("Database schema is up to date.")
        return 0

    if args.command in {"serve", "web"}:
        import uvicorn

        from bot.app import create_app
        from bot.notify.runner import poller_jobs, webhook_jobs
        from handlers import register_all

        background = poller_jobs if args.command == "serve" else webhook_jobs
        app = create_app(settings, register_all, background=background)
        uvicorn.Server(server_config(app, settings)).run()
        return 0

    if args.command == "poll":
        from bot.notify.runner import run_poller

        exit_code: int = asyncio.run(run_poller(settings, once=args.once, since=args.since))
        return exit_code
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
