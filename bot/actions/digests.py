"""Daily digests: set up with a subscription (`digest:daily@HH:MM`), and gathered as the
subscriber each day: issues new, closed and updated in the last 24 hours, and open issues
overdue or due within three days.

Read as the person who subscribed, like a saved query, and private issues are left out
unless the subscription has `private:on` (allowed only in private channels): the same
rules as real-time notifications.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.daily_digest import DUE_SOON_DAYS, Digest
from bot.domain.recurrence import EVERY_DAY, key_at, zone_name
from bot.i18n import _
from bot.redmine import Redmine
from bot.redmine.issues import date_filter
from bot.redmine.models import Issue
from bot.store.models import Subscription
from bot.store.schedules import ScheduleRepository

DIGEST = "digest"


def digest_name(subscription_id: int) -> str:
    return f"{DIGEST}:{subscription_id}"


async def schedule_digest(
    session: AsyncSession, subscription: Subscription, zone: tzinfo, now: datetime
) -> None:
    """Keep the subscription's digest schedule in step with it: saved, moved or removed."""
    schedules = ScheduleRepository(session)
    name = digest_name(subscription.id)
    minute = subscription.digest_minute
    if minute is None:
        await schedules.remove(name)
        return
    await schedules.save(
        name,
        kind=DIGEST,
        owner=subscription.channel_id,
        minute_of_day=minute,
        timezone=zone_name(zone),
        weekdays=EVERY_DAY,
        payload={"subscription_id": subscription.id},
        last_key=key_at(now, minute, zone, EVERY_DAY),
    )


def is_closed(issue: Issue) -> bool:
    # Redmine 5 sends the status as {"id", "name", "is_closed"}.
    return bool(issue.status and (issue.status.model_extra or {}).get("is_closed"))


def _within(value: datetime | None, start: datetime, end: datetime) -> bool:
    return value is not None and start <= value < end


def assemble(
    title: str, start: datetime, end: datetime, today: date, issues: Iterable[Issue]
) -> Digest:
    """Sort what Redmine returned into the digest's lists (each issue once per list)."""
    seen: dict[int, Issue] = {}
    for issue in issues:
        seen.setdefault(issue.id, issue)
    ordered = sorted(seen.values(), key=lambda i: i.id)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    open_due = [i for i in ordered if not is_closed(i) and i.due_date is not None]
    return Digest(
        title=title,
        start=start,
        end=end,
        today=today,
        new=tuple(i for i in ordered if _within(i.created_on, start, end)),
        closed=tuple(i for i in ordered if is_closed(i) and _within(i.closed_on, start, end)),
        updated=tuple(i for i in ordered if _within(i.updated_on, start, end)),
        overdue=tuple(i for i in open_due if i.due_date and i.due_date < today),
        due_soon=tuple(i for i in open_due if i.due_date and today <= i.due_date <= soon),
    )


async def _project_issues(
    redmine: Redmine, sub: Subscription, start: datetime, end: datetime, today: date
) -> list[Issue]:
    """Two reads: everything changed in the window, and open issues due by the horizon."""
    scope: dict[str, object] = {}
    if not sub.include_subprojects:
        scope["subproject_id"] = "!*"  # Redmine's filter for "this project only"
    changed = [
        i
        async for i in redmine.issues.all(
            project_id=sub.project_id,
            status_id="*",
            filters={**scope, "updated_on": date_filter("><", start, end)},
        )
    ]
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    due = [
        i
        async for i in redmine.issues.all(
            project_id=sub.project_id,
            status_id="o",
            filters={**scope, "due_date": f"<={horizon.isoformat()}"},
        )
    ]
    return changed + due


async def collect_digest(
    redmine: Redmine, sub: Subscription, day: date, minute: int, zone: tzinfo
) -> Digest:
    """The digest due on `day` at `minute` (local), read as the subscriber (`redmine`)."""
    end = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    start = end - timedelta(days=1)
    if sub.query_id:
        # Redmine applies the saved query's own filters and no others: sorted here.
        issues = [
            i
            async for i in redmine.issues.of_query(sub.query_id, project_id=sub.project_id or None)
        ]
        title = sub.query_name or _("query #{id}", id=sub.query_id)
    else:
        issues = await _project_issues(redmine, sub, start, end, day)
        title = sub.project_name
    if not sub.private:
        issues = [i for i in issues if not i.is_private]
    return assemble(title, start, end, day, issues)
