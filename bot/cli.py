"""`redmine-slack`: serve, web, poll, check, migrate.

What it says to the operator (help, start-up errors, `check`, `poll --once`'s report,
`migrate`) is in the operator's language (bot.config.operator_locale: DEFAULT_LOCALE,
then LC_ALL/LC_MESSAGES/LANG, then English). The command words and options stay
English; argparse's help words (usage, options, -h) are ours, only its error lines
(`error: the following arguments are required`) are Python's own English.
That language is held only while the operator is spoken to: the service it starts
(`serve`, `web`, the poller) speaks each person's and channel's own, never the terminal's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from bot.config import Settings, SettingsError, load_settings, operator_translator
from bot.i18n import _, using
from bot.logging import configure_logging

if TYPE_CHECKING:
    import uvicorn

    from bot.notify.deadlines import Deadlines
    from bot.notify.delivery import SlackDelivery
    from bot.notify.personal import PersonalNotifier
    from bot.notify.poller import Poller
    from bot.notify.scheduler import Scheduler
    from bot.services import Services


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


def parse_since(text: str | None) -> datetime | None:
    """`YYYY-MM-DD` or an ISO time; naive values are taken as UTC."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_poller(services: Services, **options: Any) -> Poller:
    """The poller, given what it needs from the running service (not the whole bag);
    it drains the same webhook queue the web app fills."""
    from bot.notify.deadlines import Deadlines
    from bot.notify.poller import Poller
    from bot.notify.query_matches import QueryMatcher
    from bot.notify.reply_recovery import ReplyRecovery

    options.setdefault("deadlines", Deadlines(services.metrics))
    if "personal" not in options:
        options["personal"] = build_personal(
            services, options.get("delivery"), deadlines=options["deadlines"]
        )
        if options["personal"] is not None:  # its DMs are the poller's progress too
            options["personal"].on_progress = services.notifier_health.progressed
    options.setdefault("query_matcher", QueryMatcher(services.identity, services.redmine))
    options.setdefault("health", services.notifier_health)
    options.setdefault("slack_users", services.slack_users)  # a DM's language, cached
    options.setdefault(
        "reply_recovery",
        ReplyRecovery(
            sessions=services.sessions,
            identity=services.identity,
            slack=services.slack,
            formatting=services.settings.redmine_text_formatting,
            deadlines=options["deadlines"],
        ),
    )
    return Poller(
        settings=services.settings,
        redmine=services.redmine,
        slack=services.slack,
        sessions=services.sessions,
        queue=services.webhook_queue,
        slack_limits=services.slack_limits,
        metrics=services.metrics,
        **options,
    )


def build_personal(
    services: Services,
    delivery: SlackDelivery | None = None,
    *,
    deadlines: Deadlines | None = None,
) -> PersonalNotifier | None:
    """Personal DMs need the admin key: they read each recipient's issue as that person
    and match Redmine users by mail. Without it (or when switched off) there are none."""
    from bot.notify.delivery import SlackDelivery
    from bot.notify.once import PendingPosts
    from bot.notify.personal import PersonalNotifier

    if not (services.admin_mode and services.settings.personal_notifications):
        return None
    return PersonalNotifier(
        settings=services.settings,
        redmine=services.redmine,
        slack=services.slack,
        sessions=services.sessions,
        delivery=delivery
        or SlackDelivery(
            services.slack,
            limits=services.slack_limits,
            metrics=services.metrics,
            deadlines=deadlines,
            pending=PendingPosts(
                services.sessions, services.slack, deadlines=deadlines, metrics=services.metrics
            ),
            on_answer=services.notifier_health.progressed,
        ),
        deadlines=deadlines,
    )


def build_scheduler(services: Services, poller: Poller, **options: Any) -> Scheduler:
    """The one scheduler (reminders, weekly summaries, digests), sending only while `poller`'s
    worker holds the notification lease."""
    from bot.actions.digests import DIGEST
    from bot.actions.remind import REMINDER, WEEKLY
    from bot.notify.digests import DigestSender
    from bot.notify.reminders import ReminderSender
    from bot.notify.scheduler import Scheduler

    base_url = services.settings.redmine_base_url
    reminders = ReminderSender(
        services.identity, services.slack, base_url, default_locale=services.settings.default_locale
    )
    digests = DigestSender(
        services.sessions,
        services.identity,
        services.slack,
        base_url,
        default_locale=services.settings.default_locale,
    )
    senders = {
        REMINDER: reminders.reminder,
        WEEKLY: reminders.weekly,
        DIGEST: digests.digest,
    }
    options.setdefault("deadlines", poller.deadlines)
    return Scheduler(services.sessions, senders, poller.exclusive, **options)


