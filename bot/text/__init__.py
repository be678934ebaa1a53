"""Slack mrkdwn <-> Redmine markup, and the escaping that keeps Redmine text literal.

May import: bot.config.
"""

from bot.text.escape import escape_mrkdwn, is_safe_url, link, truncate, unescape_mrkdwn
from bot.text.to_mrkdwn import redmine_to_mrkdwn
from bot.text.to_redmine import slack_to_redmine

__all__ = [
    "escape_mrkdwn",
    "is_safe_url",
    "link",
    "redmine_to_mrkdwn",
    "slack_to_redmine",
    "truncate",
    "unescape_mrkdwn",
]
