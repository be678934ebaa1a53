"""What a person does, one module per action, whatever Slack surface asked for it.

Each action is a typed async function: it takes typed input (a form object or a parsed
command) and only the dependencies it uses (the person's own `Redmine` view, never the
admin's; the store; Slack reads as plain data), and returns a typed result or raises
`bot.actions.errors.UserFacingError` (or a `bot.redmine.errors.RedmineError`, which
`describe` words for the person). Actions never see a Slack payload and never send to
Slack: listeners in handlers/ parse, call an action, render its result with bot/blocks,
and send. A slash command, a modal, a card button or App Home reach the same action.

May import: bot.blocks, bot.config, bot.domain, bot.i18n, bot.inputs, bot.people, bot.redmine,
bot.slack, bot.store, bot.text.
"""
