"""The writers' API as plain functions: ``(repository, user, input) -> (status, body)``.

No Flask here (``webmap.api_writers`` is the HTTP adapter): handlers take parsed input
and return a status and a JSON-ready body; errors are :class:`AtlasError` subclasses
that carry their HTTP status.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from geo.errors import AtlasError, InputError
from geo.store import schema as s
from geo.store.repository import AuthError, NewDocument, Repository, User

PAGE_LIMIT = 100


class Forbidden(AtlasError):
    status = 403


class UnsupportedBody(AtlasError):
    status = 415

    def __init__(self):
        super().__init__("send multipart/form-data with a 'file' part, or application/json")


class RateLimited(AtlasError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(f"too many writes with this token: retry in {retry_after} s")
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Upload:
    """A document as sent: bytes (a file, or pasted text encoded as UTF-8) and metadata."""

    content: bytes
    filename: str | None = None
    media_type: str | None = None
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    state: str | None = None


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"published must be a YYYY-MM-DD date, not {value[:20]!r}") from None


def _url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise InputError("url must start with http:// or https://")
    return value or None


def require(user: User | None, role: str) -> User:
    if user is None:
        raise AuthError("authentication required: send 'Authorization: Bearer <token>'")
    if not user.can(role):
        raise Forbidden(f"the {user.role} role cannot do this; it needs {role}")
    return user


def _record(row: dict, kind: str) -> dict:
    keep = s.csv_columns(s.project_mentions if kind == "project" else s.batch_mentions)
    out = {k: row.get(k) for k in keep}
    out["span"] = [row.get("span_start"), row.get("span_end")]
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in out.items()}


def _metadata(doc: dict) -> dict:
    out = {k: doc.get(k) for k in s.csv_columns(s.documents) if k in doc}
    out["links"] = {"self": f"/api/documents/{doc['doc_id']}"}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in out.items()}


def create(repo: Repository, user: User | None, upload: Upload) -> tuple[int, dict]:
    """201 with the new document and its records; 200 when the bytes were known already."""
    user = require(user, "editor")
    state = upload.state or "published"
    if state not in ("published", "new", "in_review"):
        raise InputError("state must be published, new or in_review")
    if len(upload.title or "") > 500 or len(upload.publisher or "") > 200:
        raise InputError("title (500) or publisher (200 characters) too long")
    result = repo.ingest(
        NewDocument(
            upload.content,
            filename=upload.filename,
            media_type=upload.media_type,
            title=upload.title or None,
            publisher=upload.publisher or None,
            url=_url(upload.url),
            published=_published(upload.published),
            state=state,
        ),
        actor=user.name,
    )
    body = {
        "doc_id": result.doc_id,
        "created": result.created,
        "state": result.state,
        "links": {"self": f"/api/documents/{result.doc_id}"},
    }
    if not result.created:
        body["message"] = "the same bytes were ingested before: this is that document"
        return 200, body
    body.update(
        projects=[_record(r, "project") for r in result.projects],
        batches=[_record(r, "batch") for r in result.batches],
        warnings=result.warnings,
        merged=result.merged,
    )
    return 201, body


def listing(repo: Repository, user: User | None, state: str | None, limit: int, offset: int):
    user = require(user, "reader")
    if state and state not in s.DOCUMENT_STATES:
        raise InputError(f"state must be one of {', '.join(s.DOCUMENT_STATES)}")
    if not user.can("editor"):
        if state not in (None, "published"):
            raise Forbidden("readers see published documents only")
        state = "published"
    limit = max(1, min(limit, PAGE_LIMIT))
    total, page = repo.documents(state=state, limit=limit, offset=max(0, offset))
    return 200, {
        "total": total,
        "limit": limit,
        "offset": offset,
        "documents": [_metadata(d) for d in page],
    }


def detail(repo: Repository, user: User | None, doc_id: str) -> tuple[int, dict]:
    user = require(user, "reader")
    doc = repo.document(doc_id)
    if doc["state"] != "published" and not user.can("editor"):
        raise Forbidden("readers see published documents only")
    body = _metadata(doc)
    body["text"] = doc.get("text")
    body["projects"] = [_record(r, "project") for r in doc["projects"]]
    body["batches"] = [_record(r, "batch") for r in doc["batches"]]
    body["annotations"] = [
        {
            "type": a["type"],
            "kind": a["kind"],
            "label": a["label"],
            "zone_id": a["ref"],
            "value_cny": a["value_cny"],
            "span": [a["span_start"], a["span_end"]],
        }
        for a in doc["annotations"]
    ]
    return 200, body


def retract(repo: Repository, user: User | None, doc_id: str, note: str | None):
    user = require(user, "editor")
    before = repo.retract(doc_id, user.name, note)
    return 200, {"doc_id": doc_id, "state": "retracted", "previous_state": before}


class RateLimiter:
    """A token bucket per API token: ``rate`` writes per minute, bursts up to ``rate``.

    Per process: with N workers a token gets at most N times the rate, still bounded.
    """

    def __init__(self, per_minute: int):
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        if self.capacity <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                raise RateLimited(max(1, int((1 - tokens) / self.rate) + 1))
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > 10_000:  # forget idle tokens, bounded memory
                self._buckets = dict(list(self._buckets.items())[-5_000:])
