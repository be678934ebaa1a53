"""Initial schema: user links, subscriptions, poller state, delivery records, issue threads.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "user_links",
        sa.Column("slack_user_id", sa.String(32), primary_key=True),
        sa.Column("redmine_login", sa.String(255), nullable=False),
        sa.Column("redmine_user_id", sa.Integer, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("encrypted_api_key", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel_id", sa.String(32), nullable=False, index=True),
        sa.Column("project_id", sa.Integer, nullable=False),
        sa.Column("project_identifier", sa.String(255), nullable=False),
        sa.Column("project_name", sa.String(255), nullable=False),
        sa.Column("trackers", sa.JSON, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("include_subprojects", sa.Boolean, nullable=False),
        sa.Column("threads", sa.Boolean, nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("created_by_slack_user", sa.String(32), nullable=False),
        sa.Column("created_by_login", sa.String(255), nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("paused_reason", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("channel_id", "project_id", name="uq_subscription_channel_project"),
    )
    op.create_table(
        "poller_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cursor", UTCDateTime, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "delivered_journals",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column(
            "journal_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
        ),
        sa.Column("issue_id", sa.Integer, nullable=False),
        sa.Column("delivered_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "issue_threads",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("issue_id", sa.Integer, primary_key=True),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "issue_threads",
        "delivered_journals",
        "poller_state",
        "subscriptions",
        "user_links",
    ):
        op.drop_table(table)
