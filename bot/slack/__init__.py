"""Slack's side of the app: the door its requests come in by, and its Web API going out.

- `door/`: every request to `POST /slack/events`, in order: the body's size, the
  signature and timestamp (`door/verify.py`), the parse, the payload's shape
  (`door/payloads.py`), an event that concerns nothing we do dropped from memory
  (`door/relevance.py`, with the followed threads of `door/followed.py`), a replay
  refused (`door/replay.py`), then Bolt (`door/guard.py` is Bolt's middleware for the
  same checks; `door/route.py` is the route itself; `door/door.py` the state they share).
- `web/`: what the app asks of Slack's Web API besides posting: reads of messages,
  threads and people (`web/reads.py`), file streams (`web/files.py`) and Slack's pacing
  (`web/pace.py`, Retry-After obeyed and remembered).
- `messages.py` (Slack messages as data) and `limits.py` (Slack's documented limits,
  the one table every builder and reader takes them from) serve both halves and the
  packages above.

No Slack listener lives here (those are handlers/), and nothing here knows Redmine's
resources.

May import: bot.i18n, bot.redmine, bot.store.
"""
