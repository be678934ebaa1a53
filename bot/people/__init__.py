"""Who a person is on the other side: a Slack user in Redmine, a Redmine user in Slack.

- `identity.py`: a Slack user -> their Redmine account (a key they connected, else their
  verified email), and the adapter view that acts as them (`X-Redmine-Switch-User`).
- `recipients.py`: a Redmine user -> the Slack user to tell (personal notifications,
  mentions in notes).

May import: bot.i18n, bot.redmine, bot.store.
"""
