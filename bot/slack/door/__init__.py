"""The door for Slack's HTTP requests: size, signature, parse, shape, replay, then Bolt.

Nothing past `verify.py` sees a body Slack did not sign; nothing here raises on any
input: each refusal is a status and one sentence.
"""
