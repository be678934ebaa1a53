"""Shared shape of a resource group: one client view, paths declared once."""

from __future__ import annotations

from bot.redmine.client import RedmineClient


class ResourceGroup:
    """A group of related Redmine endpoints bound to one client view (one acting user)."""

    def __init__(self, client: RedmineClient) -> None:
        self.client = client
