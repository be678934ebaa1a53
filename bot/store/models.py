"""Tables. Datetimes are stored as naive UTC (portable across SQLite and Postgres)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class UserLink(Base):
    __tablename__ = "user_links"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    redmine_login: Mapped[str] = mapped_column(String(255))
    redmine_user_id: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))  # "api_key" | "email"
    encrypted_api_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint(
            "channel_id", "project_id", "query_id", name="uq_subscription_channel_project_query"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    project_id: Mapped[int] = mapped_column(Integer)
    project_identifier: Mapped[str] = mapped_column(String(255))
    project_name: Mapped[str] = mapped_column(String(255))
    trackers: Mapped[list[str]] = mapped_column(JSON, default=list)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    include_subprojects: Mapped[bool] = mapped_column(Boolean, default=False)
    threads: Mapped[bool] = mapped_column(Boolean, default=True)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    # `replies:on`: replies in the channel's issue threads become notes, as their authors.
    replies: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    created_by_slack_user: Mapped[str] = mapped_column(String(32))
    created_by_login: Mapped[str] = mapped_column(String(255))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A saved query's id (0: the whole project), evaluated by Redmine as the subscriber.
    query_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    query_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Set for a daily digest (local minutes after midnight) instead of real-time messages.
    digest_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # `lang:de`: the catalog (bot.i18n) the channel's messages are written in; None is
    # DEFAULT_LOCALE.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)


class PollerState(Base):
    __tablename__ = "poller_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    cursor: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class JournalDelivery:
    """A journal told to one recipient (a channel, a person): once per recipient and journal.

    Each table names its recipient column first; `recipient` says which it is."""

    recipient: ClassVar[str]
    journal_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    issue_id: Mapped[int] = mapped_column(Integer)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveredJournal(JournalDelivery, Base):
    __tablename__ = "delivered_journals"
    recipient = "channel_id"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-1)


class ThreadOfIssue:
    """The Slack message whose thread gathers one issue for one recipient (a channel,
    a person's DM); each table names its recipient column first."""

    issue_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IssueThread(ThreadOfIssue, Base):
    __tablename__ = "issue_threads"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-1)


class ImportedReply(Base):
    """A Slack reply taken into Redmine as a note: one row per message, ever.

    The primary key is the claim: whoever inserts (channel, ts) first imports the message,
    in any replica, after any restart. `journal_id` is filled once Redmine has the note;
    until then `redmine_user_id` and `note_digest` let the poller recognise the journal
    (Redmine's PUT answers 204 with no journal id), so it is never echoed back.
    """

    __tablename__ = "imported_replies"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    issue_id: Mapped[int] = mapped_column(Integer, index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    redmine_user_id: Mapped[int] = mapped_column(Integer)
    note_digest: Mapped[str] = mapped_column(String(64))
    journal_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LinkedThread(Base):
    """A Slack thread someone linked to an existing issue: its replies become notes
    until someone unlinks it (the `connect_thread` shortcut)."""

    __tablename__ = "linked_threads"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    issue_id: Mapped[int] = mapped_column(Integer)
    private: Mapped[bool] = mapped_column(Boolean, default=False)  # notes from it are private
    linked_by_slack_user: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotifyLease(Base):
    """Who may deliver notifications right now: one row, taken and renewed atomically."""

    __tablename__ = "notify_lease"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    holder: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime] = mapped_column(UTCDateTime)


class SeenSlackRequest(Base):
    """Slack requests already taken, shared by every replica: replays and retries are refused.

    `key` is a SHA-256 of what names the request (its signature, or an event's id), so the
    row length is fixed whatever a request carries. Rows are pruned once past `expires_at`.
    """

    __tablename__ = "seen_slack_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PersonalSettings(Base):
    """What a person wants to be told in a DM, and which list their App Home shows.

    No row means every notification is on (the default) and the first list is shown.
    """

    __tablename__ = "personal_settings"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    assigned: Mapped[bool] = mapped_column(Boolean, default=True)
    involved: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[bool] = mapped_column(Boolean, default=True)
    mentions: Mapped[bool] = mapped_column(Boolean, default=True)
    home_list: Mapped[str] = mapped_column(String(16), default="assigned")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DeliveredDM(JournalDelivery, Base):
    """A journal already told to a person in a DM."""

    __tablename__ = "delivered_dms"
    recipient = "slack_user_id"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-1)


class DMThread(ThreadOfIssue, Base):
    """The message in a person's DM whose thread gathers everything about one issue."""

    __tablename__ = "dm_threads"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True, sort_order=-1)
    channel_id: Mapped[str] = mapped_column(String(32))  # the DM's channel


class ScheduledSend(Base):
    """A send that recurs at a local time of day: a reminder, a weekly summary, a digest.

    `last_key` is the local date (YYYY-MM-DD) of the last occurrence taken, sent or
    skipped; a worker takes an occurrence by moving it forward in one conditional UPDATE,
    so of several replicas one sends, and a restart finds what was done.
    """

    __tablename__ = "scheduled_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)  # "reminder:U123", ...
    kind: Mapped[str] = mapped_column(String(16))  # reminder | weekly | digest
    owner: Mapped[str] = mapped_column(String(32))  # the Slack user or channel it goes to
    minute_of_day: Mapped[int] = mapped_column(Integer)  # local time, minutes after 00:00
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name, or "UTC+HH:MM"
    weekdays: Mapped[str] = mapped_column(String(7))  # ISO weekdays: "12345" Mon-Fri
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_key: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingPost(Base):
    """A message about to be posted, recorded before the post: if the process dies between
    Slack taking it and the delivery being recorded, the next attempt finds this row and
    looks the message up by `key` (sent in the message's metadata) before posting again."""

    __tablename__ = "pending_posts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OAuthToken(Base):
    """A person's Redmine OAuth2 tokens ("Connect with Redmine", Redmine 6.1+).

    Both tokens are encrypted with SECRET_KEY (`crypto.py`), like connected API keys.
    `refused_at` is set when Redmine refused the token and could not refresh it: the person
    must connect again, and nothing acts for them until then (no fallback to email).
    """

    __tablename__ = "oauth_tokens"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    redmine_login: Mapped[str] = mapped_column(String(255))
    redmine_user_id: Mapped[int] = mapped_column(Integer)
    encrypted_access_token: Mapped[str] = mapped_column(Text)
    encrypted_refresh_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    # None: Redmine issued a token that does not expire (access_token_expires_in nil).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UsedOAuthState(Base):
    """The nonce of each OAuth `state` that came back, so a state is accepted once."""

    __tablename__ = "used_oauth_states"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
