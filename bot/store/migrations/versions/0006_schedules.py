"""Scheduled sends (reminders, weekly summaries, digests) with the last one taken; and
subscriptions to a saved query or as a daily digest.

Revision ID: 0006
Revises: 0003 (re-chained at merge after 0004 and 0005)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "scheduled_sends",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("minute_of_day", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("weekdays", sa.String(7), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("last_key", sa.String(10), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    # A channel may follow a project and, besides, saved queries in it: 0 is no query.
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("query_id", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("query_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("digest_minute", sa.Integer, nullable=True))
        batch.drop_constraint("uq_subscription_channel_project", type_="unique")
        batch.create_unique_constraint(
            "uq_subscription_channel_project_query", ["channel_id", "project_id", "query_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_constraint("uq_subscription_channel_project_query", type_="unique")
        batch.create_unique_constraint(
            "uq_subscription_channel_project", ["channel_id", "project_id"]
        )
        batch.drop_column("digest_minute")
        batch.drop_column("query_name")
        batch.drop_column("query_id")
    op.drop_table("scheduled_sends")
