"""Every failure a person can meet, in one plain sentence with what to do next."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.i18n import _
from bot.inputs.grammar import UsageError
from bot.people.identity import NotLinked
from bot.redmine.errors import RedmineError, user_message


class UserFacingError(Exception):
    """A refusal or problem already phrased for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cannot_add_issues(project_name: str) -> UserFacingError:
    return UserFacingError(
        _(
            "You cannot add issues to {project}. Ask one of its managers for a role that "
            "may add issues.",
            project=project_name,
        )
    )


def describe(error: BaseException) -> str:
    if isinstance(error, UserFacingError | NotLinked | UsageError):
        return error.message
    if isinstance(error, RedmineError):
        return user_message(error)
    if isinstance(error, SlackApiError):
        return _(
            "Slack refused the request ({error}). Try again; if it keeps failing, tell "
            "whoever runs redmine-slack.",
            error=error.response.get("error", "unknown_error"),
        )
    return _(
        "Something went wrong on our side. Try again; if it keeps failing, tell whoever "
        "runs redmine-slack."
    )
