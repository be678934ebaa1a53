"""Pure Block Kit builders: issue cards, modals, notifications, App Home, answers.

Data in, a dict out, no I/O: each builder takes typed values and returns the blocks or
view Slack will draw, cut to Slack's limits (bot.slack.limits) and with everything from
Redmine escaped. The block and action ids a builder names are the ones the form readers
(bot.inputs) and the listeners (handlers/) read back.

May import: bot.config, bot.domain, bot.i18n, bot.redmine, bot.slack, bot.store, bot.text.
"""
