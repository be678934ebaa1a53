"""Typed readers of what a person sends: nobody else digs through raw text or view state.

- `grammar.py`: the `/redmine` command table, parsed into typed commands (the command
  words stay English in every language).
- `help.py`: that table read back to the person as help, so the two never drift.
- `forms.py`: modal submissions (`view["state"]["values"]`) read into typed forms,
  with the field errors a person sees before the modal closes.

Form readers import the builders' block ids (bot.blocks), so the ids are named once.

May import: bot.blocks, bot.domain, bot.i18n, bot.redmine, bot.slack, bot.text.
"""
