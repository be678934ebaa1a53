"""The transport's edge cases, with respx: errors, paging, retries, headers, streaming."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from bot.actions.errors import describe
from bot.redmine import Redmine, RedmineClient
from bot.redmine.cache import TTLCache
from bot.redmine.errors import (
    AuthenticationError,
    CertificateNotTrusted,
    ConflictError,
    ConnectionLost,
    ConnectionRefused,
    ForbiddenError,
    GatewayError,
    ImpersonationError,
    NameNotResolved,
    NotFoundError,
    RedmineError,
    RedmineHTTPError,
    RedmineTimeout,
    RedmineUnavailable,
    ServerError,
    TLSFailure,
    ValidationError,
    is_cannot_add_issues,
    user_message,
)

URL = "https://redmine.test"
KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record backoff delays instead of sleeping."""
    recorded: list[float] = []

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr("bot.redmine.client.backoff_pause", fake_sleep)
    return recorded


@pytest.fixture
async def redmine() -> AsyncIterator[Redmine]:
    async with RedmineClient(URL, KEY, backoff=0.5, max_retries=3) as client:
        yield Redmine(client)


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (401, {}, AuthenticationError),
        (403, {}, ForbiddenError),
        (404, {}, NotFoundError),
        (409, {}, ConflictError),
        (412, {}, ImpersonationError),
        (422, {"errors": ["Subject cannot be blank"]}, ValidationError),
        (500, {}, ServerError),
        (418, {}, RedmineHTTPError),
    ],
)
@respx.mock
async def test_status_maps_to_error_with_method_path_and_never_the_key(
    redmine: Redmine, status: int, body: dict[str, object], error_class: type[RedmineError]
) -> None:
    respx.get(f"{URL}/issues/5.json").respond(status, json=body)
    with pytest.raises(error_class) as caught:
        await redmine.as_user("alice").issues.get(5)
    error = caught.value
    assert type(error) is error_class
    assert (error.method, error.path, error.status) == ("GET", "/issues/5.json", status)
    for text in (str(error), repr(error), user_message(error)):
        assert KEY not in text
    assert user_message(error)


@respx.mock
async def test_422_keeps_redmines_messages_and_recognises_cannot_add(redmine: Redmine) -> None:
    respx.post(f"{URL}/issues.json").respond(
        422,
        json={
            "errors": [
                "Project cannot be blank",
                "Tracker cannot be blank",
                "Status cannot be blank",
            ]
        },
    )
    with pytest.raises(ValidationError) as caught:
        await redmine.issues.create(project_id=1, subject="x")
    assert caught.value.messages == [
        "Project cannot be blank",
        "Tracker cannot be blank",
        "Status cannot be blank",
    ]
    assert is_cannot_add_issues(caught.value)
    assert user_message(caught.value).startswith("Redmine refused it: Project cannot be blank;")


@respx.mock
async def test_404_names_the_issue_or_project_that_is_missing(redmine: Redmine) -> None:
    respx.get(f"{URL}/issues/99999.json").respond(404)
    respx.get(f"{URL}/projects/nope.json").respond(404)
    respx.get(f"{URL}/versions/3.json").respond(404)
    with pytest.raises(NotFoundError) as issue:
        await redmine.issues.get(99999)
    with pytest.raises(NotFoundError) as project:
        await redmine.projects.get("nope")
    with pytest.raises(NotFoundError) as version:
        await redmine.versions.get(3)
    assert user_message(issue.value).startswith("Issue #99999 does not exist, or you cannot see it")
    assert user_message(project.value).startswith("Project `nope` does not exist")
    assert user_message(version.value).startswith("Redmine could not find that")


@respx.mock
async def test_412_names_the_login(redmine: Redmine) -> None:
    respx.get(f"{URL}/users/current.json").respond(412)
    with pytest.raises(ImpersonationError) as caught:
        await redmine.as_user("carol").users.current()
    assert caught.value.login == "carol"
    assert "`carol`" in user_message(caught.value)


