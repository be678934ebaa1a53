"""Who a person is on the other side: a Slack user in Redmine, a Redmine user in Slack.

- `identity.py`: a Slack user -> their Redmine account (an OAuth connection, else a key
  they connected, else their verified email), and the adapter view that acts as them
  (their Bearer token, their key, or `X-Redmine-Switch-User`).
- `oauth.py`: "Connect with Redmine" (Redmine 6.1+): the signed state, PKCE, the
  callback's exchange, and each person's token kept fresh.
- `recipients.py`: a Redmine user -> the Slack user to tell (personal notifications,
  mentions in notes).

May import: bot.i18n, bot.redmine, bot.store.
"""