def poller_jobs(services: Services) -> list[Coroutine[Any, Any, None]]:
    """For `serve`: the poller runs beside the web app and takes the webhook's queue;
    the scheduler shares its hold on the notification lease."""
    poller = build_poller(services)
    return [poller.run_forever(), build_scheduler(services, poller).run_forever()]


def webhook_jobs(services: Services) -> list[Coroutine[Any, Any, None]]:
    """For `web`: no schedule here, but webhook nudges are still handled at once."""
    return [build_poller(services).consume_queue()]


async def run_poller(settings: Settings, *, once: bool, since: str | None) -> int:
    """`redmine-slack poll [--once] [--since]`: the poller alone, without the web app."""
    from bot.app import open_services

    operator = operator_translator(settings)
    try:
        start = parse_since(since)
    except ValueError:
        with using(operator):
            print(
                _(
                    "--since {value} is not a date: use YYYY-MM-DD or 2026-11-22T09:00:00Z",
                    value=repr(since),
                )
            )
        return 2
    async with open_services(settings) as services:
        poller = build_poller(services, since=start)
        scheduler = build_scheduler(services, poller)
        if once:
            await scheduler.tick()
            report = await poller.run_cycle_logged()
            if report is None:
                return 1
            with using(operator):
                if report.skipped:
                    print(_("another worker is delivering notifications right now; nothing done"))
                    return 0
                # Counts as "label: number", which needs no plural form in any language.
                print(
                    _(
                        "changed issues listed: {listed}, read: {fetched}, "
                        "messages posted: {posted}, left for next time: {failed}",
                        listed=report.listed,
                        fetched=report.fetched,
                        posted=report.posted,
                        failed=len(report.failed_issues),
                    )
                )
            return 0 if not report.failed_issues else 1
        await asyncio.gather(poller.run_forever(), scheduler.run_forever())
    return 0


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help with its one word of its own, "usage:", in the current language."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def _parser(
    make: Callable[..., argparse.ArgumentParser], *args: Any, **kwargs: Any
) -> tuple[argparse.ArgumentParser, Any]:
    """A parser made by `make` and its options group, which holds our own -h: argparse's
    own -h and section titles are English (Python ships no catalog for them)."""
    parser = make(*args, add_help=False, formatter_class=_HelpFormatter, **kwargs)
    options = parser.add_argument_group(_("options"))
    options.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    return parser, options


def build_parser() -> argparse.ArgumentParser:
    """The command line, its help in the current language (the words stay English)."""
    parser = _parser(
        argparse.ArgumentParser, prog="redmine-slack", description=_("Work in Redmine from Slack.")
    )[0]
    sub = parser.add_subparsers(title=_("commands"), dest="command", required=True)
    for name, said in [
        ("serve", _("web server and notification poller in one process")),
        ("web", _("web server only (run `poll` elsewhere)")),
        ("poll", _("the notification poller only")),
        ("check", _("verify the Redmine and Slack settings")),
        ("migrate", _("create or upgrade the database schema")),
    ]:
        options = _parser(sub.add_parser, name, help=said, description=said)[1]
        if name == "poll":
            options.add_argument(
                "--once", action="store_true", help=_("run one cycle and exit (for cron)")
            )
            options.add_argument(
                "--since",
                help=_("on first start, deliver changes since this date (YYYY-MM-DD or ISO time)"),
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with using(operator_translator()):
        args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, secrets_of(settings))
    operator = operator_translator(settings)

    if args.command == "check":
        from bot.check import check_redmine, check_slack

        async def run_checks() -> bool:
            findings = [*await check_redmine(settings), *await check_slack(settings)]
            for finding in findings:
                print(finding.line())
            return all(f.ok for f in findings)

        with using(operator):
            ok = asyncio.run(run_checks())
            print(
                _("All good.")
                if ok
                else _("Fix the FAIL lines above, then run `redmine-slack check` again.")
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
        with using(operator):
            print(_("Database schema is up to date."))
        return 0

    if args.command in {"serve", "web"}:
        import uvicorn

        from bot.app import create_app
        from handlers import register_all

        background = poller_jobs if args.command == "serve" else webhook_jobs
        app = create_app(settings, register_all, background=background)
        uvicorn.Server(server_config(app, settings)).run()
        return 0

    if args.command == "poll":
        exit_code: int = asyncio.run(run_poller(settings, once=args.once, since=args.since))
        return exit_code
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
