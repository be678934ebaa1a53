"""What stops a notification from going out now: the channel is gone, or it is left for later."""

from __future__ import annotations


class ChannelUnavailable(Exception):
    def __init__(self, channel_id: str, error: str) -> None:
        super().__init__(f"{channel_id}: {error}")
        self.channel_id = channel_id
        self.error = error


class DeliveryFailed(Exception):
    """Slack did not take the message after retries; it stays undelivered for the next cycle."""


class DeadlinePassed(DeliveryFailed):
    """An await of the notifier outran its deadline (bot.notify.deadlines); what it was
    doing stays undone in the database and the next cycle takes it up again."""

    def __init__(self, waited_on: str, what: str, seconds: float) -> None:
        super().__init__(f"no answer from {what} within {seconds:.0f} s")
        self.waited_on = waited_on
        self.what = what
        self.seconds = seconds
