"""Transport to Redmine's REST API: auth, impersonation, retries, paging, errors, streaming.

`RedmineClient` holds one pooled `httpx.AsyncClient`. `as_user(login)`,
`with_api_key(key)` and `with_bearer(source)` (a person's OAuth2 token, Redmine 6.1+)
return *views* that share the pool and the cache but send their own auth headers on
every request, so no mutable state is shared between users.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import socket
import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx

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
    OAuthTokenRefused,
    RedmineError,
    RedmineHTTPError,
    RedmineTimeout,
    RedmineUnavailable,
    ServerError,
    TLSFailure,
    ValidationError,
)
from bot.redmine.features import Features

if TYPE_CHECKING:
    from bot.redmine.oauth import BearerSource

log = logging.getLogger(__name__)

PAGE_SIZE = 100
# Requests that may be sent again after a timeout. Not PUT: Redmine adds a journal (and
# attaches uploads) on every PUT with notes, so a replay after a lost answer would post
# the note twice. Not DELETE: a replay of one that worked answers 404, and the person
# would hear it failed.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GATEWAY_STATUSES = frozenset({502, 503, 504})
RETRY_STATUSES = frozenset({429, *GATEWAY_STATUSES})
MAX_RETRY_AFTER = 30.0
# Connections to Redmine held open at once, and kept open between requests. All of them
# are kept: a slow Redmine holds many requests at once, and a pool that keeps fewer than
# it opens closes and reconnects the rest on every answer.
MAX_CONNECTIONS = 32

Params = Mapping[str, Any]
# (method, path, outcome, seconds): outcome is the HTTP status, `timeout` or `connection_error`.
Observer = Callable[[str, str, str, float], None]


def _clean_params(params: Params | None) -> dict[str, str]:
    """Drop None values and render the rest as Redmine expects (bools as 1/0, lists joined)."""
    if not params:
        return {}
    clean: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            clean[key] = "1" if value else "0"
        elif isinstance(value, list | tuple | set | frozenset):
            clean[key] = ",".join(str(v) for v in value)
        else:
            clean[key] = str(value)
    return clean


def _error_messages(response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):
        return [str(e) for e in errors]
    if isinstance(errors, str):
        return [errors]
    return []


async def backoff_pause(seconds: float) -> None:
    """The wait before a retry. Its own name so a test stands in for this wait alone:
    patching asyncio.sleep would stop every other loop in the process (a test server's
    too) from waiting at all."""
    await asyncio.sleep(seconds)


def _no_cookies() -> CookieJar:
    """A jar that keeps nothing. Redmine answers API calls with a `_redmine_session`
    cookie; one client serves every person's view (each its own X-Redmine-Switch-User),
    so a kept cookie would go back to Redmine on everyone's requests. The API key or
    bearer token is the only credential we send; a session is never ours to carry."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class RedmineClient:
    """Async client for one Redmine; see the module docstring for views per user."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = 15.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        cache: TTLCache | None = None,
        switch_user: str | None = None,
        observe: Observer | None = None,
        features: Features | None = None,
        ca_bundle: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._api_key = api_key
        self._switch_user = switch_user
        self._bearer: BearerSource | None = None
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(
                max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
            ),
            follow_redirects=False,
            verify=tls_verification(ca_bundle),
            cookies=_no_cookies(),
        )
        self.max_retries = max_retries
        self.backoff = backoff
        self.cache = cache if cache is not None else TTLCache()
        # Told (method, path, outcome, seconds) after every attempt, for bot.metrics.
        self.observe = observe
        # How this Redmine differs from others, probed once and shared by every view.
        self.features = features if features is not None else Features()
        self.turns = Turns(MAX_CONNECTIONS)

    # -- views ------------------------------------------------------------------------

    def _view(
        self, *, api_key: str, switch_user: str | None, bearer: BearerSource | None = None
    ) -> RedmineClient:
        view = RedmineClient.__new__(RedmineClient)
        view.base_url = self.base_url
        view._api_key = api_key
        view._switch_user = switch_user
        view._bearer = bearer
        view._owns_http = False
        view.http = self.http
        view.max_retries = self.max_retries
        view.backoff = self.backoff
        view.cache = self.cache
        view.observe = self.observe
        view.features = self.features
        view.turns = self.turns
        return view

    def as_user(self, login: str) -> RedmineClient:
        """A view that acts as `login` (admin key + X-Redmine-Switch-User)."""
        return self._view(api_key=self._api_key, switch_user=login)

    def with_api_key(self, api_key: str) -> RedmineClient:
        """A view that acts with a user's own API key (connected-keys-only mode)."""
        return self._view(api_key=api_key, switch_user=None)

    def with_bearer(self, source: BearerSource) -> RedmineClient:
        """A view that acts with a person's OAuth2 access token (`Authorization: Bearer`):
        no API key at all is sent, so Redmine sees only that person, within the scopes."""
        return self._view(api_key="", switch_user=None, bearer=source)

    @property
    def switch_user(self) -> str | None:
        return self._switch_user

    @property
    def acting_as(self) -> str:
        """Who this view acts as, for cache keys: a login, or a digest of the API key."""
        if self._switch_user is not None:
            return "login:" + self._switch_user
        if self._bearer is not None:
            return "oauth:" + self._bearer.key
        return "key:" + hashlib.sha256(self._api_key.encode()).hexdigest()[:16]

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def __aenter__(self) -> RedmineClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- transport --------------------------------------------------------------------

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def is_redmine_url(self, url: str) -> bool:
        """True when `url` points at this Redmine (so sending the API key there is safe)."""
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc) and (
            theirs.path.startswith(ours.path)
        )

    async def _bearer_token(self) -> str | None:
        """The person's access token for the next attempt (None: this view uses a key)."""
        return await self._bearer.token() if self._bearer is not None else None

    def _headers(
        self, extra: Mapping[str, str] | None = None, *, bearer: str | None = None
    ) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        else:
            headers["X-Redmine-API-Key"] = self._api_key
        if self._switch_user is not None:
            headers["X-Redmine-Switch-User"] = self._switch_user
        if extra:
            headers.update(extra)
        return headers

    def _raise_for_status(self, method: str, path: str, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        kwargs = {"method": method, "path": path}
        if status == 401 and self._bearer is not None:
            raise OAuthTokenRefused("Redmine refused the OAuth token", status=401, **kwargs)
        if status == 401:
            raise AuthenticationError("Redmine rejected the API key", status=401, **kwargs)
        if status == 403:
            raise ForbiddenError("not allowed", status=403, **kwargs)
        if status == 404:
            raise NotFoundError("not found", status=404, **kwargs)
        if status == 409:
            raise ConflictError("conflict", status=409, **kwargs)
        if status == 412:
            raise ImpersonationError(
                "Redmine refused to switch to this user", login=self._switch_user, **kwargs
            )
        if status == 422:
            raise ValidationError(_error_messages(response), **kwargs)
        if status in GATEWAY_STATUSES:
            raise GatewayError("no answer through the proxy", status=status, **kwargs)
        if status >= 500:
            raise ServerError("Redmine server error", status=status, **kwargs)
        raise RedmineHTTPError("unexpected status", status=status, **kwargs)

    def _retry_delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and response.status_code == 429:
            retry_after = response.headers.get("Retry-After", "")
            try:
                return min(max(float(retry_after), 0.0), MAX_RETRY_AFTER)
            except ValueError:
                pass
        # Full jitter: spreads retries from many callers instead of synchronising them.
        return random.uniform(0, self.backoff * (2**attempt))

    async def _send(
        self,
        method: str,
        path: str,
        params: Params | None,
        json: Any,
        content: bytes | AsyncIterable[bytes] | None,
        headers: Mapping[str, str] | None,
        bearer: str | None = None,
    ) -> httpx.Response:
        """One attempt, timed and reported to `observe` (by status, or the error's kind)."""
        started = time.perf_counter()
        outcome = "error"
        try:
            async with self.turns.take(self.http.timeout.pool):
                response = await self.http.request(
                    method,
                    self.url(path),
                    params=_clean_params(params),
                    json=json,
                    content=content,
                    headers=self._headers(headers, bearer=bearer),
                )
            outcome = str(response.status_code)
            return response
        except httpx.TimeoutException:
            outcome = "timeout"
            raise
        except httpx.TransportError:
            outcome = "connection_error"
            raise
        finally:
            if self.observe is not None:
                self.observe(method, path, outcome, time.perf_counter() - started)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        content: bytes | AsyncIterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; raise a `RedmineError` for any failure.

        Idempotent methods are retried on connection errors, 429, 502, 503 and 504.
        A POST is retried only when the connection failed before anything was sent
        (or on 429, which Redmine's proxies send before processing), and never when
        its body is a stream that cannot be replayed.
        """
        method = method.upper()
        path = "/" + path.lstrip("/").split("?", 1)[0]
        replayable = not (content is not None and not isinstance(content, bytes))
        idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        newer_token_tried = False
        while True:
            response: httpx.Response | None = None
            # Refreshed first when about to run out; a token Redmine will not take raises
            # here, before anything is sent as the person.
            bearer = await self._bearer_token()
            try:
                response = await self._send(method, path, params, json, content, headers, bearer)
            except httpx.TimeoutException as error:
                retry = idempotent and replayable and not isinstance(error, httpx.WriteTimeout)
                if not (retry and attempt < self.max_retries):
                    raise unavailable(
                        error, method, path, maybe_done=not idempotent and _was_sent(error)
                    ) from None
            except httpx.TransportError as error:
                # ConnectError means nothing reached Redmine, so even a POST may go again.
                safe = idempotent or isinstance(error, httpx.ConnectError)
                if not (safe and replayable and attempt < self.max_retries):
                    raise unavailable(
                        error, method, path, maybe_done=not idempotent and _was_sent(error)
                    ) from None
            else:
                if (
                    response.status_code == 401
                    and self._bearer is not None
                    and bearer is not None
                    and replayable
                    and not newer_token_tried
                    and await self._bearer.refused(bearer)
                ):
                    # Refreshed meanwhile (another request or replica): a 401 wrote
                    # nothing, so the same request goes once more with the newer token.
                    newer_token_tried = True
                    continue
                retryable_status = response.status_code in RETRY_STATUSES and (
                    idempotent or response.status_code == 429
                )
                if not (retryable_status and replayable and attempt < self.max_retries):
                    self._raise_for_status(method, path, response)
                    return response
            delay = self._retry_delay(attempt, response)
            log.info("retrying %s %s in %.2fs (attempt %d)", method, path, delay, attempt + 1)
            await backoff_pause(delay)
            attempt += 1

    async def probe(self, path: str, *, seconds: float) -> None:
        """One GET with its own short timeout, no retry and no cache: is Redmine there now?"""
        path = "/" + path.lstrip("/")
        bearer = await self._bearer_token()
        try:
            response = await self.http.get(
                self.url(path), headers=self._headers(bearer=bearer), timeout=seconds
            )
        except httpx.TransportError as error:
            raise unavailable(error, "GET", path) from None
        self._raise_for_status("GET", path, response)

    async def status_of(self, path: str) -> int:
        """The status of one GET sent without credentials or retries (is this route there?)."""
        path = "/" + path.lstrip("/")
        try:
            response = await self.http.get(self.url(path), headers={"Accept": "text/html"})
        except httpx.TransportError as error:
            raise unavailable(error, "GET", path) from None
        return response.status_code

    async def post_form_without_key(self, path: str, form: Mapping[str, str]) -> httpx.Response:
        """One form POST with no API key and no retry, the answer whatever its status:
        for OAuth's token endpoint (bot/redmine/oauth.py), which authenticates the client
        by its id and secret, and whose code is single use, so it is never sent twice."""
        path = "/" + path.lstrip("/")
        started = time.perf_counter()
        outcome = "error"
        try:
            response = await self.http.post(
                self.url(path), data=dict(form), headers={"Accept": "application/json"}
            )
            outcome = str(response.status_code)
            return response
        except httpx.TransportError as error:
            outcome = "timeout" if isinstance(error, httpx.TimeoutException) else "connection_error"
            raise unavailable(error, "POST", path, maybe_done=_was_sent(error)) from None
        finally:
            if self.observe is not None:
                self.observe("POST", path, outcome, time.perf_counter() - started)

    async def get(self, path: str, params: Params | None = None) -> dict[str, Any]:
        response = await self.request("GET", path, params=params)
        body: dict[str, Any] = response.json()
        return body

    async def post(self, path: str, json: Any, params: Params | None = None) -> dict[str, Any]:
        response = await self.request("POST", path, params=params, json=json)
        if not response.content.strip():
            return {}
        body: dict[str, Any] = response.json()
        return body

    async def put(self, path: str, json: Any = None, params: Params | None = None) -> None:
        await self.request("PUT", path, params=params, json=json)

    async def delete(self, path: str, params: Params | None = None) -> None:
        await self.request("DELETE", path, params=params)

    async def get_cached(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET through the TTL cache; for data that rarely changes (trackers, statuses...).

        The key includes who is acting (the switched-to login, or a digest of a personal
        key), because what a user may see can differ: one person's answer must never be
        served to another.
        """
        key = (self.acting_as, path, tuple(sorted(_clean_params(params).items())))
        cached: dict[str, Any] = await self.cache.get_or_load(key, lambda: self.get(path, params))
        return cached

    async def paginate(
        self, path: str, key: str, params: Params | None = None, *, page_size: int = PAGE_SIZE
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield every item of a collection, page by page (`limit`, `offset`, `total_count`)."""
        offset = 0
        while True:
            body = await self.get(path, {**(params or {}), "limit": page_size, "offset": offset})
            items = body.get(key) or []
            for item in items:
                yield item
            offset += len(items)
            total = body.get("total_count")
            # Collections without total_count (e.g. trackers) come in one page.
            if not items or total is None or offset >= int(total):
                return

    async def collect(
        self, path: str, key: str, params: Params | None = None
    ) -> list[dict[str, Any]]:
        return [item async for item in self.paginate(path, key, params)]

    async def collect_cached(
        self, path: str, key: str, params: Params | None = None
    ) -> list[dict[str, Any]]:
        """Every page of a collection through the TTL cache, keyed like `get_cached`."""
        cache_key = ("all", self.acting_as, path, key, tuple(sorted(_clean_params(params).items())))
        items: list[dict[str, Any]] = await self.cache.get_or_load(
            cache_key, lambda: self.collect(path, key, params)
        )
        return items

    # -- files ------------------------------------------------------------------------

    @asynccontextmanager
    async def stream(self, url_or_path: str) -> AsyncIterator[httpx.Response]:
        """Stream a download (an attachment's content_url) without reading it whole.

        The API key is only sent when the URL is on this Redmine.
        """
        url = url_or_path if "://" in url_or_path else self.url(url_or_path)
        path = urlsplit(url).path
        if not self.is_redmine_url(url):
            raise RedmineError("refusing to send the API key off Redmine", method="GET", path=path)
        bearer = await self._bearer_token()
        try:
            async with (
                self.turns.take(self.http.timeout.pool),
                self.http.stream("GET", url, headers=self._headers(bearer=bearer)) as response,
            ):
                if response.status_code >= 400:
                    await response.aread()
                    self._raise_for_status("GET", path, response)
                yield response
        except httpx.TransportError as error:
            raise unavailable(error, "GET", path) from None


__all__ = ["PAGE_SIZE", "RedmineClient", "RedmineError"]


class Turns:
    """Requests to Redmine take turns here, first come first served, at most `size` at once.

    httpx's pool queues the requests it has no connection for too, but it looks through
    every waiting request and every connection each time one is sent or answered: with a
    slow Redmine holding a hundred requests that was a quarter of the service's CPU, in
    the event loop that acks Slack (bench/ack_latency.py). Here a wait costs nothing, and
    the pool never has more requests than connections. A turn waited for longer than the
    pool's own timeout fails as the pool's would (httpx.PoolTimeout).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        # A semaphore belongs to the event loop it first waited in: one per loop.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._free = asyncio.Semaphore(size)

    @asynccontextmanager
    async def take(self, patience: float | None) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._free = loop, asyncio.Semaphore(self.size)
        free = self._free
        if free.locked():
            try:
                async with asyncio.timeout(patience):
                    await free.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("no connection to Redmine came free in time") from None
        else:
            await free.acquire()  # a free turn: taken at once, no wait
        try:
            yield
        finally:
            free.release()


def tls_verification(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """How Redmine's certificate is checked: against `ca_bundle` (a PEM file) alone when
    given (a company's own CA), else against httpx's default authorities."""
    if ca_bundle is None:
        return True
    return ssl.create_default_context(cafile=ca_bundle)


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it was raised from: httpx wraps httpcore, which wraps the OS's."""
    chain: list[BaseException] = []
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if any(current is seen for seen in chain):
            continue
        chain.append(current)
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return chain


def unavailable(
    error: httpx.TransportError, method: str, path: str, *, maybe_done: bool = False
) -> RedmineUnavailable:
    """The true reason Redmine gave no answer, so the person is told that one."""
    causes = _causes(error)
    kind: type[RedmineUnavailable] = RedmineUnavailable
    message = f"cannot reach Redmine ({type(error).__name__})"
    if isinstance(error, httpx.TimeoutException):
        kind, message = RedmineTimeout, "Redmine did not answer in time"
    elif any(isinstance(c, ssl.SSLCertVerificationError) for c in causes):
        kind, message = CertificateNotTrusted, "Redmine's TLS certificate did not verify"
    elif any(isinstance(c, ssl.SSLError) for c in causes):
        kind, message = TLSFailure, "TLS with Redmine failed"
    elif any(isinstance(c, socket.gaierror) for c in causes):
        kind, message = NameNotResolved, "Redmine's host name does not resolve"
    elif any(isinstance(c, ConnectionRefusedError) for c in causes):
        kind, message = ConnectionRefused, "Redmine refused the connection"
    elif isinstance(error, httpx.ConnectError):
        kind = RedmineUnavailable
    elif isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
        kind, message = ConnectionLost, "the connection to Redmine broke"
    return kind(message, method=method, path=path, maybe_done=maybe_done)


def _was_sent(error: httpx.TransportError) -> bool:
    """Whether the request may have reached Redmine before the failure."""
    return not isinstance(
        error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.WriteTimeout
    )
