"""The one response cache of the app: least-recently-used entries, bounded by bytes.

Used for rendered pages, download bodies and OGC API responses (one instance each, sized
by the ``*_CACHE_BYTES`` settings). Keys are what changes an answer: the route, its
normalised parameters, the negotiated format and the dataset's version, never raw
request headers. Values report their own size (``nbytes``, or ``len`` for bytes); a
value larger than the whole cache is served but not kept. Counters (hits, misses,
evictions, bytes, entries) are plain attributes, for a metrics endpoint.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


def size_of(value: Any) -> int:
    if isinstance(value, (bytes, bytearray, str)):
        return len(value)
    return int(value.nbytes)


class ByteCache:
    """A thread-safe LRU mapping whose values together take at most ``max_bytes``."""

    def __init__(self, name: str, max_bytes: int):
        if max_bytes < 0:
            raise ValueError(f"{name}: max_bytes must be >= 0")
        self.name = name
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = self.oversized = 0
        self.bytes = 0

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The cached value of ``key``, else ``build()`` (run outside the lock), kept."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return item[0]
            self.misses += 1
        value = build()
        self.put(key, value)
        return value

    def peek(self, key: Hashable) -> Any | None:
        """The cached value of ``key`` (counted as a hit), else ``None`` (a miss)."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any) -> None:
        size = size_of(value)
        with self._lock:
            if size > self.max_bytes:
                self.oversized += 1
                return
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped
                self.evictions += 1

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    @property
    def entries(self) -> int:
        return len(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def stats(self) -> dict[str, int | str]:
        return {
            "name": self.name,
            "hits": self.hits,
            "misses": self.misses,
            "evictions": self.evictions,
            "oversized": self.oversized,
            "bytes": self.bytes,
            "max_bytes": self.max_bytes,
            "entries": self.entries,
        }
