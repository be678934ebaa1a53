"""The app's own data and pure functions over it, shared by the packages above: no I/O.

The fields of the new-issue form (`issue_fields`), a journal as change lines
(`journal_event`), spent time and periods (`timesheet`), a channel's daily digest
(`daily_digest`), a Slack message turned into Redmine text (`message_text`), and when a
recurring send falls (`recurrence`). Actions and builders both build on these, so
neither has to import the other.

May import: bot.config, bot.i18n, bot.redmine, bot.slack, bot.text.
"""