@respx.mock
async def test_timeout_and_connection_errors_become_unavailable(
    redmine: Redmine, sleeps: list[float]
) -> None:
    route = respx.get(f"{URL}/issues/1.json")
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(RedmineUnavailable) as caught:
        await redmine.issues.get(1)
    assert route.call_count == 4 and len(sleeps) == 3  # first try + 3 retries
    assert user_message(caught.value) == "Redmine did not answer in time. Try again in a minute."
    route.side_effect = httpx.ConnectError("refused")
    with pytest.raises(RedmineUnavailable, match="cannot reach Redmine"):
        await redmine.issues.get(1)


@respx.mock
async def test_a_note_whose_answer_was_lost_is_not_sent_again(
    redmine: Redmine, sleeps: list[float]
) -> None:
    # Redmine adds a journal on every PUT with notes: a replay would post the note twice.
    route = respx.put(f"{URL}/issues/7.json")
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(RedmineUnavailable) as caught:
        await redmine.issues.update(7, notes="once")
    assert route.call_count == 1 and sleeps == []
    assert caught.value.maybe_done
    assert "may or may not have done it" in user_message(caught.value)


@respx.mock
async def test_a_write_that_never_left_says_plainly_to_try_again(redmine: Redmine) -> None:
    route = respx.post(f"{URL}/issues.json")
    route.side_effect = httpx.ConnectTimeout("no route")
    with pytest.raises(RedmineUnavailable) as caught:
        await redmine.issues.create(project_id=1, subject="x")
    assert route.call_count == 1 and not caught.value.maybe_done
    assert user_message(caught.value) == "Redmine did not answer in time. Try again in a minute."


@respx.mock
async def test_paging_follows_total_count_100_at_a_time(redmine: Redmine) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        assert limit == 100
        ids = range(offset + 1, min(offset + limit, 250) + 1)
        return httpx.Response(
            200,
            json={
                "issues": [{"id": i, "project": {"id": 1, "name": "A"}} for i in ids],
                "total_count": 250,
                "offset": offset,
                "limit": limit,
            },
        )

    route = respx.get(f"{URL}/issues.json").mock(side_effect=page)
    issues = [i async for i in redmine.issues.all(status_id="*", filters={"cf_3": "x"})]
    assert [i.id for i in issues] == list(range(1, 251))
    assert route.call_count == 3
    assert route.calls[0].request.url.params["status_id"] == "*"
    assert route.calls[0].request.url.params["cf_3"] == "x"


@pytest.mark.parametrize("status", [502, 503, 504])
@respx.mock
async def test_get_is_retried_with_jittered_backoff(
    redmine: Redmine, sleeps: list[float], status: int
) -> None:
    route = respx.get(f"{URL}/trackers.json")
    route.side_effect = [
        httpx.Response(status),
        httpx.Response(status),
        httpx.Response(200, json={"trackers": []}),
    ]
    assert await redmine.trackers.all() == []
    assert route.call_count == 3
    assert 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1.0


@respx.mock
async def test_429_honours_retry_after(redmine: Redmine, sleeps: list[float]) -> None:
    route = respx.get(f"{URL}/issues/1.json")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, json={"issue": {"id": 1, "project": {"id": 1}}}),
    ]
    assert (await redmine.issues.get(1)).id == 1
    assert sleeps == [7.0]


@respx.mock
async def test_post_is_not_retried_on_502_or_timeout(redmine: Redmine, sleeps: list[float]) -> None:
    route = respx.post(f"{URL}/issues.json")
    route.side_effect = [httpx.Response(502)]
    with pytest.raises(ServerError):
        await redmine.issues.create(project_id=1, subject="once")
    assert route.call_count == 1
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(RedmineUnavailable):
        await redmine.issues.create(project_id=1, subject="once")
    assert route.call_count == 2 and sleeps == []


@respx.mock
async def test_post_is_retried_when_the_connection_never_opened(
    redmine: Redmine, sleeps: list[float]
) -> None:
    route = respx.post(f"{URL}/issues.json")
    route.side_effect = [
        httpx.ConnectError("refused"),
        httpx.Response(201, json={"issue": {"id": 9, "project": {"id": 1}}}),
    ]
    assert (await redmine.issues.create(project_id=1, subject="x")).id == 9
    assert route.call_count == 2


