"""What runs without anyone asking: Redmine's changes brought into Slack, exactly once.

The poller (`poller.py`) and the webhook intake (`webhook.py`, `webhook_queue.py`) read
changed issues; journals become events (`events.py`, `names.py`), are matched against
channel subscriptions (`query_matches.py`) and people (`personal.py`), and are posted by
`delivery.py` at Slack's pace. `lease.py` keeps one worker at a time across replicas;
`scheduler.py` runs reminders and digests (`reminders.py`, `digests.py`).

May import: bot.actions, bot.blocks, bot.config, bot.domain, bot.i18n, bot.inputs, bot.metrics,
bot.people, bot.redmine, bot.slack, bot.store, bot.text.
"""
