"""Work Objects' flexpane (`entity_details_requested`): the issue, read as whoever opened it.

The event (docs.slack.dev/reference/events/entity_details_requested) names the person
(`user`), the entity (`external_ref`, which the app set to the issue id), and a
`trigger_id` that `entity.presentDetails` answers with the entity, an `error`, or
`user_auth_required` for a person Redmine does not know.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.actions.errors import UserFacingError, describe
from bot.actions.flexpane import open_flexpane
from bot.blocks.entities import connect_url, flexpane_refusal, issue_entity, issue_ref_id
from bot.people.identity import NotLinked
from bot.redmine.errors import ImpersonationError, RedmineError
from handlers.asked import Asked

log = logging.getLogger("redmine_slack.handlers")


async def on_entity_details(event: dict[str, Any], asked: Asked) -> None:
    issue_id = issue_ref_id(event.get("external_ref"))
    trigger_id, user_id = str(event.get("trigger_id") or ""), str(event.get("user") or "")
    if issue_id is None or not trigger_id:
        return  # not one of this app's entities
    answer: dict[str, Any]
    try:
        redmine = await asked.redmine(user_id)
        pane = await open_flexpane(redmine, issue_id)
        entity = issue_entity(
            pane.issue,
            asked.base_url,
            asked.formatting,
            read_at=pane.read_at,
            notes=pane.issue.journals,
        )
        answer = {"metadata": entity}
    except (NotLinked, ImpersonationError):
        asked.services.identity.forget(user_id)
        answer = {"user_auth_required": True, "user_auth_url": connect_url(asked.base_url)}
    except (UserFacingError, RedmineError) as error:
        answer = {"error": flexpane_refusal(describe(error))}
    try:
        await asked.client.entity_presentDetails(trigger_id=trigger_id, **answer)
    except SlackApiError as error:
        log.info("entity.presentDetails refused: %s", error.response.get("error"))


def register(app: AsyncApp) -> None:
    app.event("entity_details_requested")(on_entity_details)