@respx.mock
async def test_switch_user_header_only_on_user_views_and_never_shared(redmine: Redmine) -> None:
    seen: list[tuple[str | None, str | None]] = []

    async def record(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)  # interleave the concurrent requests
        seen.append((request.url.params.get("who"), request.headers.get("X-Redmine-Switch-User")))
        assert request.headers["X-Redmine-API-Key"] == KEY
        return httpx.Response(200, json={"user": {"id": 1, "login": "x"}})

    respx.get(f"{URL}/users/current.json").mock(side_effect=record)
    alice, bob = redmine.as_user("alice"), redmine.as_user("bob")

    async def ask(view: Redmine, who: str) -> None:
        await view.client.get("/users/current.json", {"who": who})

    await asyncio.gather(
        *(
            ask(v, w)
            for _ in range(5)
            for v, w in ((alice, "alice"), (bob, "bob"), (redmine, "admin"))
        )
    )
    assert sorted(set(seen)) == [("admin", None), ("alice", "alice"), ("bob", "bob")]


@respx.mock
async def test_personal_key_view_sends_that_key_and_no_switch(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/my/account.json").respond(
        200, json={"user": {"id": 3, "login": "erin"}}
    )
    await redmine.with_api_key("f" * 40).my_account.get()
    headers = route.calls[0].request.headers
    assert headers["X-Redmine-API-Key"] == "f" * 40 and "X-Redmine-Switch-User" not in headers


class StreamRecorder(httpx.AsyncBaseTransport):
    """Reads the request body chunk by chunk, noting how much the source had produced."""

    def __init__(self, produced: list[int]) -> None:
        self.produced = produced
        self.chunks: list[tuple[bytes, int]] = []
        self.request: httpx.Request | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.request = request
        assert isinstance(request.stream, httpx.AsyncByteStream)
        async for chunk in request.stream:
            self.chunks.append((chunk, len(self.produced)))
        return httpx.Response(201, json={"upload": {"id": 4, "token": "4.abc"}})


async def test_upload_streams_from_an_async_source_without_holding_it() -> None:
    produced: list[int] = []

    async def source() -> AsyncIterator[bytes]:
        for n in range(50):
            produced.append(n)
            yield bytes([n]) * 1000

    recorder = StreamRecorder(produced)
    async with httpx.AsyncClient(transport=recorder) as http:
        redmine = Redmine(RedmineClient(URL, KEY, http=http))
        upload = await redmine.uploads.upload(source(), "big.bin", size=50_000)
    assert upload.token == "4.abc"
    assert recorder.request is not None
    assert recorder.request.url.params["filename"] == "big.bin"
    assert recorder.request.headers["Content-Type"] == "application/octet-stream"
    assert recorder.request.headers["Content-Length"] == "50000"
    # Each chunk went out as soon as it was made: the source was never read ahead.
    assert [made for _, made in recorder.chunks] == list(range(1, 51))
    assert b"".join(c for c, _ in recorder.chunks) == b"".join(bytes([n]) * 1000 for n in range(50))


@respx.mock
async def test_a_streamed_upload_is_never_replayed(redmine: Redmine, sleeps: list[float]) -> None:
    async def source() -> AsyncIterator[bytes]:
        yield b"x"

    route = respx.post(f"{URL}/uploads.json")
    route.side_effect = httpx.ConnectError("refused")
    with pytest.raises(RedmineUnavailable):
        await redmine.uploads.upload(source(), "a.txt")
    assert route.call_count == 1


async def test_stream_refuses_to_send_the_key_elsewhere(redmine: Redmine) -> None:
    with pytest.raises(RedmineError, match="refusing"):
        async with redmine.client.stream("https://evil.test/attachments/download/1"):
            pass


