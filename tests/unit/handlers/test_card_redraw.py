"""A card's redraw when Slack refuses chat.update: the clicker still sees the issue.

Against the local Slack over HTTP (its chat.update answers as Slack's Errors list says,
see tests/contract/test_fake_chat_update.py); the response_url is a stub, so a spent one
(Slack's are good for 5 uses in 30 minutes) can be tried too.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse

from bot.services import Services
from handlers.asked import Asked
from handlers.cards import CARD_GONE, redraw
from tests.support.fakeslack import FakeSlack
from tests.support.redmine_fixtures import issue

ISSUE = issue("issue__status_closed")
SERVICES = cast(
    Services,
    SimpleNamespace(
        settings=SimpleNamespace(
            redmine_base_url="https://redmine.example", redmine_text_formatting="textile"
        )
    ),
)


class Respond:
    """The action's response_url: records what was sent, answers with `status`."""

    response_url = "https://hooks.slack.test/actions/T1/1/x"  # as Bolt's AsyncRespond has

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.sent: list[dict[str, Any]] = []

    async def __call__(self, **message: Any) -> WebhookResponse:
        self.sent.append(message)
        body = "ok" if self.status == 200 else "used_url"
        return WebhookResponse(url="", status_code=self.status, body=body, headers={})


def asked(client: AsyncWebClient, respond: Respond) -> Asked:
    """Bob's click on a card in #public, as the middleware hands it to listeners."""
    return Asked(
        services=SERVICES,
        client=client,
        respond=cast(Any, respond),
        body={},
        user_id="UBOB",
        channel_id="CPUBLIC",
    )


def in_channel(ts: str) -> dict[str, Any]:
    return {"type": "message", "channel_id": "CPUBLIC", "message_ts": ts, "is_ephemeral": False}


async def test_the_bots_card_is_updated_in_place(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    ts = fake.add_message("CPUBLIC", text="old card")
    respond = Respond()
    await redraw(asked(client, respond), in_channel(ts), ISSUE)
    assert respond.sent == []
    assert fake.messages_in("CPUBLIC")[0]["text"] != "old card"


async def test_a_deleted_card_is_shown_to_the_clicker_alone(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    _, client = slack
    respond = Respond()
    await redraw(asked(client, respond), in_channel("1.000100"), ISSUE)
    [shown] = respond.sent
    assert shown["response_type"] == "ephemeral" and shown["replace_original"] is False
    assert shown["text"] == CARD_GONE.format(id=ISSUE.id)
    assert f"#{ISSUE.id}" in str(shown["blocks"][1:])  # the card, after the sentence


async def test_a_card_the_bot_may_not_update_is_replaced_through_the_response_url(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    ts = fake.add_message("CPUBLIC", user="UBOB", text="card")
    respond = Respond()
    await redraw(asked(client, respond), in_channel(ts), ISSUE)
    [replaced] = respond.sent
    assert replaced["replace_original"] is True and f"#{ISSUE.id}" in str(replaced["blocks"])


async def test_with_the_response_url_spent_the_sentence_comes_as_an_ephemeral(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    fake, client = slack
    ts = fake.add_message("CPUBLIC", user="UBOB", text="card")
    respond = Respond(status=404)
    await redraw(asked(client, respond), in_channel(ts), ISSUE)
    assert [m.get("replace_original") for m in respond.sent] == [True, False]
    [told] = fake.of("chat.postEphemeral")
    assert told.args["user"] == "UBOB" and told.args["text"] == CARD_GONE.format(id=ISSUE.id)


async def test_without_a_response_url_the_sentence_comes_as_an_ephemeral(
    slack: tuple[FakeSlack, AsyncWebClient],
) -> None:
    # A form submitted from a card carries the click's response_url in its metadata; one
    # forged or lost has none, and Bolt's respond would raise without one.
    fake, client = slack
    respond = Respond()
    respond.response_url = None  # type: ignore[assignment]
    await redraw(asked(client, respond), in_channel("1700009999.000100"), ISSUE)
    assert respond.sent == []
    [told] = fake.of("chat.postEphemeral")
    assert told.args["user"] == "UBOB" and told.args["text"] == CARD_GONE.format(id=ISSUE.id)
