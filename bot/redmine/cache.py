"""A bounded TTL cache for data that rarely changes (trackers, statuses, enumerations...)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import cachetools

# Keys grow with every person and resource (the client caches per acting user), so the
# cache is bounded: past this many entries the least recently used one goes first.
DEFAULT_MAX_ENTRIES = 4096


class TTLCache:
    """Maps a key to a value for `ttl` seconds; concurrent misses for one key load once."""

    def __init__(
        self,
        ttl: float = 300.0,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ttl = ttl
        self._values: cachetools.TTLCache[Hashable, Any] = cachetools.TTLCache(
            maxsize=max_entries, ttl=ttl, timer=clock
        )
        self._loading: dict[Hashable, asyncio.Future[Any]] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> Any | None:
        return self._values.get(key)

    def set(self, key: Hashable, value: Any) -> None:
        self._values[key] = value

    def discard(self, key: Hashable) -> None:
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()

    async def get_or_load(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        cached = self.get(key)
        if cached is not None:
            return cached
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # mark retrieved: waiters re-raise, nobody warns
            raise
        finally:
            self._loading.pop(key, None)
        self.set(key, value)
        future.set_result(value)
        return value
