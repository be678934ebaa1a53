"""Contract tests: our app checked against Slack's own published artifacts.

Nothing here is copied from Slack's repositories: each constraint and fixture is
written by hand, in our words, and names the published file it follows.
"""
