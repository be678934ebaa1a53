"""Async adapter for Redmine's REST API.

redmine = Redmine(RedmineClient(url, admin_key))
issue = await redmine.as_user("jsmith").issues.create(project_id=1, subject="...")

The only door to Redmine: nothing outside this package builds a Redmine path.

May import: bot.i18n (the sentences `errors.user_message` says to a person), nothing
else of bot.
"""

from __future__ import annotations

from functools import cached_property

from bot.redmine.attachments import Attachments, Uploads
from bot.redmine.client import RedmineClient
from bot.redmine.enumerations import CustomFields, Enumerations, IssueStatuses, Roles, Trackers
from bot.redmine.errors import RedmineError, user_message
from bot.redmine.files import Files, Queries
from bot.redmine.groups import Groups
from bot.redmine.issues import Issues
from bot.redmine.journals import Journals
from bot.redmine.news import News
from bot.redmine.oauth import BearerSource, OAuthApplication
from bot.redmine.projects import Memberships, Projects
from bot.redmine.relations import IssueRelations
from bot.redmine.search import Search
from bot.redmine.time_entries import TimeEntries
from bot.redmine.users import MyAccount, Users
from bot.redmine.versions import IssueCategories, Versions
from bot.redmine.wiki import Wiki


class Redmine:
    """Every resource group of the REST API, bound to one client view (one acting user)."""

    def __init__(self, client: RedmineClient) -> None:
        self.client = client

    def as_user(self, login: str) -> Redmine:
        return Redmine(self.client.as_user(login))

    def with_api_key(self, api_key: str) -> Redmine:
        return Redmine(self.client.with_api_key(api_key))

    def with_bearer(self, source: BearerSource) -> Redmine:
        """Acts with a person's OAuth2 token (Redmine 6.1+), refreshed by `source`."""
        return Redmine(self.client.with_bearer(source))

    def oauth_application(
        self, *, client_id: str, client_secret: str, redirect_uri: str, scopes: str
    ) -> OAuthApplication:
        """The application registered in this Redmine, for "Connect with Redmine"."""
        return OAuthApplication(
            self.client,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            scopes=scopes,
        )

    async def has_oauth2(self) -> bool:
        """Whether this Redmine is an OAuth2 provider (probed once, bot/redmine/features.py)."""
        return await self.client.features.has_oauth2(self.client)

    @property
    def oauth2_known(self) -> bool | None:
        """The probe's answer when there is one, without asking Redmine."""
        return self.client.features.oauth2

    @property
    def acting_as(self) -> str:
        """Who this view acts as (a login, or a digest of a personal key): a cache key part."""
        return self.client.acting_as

    @cached_property
    def issues(self) -> Issues:
        return Issues(self.client)

    @cached_property
    def projects(self) -> Projects:
        return Projects(self.client)

    @cached_property
    def memberships(self) -> Memberships:
        return Memberships(self.client)

    @cached_property
    def users(self) -> Users:
        return Users(self.client)

    @cached_property
    def my_account(self) -> MyAccount:
        return MyAccount(self.client)

    @cached_property
    def time_entries(self) -> TimeEntries:
        return TimeEntries(self.client)

    @cached_property
    def search(self) -> Search:
        return Search(self.client)

    @cached_property
    def trackers(self) -> Trackers:
        return Trackers(self.client)

    @cached_property
    def issue_statuses(self) -> IssueStatuses:
        return IssueStatuses(self.client)

    @cached_property
    def enumerations(self) -> Enumerations:
        return Enumerations(self.client)

    @cached_property
    def roles(self) -> Roles:
        return Roles(self.client)

    @cached_property
    def custom_fields(self) -> CustomFields:
        return CustomFields(self.client)

    @cached_property
    def attachments(self) -> Attachments:
        return Attachments(self.client)

    @cached_property
    def uploads(self) -> Uploads:
        return Uploads(self.client)

    @cached_property
    def journals(self) -> Journals:
        return Journals(self.client)

    @cached_property
    def news(self) -> News:
        return News(self.client)

    @cached_property
    def relations(self) -> IssueRelations:
        return IssueRelations(self.client)

    @cached_property
    def versions(self) -> Versions:
        return Versions(self.client)

    @cached_property
    def issue_categories(self) -> IssueCategories:
        return IssueCategories(self.client)

    @cached_property
    def wiki(self) -> Wiki:
        return Wiki(self.client)

    @cached_property
    def groups(self) -> Groups:
        return Groups(self.client)

    @cached_property
    def files(self) -> Files:
        return Files(self.client)

    @cached_property
    def queries(self) -> Queries:
        return Queries(self.client)


__all__ = ["Redmine", "RedmineClient", "RedmineError", "user_message"]
