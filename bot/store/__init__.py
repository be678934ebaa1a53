"""The app's own memory: SQLAlchemy models, repositories, Alembic migrations.

SQLite by default, Postgres for several replicas (`db.py`); what was delivered, who is
linked to which Redmine account (keys encrypted, `crypto.py`), subscriptions, schedules,
personal preferences and imported replies.

May import: bot.redmine.
"""
