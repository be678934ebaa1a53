"""Connect with Redmine: the signed state, PKCE, the callback's failures, refresh and a
revoked token, against respx answering as Redmine 6.1's doorkeeper does (its answers
were read off a real 6.1.5: docs/redmine.md, "Connect with Redmine")."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.i18n import translator_for, using
from bot.people.identity import IdentityResolver, NotLinked
from bot.people.oauth import STATE_TTL, CallbackFailed, OAuthConnections, Signer
from bot.redmine import Redmine, RedmineClient
from bot.redmine.errors import RECONNECT, OAuthTokenRefused, user_message
from bot.redmine.oauth import code_challenge
from bot.store import db

URL = "http://redmine.test"
PUBLIC = "https://bot.example.com"
SECRET = "s" * 32
CLIENT_ID, CLIENT_SECRET = "app-uid", "app-secret"
REDIRECT = f"{PUBLIC}/redmine/oauth/callback"
ISSUE = {"issue": {"id": 1, "project": {"id": 1, "name": "Alpha"}, "subject": "s"}}
ISSUE9 = {"issue": {"id": 9, "project": {"id": 1, "name": "Alpha"}, "subject": "x"}}
BOB = {"user": {"id": 7, "login": "bob", "firstname": "Bob", "lastname": "Baker"}}
# doorkeeper's answer to a refused grant, as the real 6.1 gave it.
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "The provided authorization grant is invalid, expired, revoked, "
    "does not match the redirection URI used in the authorization request, or was issued "
    "to another client.",
}


def grant(access: str, refresh: str = "r1", expires_in: int = 7200) -> dict[str, object]:
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "refresh_token": refresh,
        "scope": "view_issues add_issues",
        "created_at": 1796609146,
    }


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = db.create_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    await db.migrate(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def identities(engine: AsyncEngine, clock: Clock) -> AsyncIterator[IdentityResolver]:
    async with RedmineClient(URL, "k" * 40, backoff=0.01, max_retries=0) as client:
        redmine = Redmine(client)
        sessions = db.session_factory(engine)
        oauth = OAuthConnections(
            redmine=redmine,
            application=redmine.oauth_application(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                redirect_uri=REDIRECT,
                scopes="view_issues add_issues",
            ),
            sessions=sessions,
            secret_key=SECRET,
            public_url=PUBLIC,
            clock=clock,
        )
        yield IdentityResolver(
            redmine=redmine,
            slack=AsyncWebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/"),
            sessions=sessions,
            admin_mode=False,  # connected-keys-only: no admin key acts for anyone
            secret_key=SECRET,
            oauth=oauth,
        )


def oauth_of(identities: IdentityResolver) -> OAuthConnections:
    assert identities.oauth is not None
    return identities.oauth


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def authorize(identities: IdentityResolver, user: str = "U1") -> dict[str, str]:
    """Follow the start link as the browser would: Redmine's authorization URL's query."""
    oauth = oauth_of(identities)
    link = query(oauth.start_link(user, "de"))["link"]
    return query(oauth.authorize_url(link))


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


async def connect_bob(identities: IdentityResolver, **token: object) -> None:
    respx.post(f"{URL}/oauth/token").respond(200, json=grant("a1", **token))  # type: ignore[arg-type]
    respx.get(f"{URL}/users/current.json").respond(200, json=BOB)
    state = authorize(identities)["state"]
    await oauth_of(identities).finish(state=state, code="c1", error=None)
    identities.forget("U1")  # as bot/actions/connect_oauth.finish does


# -- PKCE and the signed state -------------------------------------------------------------


def test_code_challenge_is_rfc_7636_s256() -> None:
    # RFC 7636, Appendix B: the example verifier and its S256 challenge.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_verifier_is_43_unreserved_characters_and_differs_per_nonce() -> None:
    signer = Signer(SECRET)
    first, second = signer.verifier("n1"), signer.verifier("n2")
    assert len(first) == 43 and first != second
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def test_a_signed_state_verifies_and_any_change_or_other_key_is_refused() -> None:
    signer = Signer(SECRET)
    token = signer.sign({"p": "flow", "u": "U1", "n": "x", "t": 1000})
    assert signer.verify(token, purpose="flow", ttl=600, now=1100)["u"] == "U1"
    mac = token.split(".")[1]
    forged = json.dumps({"p": "flow", "u": "U2", "n": "x", "t": 1000}).encode()
    swapped = base64.urlsafe_b64encode(forged).rstrip(b"=").decode() + "." + mac
    for bad in (swapped, token + "x", "garbage", Signer("other" * 8).sign({"p": "flow"})):
        with pytest.raises(CallbackFailed) as refused:
            signer.verify(bad, purpose="flow", ttl=600, now=1100)
        assert refused.value.failure == "state_invalid"
    with pytest.raises(CallbackFailed) as other_purpose:
        signer.verify(token, purpose="start", ttl=600, now=1100)
    assert other_purpose.value.failure == "state_invalid"
    with pytest.raises(CallbackFailed) as late:
        signer.verify(token, purpose="flow", ttl=600, now=1601)
    assert late.value.failure == "state_expired"


def test_the_authorization_url_asks_redmine_for_code_s256_and_our_callback(
    identities: IdentityResolver,
) -> None:
    asked = authorize(identities)
    assert asked["response_type"] == "code"
    assert (asked["client_id"], asked["redirect_uri"]) == (CLIENT_ID, REDIRECT)
    assert asked["scope"] == "view_issues add_issues"
    assert asked["code_challenge_method"] == "S256"
    flow = Signer(SECRET).verify(asked["state"], purpose="flow", ttl=600, now=1_800_000_000)
    assert (flow["u"], flow["l"]) == ("U1", "de")
    assert asked["code_challenge"] == code_challenge(Signer(SECRET).verifier(str(flow["n"])))


def test_a_start_link_not_ours_or_run_out_gives_no_authorization_url(
    identities: IdentityResolver, clock: Clock
) -> None:
    oauth = oauth_of(identities)
    with pytest.raises(CallbackFailed) as forged:
        oauth.authorize_url("not-a-link")
    assert forged.value.failure == "state_invalid"
    link = query(oauth.start_link("U1"))["link"]
    clock.now += 3601
    with pytest.raises(CallbackFailed) as late:
        oauth.authorize_url(link)
    assert late.value.failure == "state_expired"


# -- the callback ------------------------------------------------------------------------


async def stored_rows(engine: AsyncEngine) -> list[tuple[str, str, str | None]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT slack_user_id, encrypted_access_token, refused_at FROM oauth_tokens")
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


@respx.mock
async def test_the_callback_exchanges_with_the_verifier_reads_the_account_and_stores_it_sealed(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    token = respx.post(f"{URL}/oauth/token").respond(200, json=grant("a1"))
    me = respx.get(f"{URL}/users/current.json").respond(200, json=BOB)
    asked = authorize(identities)
    done = await oauth_of(identities).finish(state=asked["state"], code="c1", error=None)
    assert (done.slack_user_id, done.login, done.name, done.language) == (
        "U1",
        "bob",
        "Bob Baker",
        "de",
    )
    sent = token.calls.last.request
    assert "X-Redmine-API-Key" not in sent.headers  # the service's key never goes along
    body = form(sent)
    assert body["grant_type"] == "authorization_code" and body["code"] == "c1"
    assert (body["client_id"], body["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
    assert body["redirect_uri"] == REDIRECT
    assert code_challenge(body["code_verifier"]) == asked["code_challenge"]
    read = me.calls.last.request
    assert read.headers["Authorization"] == "Bearer a1"
    assert "X-Redmine-API-Key" not in read.headers
    [(user, sealed, refused)] = await stored_rows(engine)
    assert (user, refused) == ("U1", None)
    assert "a1" not in sealed  # encrypted with SECRET_KEY
    identity = await identities.resolve("U1")
    assert (identity.source, identity.login, identity.redmine_user_id) == ("oauth", "bob", 7)


@respx.mock
async def test_a_replayed_state_is_refused_before_redmine_is_asked_again(
    identities: IdentityResolver,
) -> None:
    token = respx.post(f"{URL}/oauth/token").respond(200, json=grant("a1"))
    respx.get(f"{URL}/users/current.json").respond(200, json=BOB)
    state = authorize(identities)["state"]
    await oauth_of(identities).finish(state=state, code="c1", error=None)
    with pytest.raises(CallbackFailed) as replayed:
        await oauth_of(identities).finish(state=state, code="c1", error=None)
    assert replayed.value.failure == "state_replayed"
    assert token.call_count == 1


@pytest.mark.parametrize(
    ("state", "failure"),
    [(None, "state_invalid"), ("", "state_invalid"), ("abc.def", "state_invalid")],
)
@respx.mock
async def test_a_missing_or_forged_state_stores_nothing_and_asks_nothing(
    identities: IdentityResolver, engine: AsyncEngine, state: str | None, failure: str
) -> None:
    token = respx.post(f"{URL}/oauth/token").respond(200, json=grant("a1"))
    with pytest.raises(CallbackFailed) as refused:
        await oauth_of(identities).finish(state=state, code="c1", error=None)
    assert refused.value.failure == failure
    assert token.call_count == 0
    assert await stored_rows(engine) == []


@respx.mock
async def test_a_state_back_too_late_is_told_as_run_out(
    identities: IdentityResolver, engine: AsyncEngine, clock: Clock
) -> None:
    state = authorize(identities)["state"]
    clock.now += STATE_TTL + 1
    with pytest.raises(CallbackFailed) as late:
        await oauth_of(identities).finish(state=state, code="c1", error=None)
    assert (late.value.failure, late.value.language) == ("state_expired", "de")
    assert await stored_rows(engine) == []


@pytest.mark.parametrize(
    ("code", "error", "failure"),
    [(None, None, "no_code"), ("", None, "no_code"), (None, "access_denied", "denied")],
)
@respx.mock
async def test_no_code_or_a_denial_stores_nothing(
    identities: IdentityResolver,
    engine: AsyncEngine,
    code: str | None,
    error: str | None,
    failure: str,
) -> None:
    token = respx.post(f"{URL}/oauth/token").respond(200, json=grant("a1"))
    state = authorize(identities)["state"]
    with pytest.raises(CallbackFailed) as refused:
        await oauth_of(identities).finish(state=state, code=code, error=error)
    assert refused.value.failure == failure
    assert token.call_count == 0
    assert await stored_rows(engine) == []


@respx.mock
async def test_redmine_refusing_the_exchange_is_told_with_its_words_and_nothing_stored(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    respx.post(f"{URL}/oauth/token").respond(400, json=INVALID_GRANT)
    me = respx.get(f"{URL}/users/current.json").respond(200, json=BOB)
    state = authorize(identities)["state"]
    with pytest.raises(CallbackFailed) as refused:
        await oauth_of(identities).finish(state=state, code="stale", error=None)
    assert refused.value.failure == "exchange_refused"
    assert refused.value.detail.startswith("The provided authorization grant is invalid")
    assert me.call_count == 0
    assert await stored_rows(engine) == []


@respx.mock
async def test_redmine_unreachable_at_the_exchange_stores_nothing(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    respx.post(f"{URL}/oauth/token").mock(side_effect=httpx.ConnectError("refused"))
    state = authorize(identities)["state"]
    with pytest.raises(CallbackFailed) as refused:
        await oauth_of(identities).finish(state=state, code="c1", error=None)
    assert refused.value.failure == "unreachable"
    assert await stored_rows(engine) == []


@respx.mock
async def test_a_token_that_cannot_read_its_account_is_not_stored(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    respx.post(f"{URL}/oauth/token").respond(200, json=grant("a1"))
    respx.get(f"{URL}/users/current.json").respond(403)
    state = authorize(identities)["state"]
    with pytest.raises(CallbackFailed) as refused:
        await oauth_of(identities).finish(state=state, code="c1", error=None)
    assert refused.value.failure == "account_unreadable"
    assert await stored_rows(engine) == []


@respx.mock
async def test_a_token_answer_that_is_no_bearer_grant_puts_no_words_of_ours_on_the_page(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    # The page shows a refusal's detail (bot.blocks.oauth.failed_page): Redmine's own
    # description, or the code; our English reason stays in the log.
    respx.post(f"{URL}/oauth/token").respond(200, json={**grant("a1"), "token_type": "mac"})
    state = authorize(identities)["state"]
    with pytest.raises(CallbackFailed) as refused:
        await oauth_of(identities).finish(state=state, code="c1", error=None)
    assert (refused.value.failure, refused.value.detail) == ("exchange_refused", "invalid_response")
    assert await stored_rows(engine) == []


# -- acting with the token: refresh, refusal ------------------------------------------------


async def as_bob(identities: IdentityResolver) -> Redmine:
    return identities.redmine_for(await identities.resolve("U1"))


@respx.mock
async def test_requests_carry_the_bearer_token_and_no_api_key(
    identities: IdentityResolver,
) -> None:
    await connect_bob(identities)
    issues = respx.get(f"{URL}/issues/1.json").respond(200, json=ISSUE)
    await (await as_bob(identities)).issues.get(1)
    sent = issues.calls.last.request
    assert sent.headers["Authorization"] == "Bearer a1"
    assert "X-Redmine-API-Key" not in sent.headers
    assert "X-Redmine-Switch-User" not in sent.headers


@respx.mock
async def test_a_token_about_to_run_out_is_refreshed_before_the_request(
    identities: IdentityResolver, clock: Clock, engine: AsyncEngine
) -> None:
    await connect_bob(identities)
    [(_, sealed_before, _)] = await stored_rows(engine)
    clock.now += 7200 - 120  # two minutes left: inside the refresh margin
    refresh = respx.post(f"{URL}/oauth/token").respond(200, json=grant("a2", "r2"))
    issues = respx.get(f"{URL}/issues/1.json").respond(200, json=ISSUE)
    await (await as_bob(identities)).issues.get(1)
    body = form(refresh.calls.last.request)
    assert (body["grant_type"], body["refresh_token"]) == ("refresh_token", "r1")
    assert issues.calls.last.request.headers["Authorization"] == "Bearer a2"
    [(_, sealed_after, refused)] = await stored_rows(engine)
    assert sealed_after != sealed_before and refused is None
    # The newest pair is kept: the next refresh uses r2 (the old one stops working).
    clock.now += 7200 - 120
    refresh_again = respx.post(f"{URL}/oauth/token").respond(200, json=grant("a3", "r3"))
    await (await as_bob(identities)).issues.get(1)
    assert form(refresh_again.calls.last.request)["refresh_token"] == "r2"


@respx.mock
async def test_a_revoked_token_writes_nothing_and_tells_the_person_to_connect_again(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    await connect_bob(identities)
    # Revoked in Redmine (My account -> Authorized applications): doorkeeper's 401, and
    # the refresh token is revoked with it.
    created = respx.post(f"{URL}/issues.json").respond(
        401,
        headers={
            "WWW-Authenticate": 'Bearer realm="Redmine", error="invalid_token", '
            'error_description="The access token was revoked"'
        },
    )
    respx.post(f"{URL}/oauth/token").respond(400, json=INVALID_GRANT)
    redmine = await as_bob(identities)
    with pytest.raises(OAuthTokenRefused) as refused:
        await redmine.issues.create(project_id=1, subject="from Slack")
    assert created.call_count == 1  # a 401 wrote nothing, and it is not sent again
    assert user_message(refused.value) == RECONNECT
    [(_, _, refused_at)] = await stored_rows(engine)
    assert refused_at is not None
    # Meanwhile nothing goes to Redmine as them: not even with the cached identity.
    with pytest.raises(OAuthTokenRefused):
        await redmine.issues.create(project_id=1, subject="again")
    assert created.call_count == 1
    identities.forget("U1")
    with pytest.raises(NotLinked) as not_linked:
        await identities.resolve("U1")
    assert not_linked.value.message == RECONNECT


async def test_the_tokens_refusal_is_said_only_by_user_message_in_the_persons_language(
    identities: IdentityResolver,
) -> None:
    # OAuthTokenRefused's own text ("no OAuth token") is for the log: a person reads
    # bot.redmine.errors.user_message, here in Japanese.
    with pytest.raises(OAuthTokenRefused) as refused:
        await oauth_of(identities).bearer("U9", 9).token()
    with using(translator_for("ja")):
        said = user_message(refused.value)
    assert said.startswith("Redmine はもうあなたの接続を受け付けません")
    assert "no OAuth token" not in said


@respx.mock
async def test_a_refresh_refused_before_the_request_sends_nothing(
    identities: IdentityResolver, clock: Clock
) -> None:
    await connect_bob(identities)
    clock.now += 7200 + 60
    respx.post(f"{URL}/oauth/token").respond(400, json=INVALID_GRANT)
    created = respx.post(f"{URL}/issues.json").respond(201, json=ISSUE9)
    with pytest.raises(OAuthTokenRefused):
        await (await as_bob(identities)).issues.create(project_id=1, subject="x")
    assert created.call_count == 0


@respx.mock
async def test_a_401_to_a_token_that_can_be_refreshed_is_refreshed_and_sent_once_more(
    identities: IdentityResolver,
) -> None:
    await connect_bob(identities)
    created = respx.post(f"{URL}/issues.json").mock(
        side_effect=[httpx.Response(401), httpx.Response(201, json=ISSUE9)]
    )
    respx.post(f"{URL}/oauth/token").respond(200, json=grant("a2", "r2"))
    issue = await (await as_bob(identities)).issues.create(project_id=1, subject="x")
    assert issue.id == 9
    assert [c.request.headers["Authorization"] for c in created.calls] == [
        "Bearer a1",
        "Bearer a2",
    ]


# -- which identity wins -------------------------------------------------------------------


@respx.mock
async def test_oauth_wins_over_a_connected_key_and_a_later_key_replaces_it(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    respx.get(f"{URL}/my/account.json").respond(200, json={"user": {"id": 8, "login": "bobby"}})
    await identities.connect("U1", "f" * 40)
    assert (await identities.resolve("U1")).source == "connected"
    await connect_bob(identities)
    assert (await identities.resolve("U1")).source == "oauth"
    # Pasting a key afterwards is the newer choice: the OAuth connection goes.
    respx.post(f"{URL}/oauth/revoke").respond(200, json={})
    await identities.connect("U1", "f" * 40)
    assert (await identities.resolve("U1")).login == "bobby"
    assert await stored_rows(engine) == []


@respx.mock
async def test_disconnect_forgets_the_oauth_tokens_and_revokes_them_in_redmine(
    identities: IdentityResolver, engine: AsyncEngine
) -> None:
    await connect_bob(identities)
    revoke = respx.post(f"{URL}/oauth/revoke").respond(200, json={})
    assert await identities.disconnect("U1") is True
    assert form(revoke.calls.last.request)["token"] == "a1"
    assert await stored_rows(engine) == []
    with pytest.raises(NotLinked):
        await identities.resolve("U1")
