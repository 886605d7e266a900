"""Live data: each request sees one data version; a write shows on the next requests.

Every write to the store bumps its data version. Each app process checks the version at
most every ``DATA_VERSION_POLL`` seconds (one indexed single-row read) and, when it
changed, builds the read model of the new version (:class:`webmap.store.Store` and the
OGC collections) while other requests go on with the old one; then swaps one reference.
Cache keys carry the data version, so no stale page, download or ETag is served.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import current_app, g

log = logging.getLogger(__name__)


@dataclass
class State:
    """Everything derived from one data version."""

    version: int
    store: object  # webmap.store.Store
    collections: dict  # geo.features collections for the OGC API


class Live:
    def __init__(self, repo, build, poll_seconds: float = 0.25):
        self.repo = repo
        self._build = build  # (snapshot) -> State
        self.poll = poll_seconds
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self.state: State = build(repo.snapshot())

    def current(self) -> State:
        """The newest state, rebuilt at most once per change (other requests never wait)."""
        now = time.monotonic()
        if now - self._checked < self.poll:
            return self.state
        self._checked = now
        if self.repo.data_version() == self.state.version:
            return self.state
        if not self._lock.acquire(blocking=False):
            return self.state  # another request is building it: serve the old one meanwhile
        try:
            snapshot = self.repo.snapshot()
            if snapshot.version != self.state.version:
                started = time.perf_counter()
                self.state = self._build(snapshot)
                log.info(
                    "data version %s live (%.0f ms)",
                    snapshot.version,
                    (time.perf_counter() - started) * 1000,
                )
        finally:
            self._lock.release()
        return self.state


def state() -> State:
    """This request's state: fixed at its first use, so one request never mixes versions."""
    if "atlas_state" not in g:
        g.atlas_state = current_app.extensions["atlas_live"].current()
    return g.atlas_state


def store():
    return state().store
