"""OAuth2 tokens per Slack user ("Connect with Redmine"), encrypted, with their expiry;
and the states already used, so each is accepted once.

Revision ID: 0007_oauth_tokens
Revises: pending_posts_for_exactly_once
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0007_oauth_tokens"
down_revision = "pending_posts_for_exactly_once"


def upgrade() -> None:
    op.create_table(
        "oauth_tokens",
        sa.Column("slack_user_id", sa.String(32), primary_key=True),
        sa.Column("redmine_login", sa.String(255), nullable=False),
        sa.Column("redmine_user_id", sa.Integer, nullable=False),
        sa.Column("encrypted_access_token", sa.Text, nullable=False),
        sa.Column("encrypted_refresh_token", sa.Text, nullable=True),
        sa.Column("expires_at", UTCDateTime, nullable=True),
        sa.Column("scope", sa.Text, nullable=False, server_default=""),
        sa.Column("refused_at", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "used_oauth_states",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("used_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_used_oauth_states_used_at", "used_oauth_states", ["used_at"])


def downgrade() -> None:
    op.drop_index("ix_used_oauth_states_used_at", table_name="used_oauth_states")
    op.drop_table("used_oauth_states")
    op.drop_table("oauth_tokens")
