"""HTTP adapter for the writers' API (``/api/documents``): parse, authenticate, call
:mod:`webmap.documents`, answer JSON. Bearer tokens from ``sxmap users add``."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from geo.errors import InputError
from geo.store.repository import sha256
from geo.text import MAX_BYTES
from webmap import documents
from webmap.documents import Upload
from webmap.review.auth import bearer_token

bp = Blueprint("writers", __name__)


def repo():
    return current_app.extensions["atlas_repo"]


def current_user():
    token = bearer_token()
    return None if token is None else repo().authenticate(token)


def _json(status: int, body: dict):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _text_field(data, name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name} must be a string")
    return value


def _upload() -> Upload:
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None or not file.filename:
            raise InputError("multipart upload needs a 'file' part")
        content = file.read(MAX_BYTES + 1)
        form = request.form
    elif request.mimetype == "application/json":
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError('JSON body must be an object with a "text" string')
        content, file, form = data["text"].encode("utf-8"), None, data
    else:
        raise documents.UnsupportedBody()
    return Upload(
        content=content,
        filename=file.filename if file else _text_field(form, "filename"),
        media_type=file.mimetype if file else None,
        title=_text_field(form, "title"),
        publisher=_text_field(form, "publisher"),
        url=_text_field(form, "url"),
        published=_text_field(form, "published"),
        state=_text_field(form, "state"),
    )


def _limit() -> None:
    token = bearer_token()
    current_app.extensions["atlas_write_limiter"].take(sha256((token or "").encode()))


@bp.post("/api/documents")
def create():
    user = documents.require(current_user(), "editor")  # before reading any body
    _limit()
    return _json(*documents.create(repo(), user, _upload()))


@bp.get("/api/documents")
def listing():
    try:
        limit = int(request.args.get("limit", documents.PAGE_LIMIT))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise InputError("limit and offset must be integers") from None
    return _json(
        *documents.listing(repo(), current_user(), request.args.get("state"), limit, offset)
    )


@bp.get("/api/documents/<doc_id>")
def detail(doc_id: str):
    return _json(*documents.detail(repo(), current_user(), doc_id))


@bp.delete("/api/documents/<doc_id>")
def retract(doc_id: str):
    user = documents.require(current_user(), "editor")
    _limit()
    note = request.args.get("note")
    return _json(*documents.retract(repo(), user, doc_id, note))
