"""Differences between Redmine versions, found by behaviour and remembered (respx).

The answers mocked here are the real ones, recorded against Debian's packages
(Redmine 5.0.4, 6.0.5, 6.1.5): `GET /users.json?status=` is 200 on 5.0 and 422
"Status cannot be blank" on 6.x; `GET /oauth/authorize` is 404 before 6.1 and a 302 to
the login page on 6.1. tests/integration/redmine/test_features.py asks the real ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from bot.redmine import Redmine, RedmineClient
from bot.redmine.errors import ForbiddenError, RedmineUnavailable, ServerError
from bot.redmine.users import EVERY_STATUS

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"
ALICE = {"id": 5, "login": "alice", "firstname": "Alice", "lastname": "A", "mail": "a@x.io"}
CAROL = {"id": 7, "login": "carol", "firstname": "Carol", "lastname": "C", "mail": "c@x.io"}


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.0, max_retries=0) as client:
        yield Redmine(client)


def users_answer(request: httpx.Request, *, style: str) -> httpx.Response:
    """The users list as Redmine 5.0 (`style="5.0"`) or 6.x answers each `status` value."""
    status = request.url.params.get("status")
    if status == "":
        if style == "6.x":
            return httpx.Response(422, json={"errors": ["Status cannot be blank"]})
        return httpx.Response(200, json={"users": [ALICE, CAROL], "total_count": 2})
    if status == "*":
        if style == "5.0":  # 5.0 matches no user to the status "*"
            return httpx.Response(200, json={"users": [], "total_count": 0})
        return httpx.Response(200, json={"users": [ALICE, CAROL], "total_count": 2})
    return httpx.Response(200, json={"users": [ALICE], "total_count": 1})


@pytest.mark.parametrize("style", ["5.0", "6.x"])
@respx.mock
async def test_every_status_lists_every_user_on_either_version(
    redmine: Redmine, style: str
) -> None:
    route = respx.get(f"{URL}/users.json").mock(
        side_effect=lambda request: users_answer(request, style=style)
    )
    logins = [u.login async for u in redmine.users.all(status=EVERY_STATUS)]
    assert logins == ["alice", "carol"]
    # Asked again, from another view: the probe is not repeated.
    again = [u.login async for u in redmine.as_user("bob").users.all(status=EVERY_STATUS)]
    assert again == ["alice", "carol"]
    statuses = [call.request.url.params.get("status") for call in route.calls]
    wanted = "" if style == "5.0" else "*"
    assert statuses == ["", wanted, wanted]


@pytest.mark.parametrize("spelling", ["", "*"])
@respx.mock
async def test_either_raw_spelling_means_every_status(redmine: Redmine, spelling: str) -> None:
    respx.get(f"{URL}/users.json").mock(
        side_effect=lambda request: users_answer(request, style="6.x")
    )
    assert [u.login async for u in redmine.users.all(status=spelling)] == ["alice", "carol"]


@respx.mock
async def test_the_default_and_a_numbered_status_are_sent_as_they_are(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/users.json").mock(
        side_effect=lambda request: users_answer(request, style="6.x")
    )
    [u async for u in redmine.users.all()]
    [u async for u in redmine.users.all(status=3)]
    assert [call.request.url.params.get("status") for call in route.calls] == [None, "3"]


@respx.mock
async def test_a_refused_probe_is_not_remembered(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/users.json").mock(
        side_effect=[
            httpx.Response(403),
            httpx.Response(422, json={"errors": ["Status cannot be blank"]}),
            httpx.Response(200, json={"users": [ALICE], "total_count": 1}),
        ]
    )
    with pytest.raises(ForbiddenError):
        [u async for u in redmine.users.all(status=EVERY_STATUS)]
    assert [u.login async for u in redmine.users.all(status=EVERY_STATUS)] == ["alice"]
    assert route.calls[-1].request.url.params["status"] == "*"


@pytest.mark.parametrize(
    ("answer", "available"),
    [
        # Redmine 6.1: doorkeeper sends a visitor who is not logged in to the login page.
        (httpx.Response(302, headers={"Location": f"{URL}/login?back_url=x"}), True),
        (httpx.Response(404, text="Not found"), False),  # 5.0, 6.0: no such route
    ],
)
@respx.mock
async def test_oauth2_is_found_by_its_authorization_endpoint(
    redmine: Redmine, answer: httpx.Response, available: bool
) -> None:
    route = respx.get(f"{URL}/oauth/authorize").mock(return_value=answer)
    features = redmine.client.features
    assert await features.has_oauth2(redmine.client) is available
    assert await features.has_oauth2(redmine.as_user("bob").client) is available
    assert route.call_count == 1
    # Asked without credentials: no key travels to a page meant for browsers.
    assert "X-Redmine-API-Key" not in route.calls[0].request.headers


@respx.mock
async def test_oauth2_probe_keeps_no_answer_from_a_failing_server(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/oauth/authorize").mock(
        side_effect=[httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(302)]
    )
    features = redmine.client.features
    with pytest.raises(ServerError):
        await features.has_oauth2(redmine.client)
    with pytest.raises(RedmineUnavailable):
        await features.has_oauth2(redmine.client)
    assert await features.has_oauth2(redmine.client) is True
    assert route.call_count == 3
