"""Personal notifications: each person's settings, the DMs delivered, one DM thread per issue.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "personal_settings",
        sa.Column("slack_user_id", sa.String(32), primary_key=True),
        sa.Column("assigned", sa.Boolean, nullable=False),
        sa.Column("involved", sa.Boolean, nullable=False),
        sa.Column("status", sa.Boolean, nullable=False),
        sa.Column("mentions", sa.Boolean, nullable=False),
        sa.Column("home_list", sa.String(16), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "delivered_dms",
        sa.Column("slack_user_id", sa.String(32), primary_key=True),
        sa.Column(
            "journal_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
        ),
        sa.Column("issue_id", sa.Integer, nullable=False),
        sa.Column("delivered_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "dm_threads",
        sa.Column("slack_user_id", sa.String(32), primary_key=True),
        sa.Column("issue_id", sa.Integer, primary_key=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dm_threads")
    op.drop_table("delivered_dms")
    op.drop_table("personal_settings")