async def test_ttl_cache_expires_loads_once_and_does_not_cache_errors() -> None:
    now = [0.0]
    cache = TTLCache(10, clock=lambda: now[0])
    loads: list[int] = []

    async def load() -> int:
        loads.append(1)
        await asyncio.sleep(0.01)
        return len(loads)

    assert await asyncio.gather(*(cache.get_or_load("k", load) for _ in range(5))) == [1] * 5
    assert len(loads) == 1
    now[0] = 11
    assert await cache.get_or_load("k", load) == 2

    async def fail() -> int:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        await cache.get_or_load("e", fail)
    assert cache.get("e") is None


async def test_ttl_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = TTLCache(300, max_entries=3)
    for key in ("a", "b", "c"):
        cache.set(key, key.upper())
    assert cache.get("a") == "A"  # "a" is now the most recently used
    cache.set("d", "D")
    assert len(cache) == 3
    assert cache.get("b") is None  # the least recently used went first
    assert [cache.get(key) for key in ("a", "c", "d")] == ["A", "C", "D"]


@respx.mock
async def test_cached_reference_data_is_fetched_once(redmine: Redmine) -> None:
    route = respx.get(f"{URL}/enumerations/issue_priorities.json").respond(
        200, json={"issue_priorities": [{"id": 2, "name": "Normal", "is_default": True}]}
    )
    for _ in range(3):
        [normal] = await redmine.enumerations.priorities()
        assert normal.is_default
    assert route.call_count == 1
    assert json.loads(route.calls[0].response.content)["issue_priorities"][0]["name"] == "Normal"


@respx.mock
async def test_cache_never_serves_one_personal_key_to_another(redmine: Redmine) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        who = request.headers["X-Redmine-API-Key"][:1]
        return httpx.Response(200, json={"projects": [{"id": 1, "name": who, "identifier": who}]})

    respx.get(f"{URL}/projects.json").mock(side_effect=answer)
    first = await redmine.with_api_key("a" * 40).client.get_cached("/projects.json")
    second = await redmine.with_api_key("b" * 40).client.get_cached("/projects.json")
    alice = await redmine.as_user("alice").client.get_cached("/projects.json")
    assert [p["name"] for p in (first["projects"] + second["projects"] + alice["projects"])] == [
        "a",
        "b",
        "0",
    ]


@respx.mock
async def test_search_with_null_total_count_is_an_empty_page(redmine: Redmine) -> None:
    # What Redmine answers for `q=x` or `q=0`: the query reduces to no words.
    respx.get(f"{URL}/search.json").respond(
        200, json={"results": [], "total_count": None, "offset": 0, "limit": 10}
    )
    assert await redmine.search.page("x", issues=True) == ([], 0)


@respx.mock
async def test_search_without_total_count_counts_the_results(redmine: Redmine) -> None:
    item = {
        "id": 3,
        "title": "Bug #3 (New): x",
        "type": "issue",
        "url": f"{URL}/issues/3",
        "description": "",
        "datetime": "2026-01-01T00:00:00Z",
    }
    respx.get(f"{URL}/search.json").respond(200, json={"results": [item]})
    results, total = await redmine.search.page("x")
    assert ([r.id for r in results], total) == ([3], 1)


def _raised_from(outer: httpx.TransportError, cause: BaseException) -> httpx.TransportError:
    """As httpx raises it: its error, from httpcore's, from the operating system's."""
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize(
    ("failure", "error_class", "words"),
    [
        (
            _raised_from(
                httpx.ConnectError("All connection attempts failed"),
                ConnectionRefusedError(111, "refused"),
            ),
            ConnectionRefused,
            "Redmine refused the connection: it is not running or is restarting.",
        ),
        (
            _raised_from(
                httpx.ConnectError("Name or service not known"),
                socket.gaierror(-2, "Name or service not known"),
            ),
            NameNotResolved,
            "host name could not be found (DNS)",
        ),
        (
            _raised_from(
                httpx.ConnectError("certificate verify failed"),
                ssl.SSLCertVerificationError(1, "certificate verify failed"),
            ),
            CertificateNotTrusted,
            "Redmine's HTTPS certificate is not trusted here: whoever runs redmine-slack "
            "should set REDMINE_CA_BUNDLE",
        ),
        (
            _raised_from(
                httpx.ConnectError("wrong version number"),
                ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
            ),
            TLSFailure,
            "secure connection to Redmine failed",
        ),
        (httpx.ReadTimeout("slow"), RedmineTimeout, "Redmine did not answer in time."),
        (
            httpx.RemoteProtocolError("Server disconnected"),
            ConnectionLost,
            "connection to Redmine broke",
        ),
    ],
)
async def test_each_way_of_not_answering_has_its_own_sentence(
    sleeps: list[float],
    failure: httpx.TransportError,
    error_class: type[RedmineUnavailable],
    words: str,
) -> None:
    def fail(_: httpx.Request) -> httpx.Response:
        raise failure

    # A mock transport, not respx: respx re-raises from its own error and drops the cause.
    http = httpx.AsyncClient(transport=httpx.MockTransport(fail))
    async with http, RedmineClient(URL, KEY, http=http) as client:
        with pytest.raises(error_class) as caught:
            await Redmine(client).issues.get(1)
    assert words in user_message(caught.value)
    assert describe(caught.value) == user_message(caught.value)


