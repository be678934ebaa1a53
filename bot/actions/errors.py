"""Every failure a person can meet, in one plain sentence with what to do next."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

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
        f"You cannot add issues to {project_name}. Ask one of its managers for a role that may add issues."
    )


def describe(error: BaseException) -> str:
    if isinstance(error, UserFacingError | NotLinked | UsageError):
        return error.message
    if isinstance(error, RedmineError):
        return user_message(error)
    if isinstance(error, SlackApiError):
        return (
            f"Slack refused the request ({error.response.get('error', 'unknown error')}). "
            "Try again; if it keeps failing, tell whoever runs redmine-slack."
        )
    return "Something went wrong on our side. Try again; if it keeps failing, tell whoever runs redmine-slack."
