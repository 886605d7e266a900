"""Live data: each request sees one data version; a write shows on the next requests.

Every write to the store bumps its data version. Each app process checks the version at
most every ``DATA_VERSION_POLL`` seconds (one indexed single-row read) and, when it
changed, builds the read model of the new version (:class:`webmap.store.Store` and the
OGC collections) in a background thread while requests go on with the old one; then
swaps one reference. The request that noticed the change waits for the new version at
most ``DATA_VERSION_WAIT`` seconds (a small dataset shows at once; a large one never
stalls a request for the seconds its build takes). Cache keys carry the data version,
so no stale page, download or ETag is served.
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
    def __init__(self, repo, build, poll_seconds: float = 0.25, wait_seconds: float = 0.1):
        self.repo = repo
        self._build = build  # (snapshot) -> State
        self.poll = poll_seconds
        self.wait = wait_seconds
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self._checked = time.monotonic()
        self.builds = 0  # read models built (start-up included), for /metrics
        self.build_seconds = 0.0  # how long the last one took
        self.state: State = self._timed(repo.snapshot())

    def _timed(self, snapshot) -> State:
        started = time.perf_counter()
        state = self._build(snapshot)
        self.build_seconds = time.perf_counter() - started
        self.builds += 1
        log.info("data version %s live (%.0f ms)", snapshot.version, self.build_seconds * 1000)
        return state

    def _rebuild(self) -> None:
        try:
            snapshot = self.repo.snapshot()
            if snapshot.version != self.state.version:
                self.state = self._timed(snapshot)
        except Exception:  # the old version keeps serving; the next check tries again
            log.exception("building the read model failed")

    @property
    def building(self) -> bool:
        return self._builder is not None and self._builder.is_alive()

    def current(self) -> State:
        """The newest state: a change starts one background build; this request waits for
        it at most ``wait`` seconds, other requests not at all."""
        now = time.monotonic()
        if now - self._checked < self.poll:
            return self.state
        self._checked = now
        if self.repo.data_version() == self.state.version:
            return self.state
        with self._lock:
            if self.building:
                return self.state  # being built: serve the old one meanwhile
            self._builder = threading.Thread(
                target=self._rebuild, name="atlas-read-model", daemon=True
            )
            self._builder.start()
            builder = self._builder
        builder.join(self.wait)
        return self.state


def state() -> State:
    """This request's state: fixed at its first use, so one request never mixes versions."""
    if "atlas_state" not in g:
        g.atlas_state = current_app.extensions["atlas_live"].current()
    return g.atlas_state


def store():
    return state().store