@pytest.mark.parametrize(
    ("status", "error_class", "words"),
    [
        (500, ServerError, "Redmine had an internal error."),
        (
            502,
            GatewayError,
            "The proxy in front of Redmine got no answer from it (502 Bad Gateway)",
        ),
        (503, GatewayError, "Redmine is unavailable right now (503)"),
        (504, GatewayError, "gave up waiting for it (504 Gateway Timeout)"),
    ],
)
@respx.mock
async def test_each_server_side_status_has_its_own_sentence(
    redmine: Redmine, sleeps: list[float], status: int, error_class: type[ServerError], words: str
) -> None:
    respx.get(f"{URL}/issues/1.json").respond(status)
    with pytest.raises(error_class) as caught:
        await redmine.issues.get(1)
    assert type(caught.value) is error_class and caught.value.status == status
    assert words in describe(caught.value)
    if status != 500:
        assert "internal error" not in describe(caught.value)


async def test_a_port_nothing_listens_on_is_a_refused_connection() -> None:
    with socket.socket() as probe:  # a free port, then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with RedmineClient(f"http://127.0.0.1:{port}", KEY, max_retries=0) as client:
        with pytest.raises(ConnectionRefused) as caught:
            await Redmine(client).issues.get(1)
    assert "refused the connection" in describe(caught.value)
    assert "in time" not in describe(caught.value)


@pytest.mark.parametrize(
    "messages",
    [
        # A Japanese account: Redmine 5.0 answered a create in alpha by someone without
        # "Add issues" with these words (seen on the ja-seeded instance, session 29).
        [
            "プロジェクト を入力してください",
            "トラッカー を入力してください",
            "ステータス を入力してください",
        ],
        ["Projekt muss ausgefüllt werden", "Tracker muss ausgefüllt werden"],
        ["Проект не может быть пустым", "Трекер не может быть пустым"],
    ],
)
def test_cannot_add_issues_is_recognised_in_the_accounts_language(messages: list[str]) -> None:
    error = ValidationError(messages, method="POST", path="/issues.json")
    assert is_cannot_add_issues(error)
    # One field blank alone is a real field error, said as Redmine says it.
    assert not is_cannot_add_issues(ValidationError(messages[:1], method="POST", path="/x"))


@respx.mock
async def test_redmines_session_cookie_never_goes_back_on_anyones_request() -> None:
    # Redmine sets `_redmine_session` on API answers too; the one client serves every
    # person's view, so a cookie it kept would travel with the next person's request.
    route = respx.get(f"{URL}/users/current.json").mock(
        return_value=httpx.Response(
            200,
            json={"user": {"id": 1, "login": "alice"}},
            headers={"Set-Cookie": "_redmine_session=alices-session; path=/; HttpOnly"},
        )
    )
    async with RedmineClient(URL, KEY) as client:
        await client.as_user("alice").get("users/current.json")
        await client.as_user("bob").get("users/current.json")
    first, second = route.calls
    assert "cookie" not in first.request.headers
    assert "cookie" not in second.request.headers
    assert second.request.headers["X-Redmine-Switch-User"] == "bob"
