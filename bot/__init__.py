"""redmine-slack: work in Redmine from Slack, and Redmine's changes told in Slack.

The root holds the composition root and operations only: `app` (the Starlette app and
its lifespan, Bolt wired in), `services` (what the lifespan builds and hands down),
`config` (the one place settings are read), `cli` (the `redmine-slack` command),
`check`, `logging` and `metrics`. Everything else lives in a package named for its
concern, and each package's docstring ends with what it may import (a test holds it):

    handlers/ -> actions/ -> inputs/ blocks/ people/ -> domain/ slack/ store/ text/ -> redmine/
                 notify/ (what runs without anyone asking) beside actions/
"""
