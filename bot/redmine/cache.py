"""A small TTL cache for data that rarely changes (trackers, statuses, enumerations...)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class TTLCache:
    """Maps a key to a value for `ttl` seconds; concurrent misses for one key load once."""

    def __init__(self, ttl: float = 300.0, *, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._loading: dict[Hashable, asyncio.Future[Any]] = {}

    def get(self, key: Hashable) -> Any | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self._clock():
            del self._values[key]
            return None
        return value

    def set(self, key: Hashable, value: Any) -> None:
        self._values[key] = (self._clock() + self.ttl, value)

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
