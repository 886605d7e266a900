"""The review actions as plain functions: ``(repository, user, input) -> result``.

No Flask here (``webmap.review.views`` is the HTTP adapter): input is a mapping of form
fields or JSON members, the result a JSON-ready dict; errors are :class:`AtlasError`
subclasses carrying their HTTP status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from geo.errors import InputError
from geo.store import edits
from geo.store.common import NotFoundError, User
from webmap import documents
from webmap.documents import Forbidden, Upload
from webmap.review import present

_KEY = re.compile(r"^([pb])(\d{1,12})$")
KIND_OF = {"p": "project", "b": "batch"}
PAGE_SIZES = (10, 25, 50, 100)


def parse_key(key: str) -> tuple[str, int]:
    """("project", 12) from "p12", ("batch", 7) from "b7"."""
    match = _KEY.match(key or "")
    if not match:
        raise NotFoundError(f"no record {key[:20]!r}")
    return KIND_OF[match.group(1)], int(match.group(2))


def _get(data: Mapping, name: str):
    value = data.get(name)
    return value.strip() if isinstance(value, str) else value


# --------------------------------------------------------------------------- queue


def queue_filters(args: Mapping) -> dict:
    """Queue filters from the query string, checked (a bad one is a 400 naming it)."""
    from geo.store import schema as s

    out: dict = {}
    state = _get(args, "state")
    if state:
        if state not in s.DOCUMENT_STATES:
            raise InputError(f"state: one of {', '.join(s.DOCUMENT_STATES)}")
        out["state"] = state
    for name in ("date_from", "date_to"):
        value = _get(args, name)
        if value:
            try:
                out[name] = date.fromisoformat(value)
            except ValueError:
                raise InputError(f"{name}: a YYYY-MM-DD date") from None
    city = _get(args, "city")
    if city:
        if not re.fullmatch(r"14\d\d00", city) or city == "140000":
            raise InputError("city: a city adcode such as 140100")
        out["city"] = city
    for name in ("source", "editor"):
        value = _get(args, name)
        if value:
            out[name] = value[:100]
    return out


def page_args(args: Mapping, default_size: int) -> tuple[int, int]:
    try:
        page = int(args.get("page") or 1)
        size = int(args.get("per_page") or default_size)
    except ValueError:
        raise InputError("page and per_page: whole numbers") from None
    if page < 1:
        raise InputError("page: 1 or more")
    if size not in PAGE_SIZES:
        raise InputError(f"per_page: one of {', '.join(map(str, PAGE_SIZES))}")
    return page, size


def queue(repo, filters: dict, page: int, size: int) -> dict:
    found = repo.review_queue(filters, limit=size, offset=(page - 1) * size)
    pages = max(1, -(-found["total"] // size))
    return {
        "filters": {k: present.plain(v) for k, v in filters.items()},
        "page": page,
        "per_page": size,
        "pages": pages,
        "total": found["total"],
        "counts": found["counts"],
        "documents": [
            {
                **{
                    k: present.plain(v)
                    for k, v in d.items()
                    if k not in ("sha256", "text_form", "note")
                },
                "links": {"review": f"/review/{d['doc_id']}"},
            }
            for d in found["documents"]
        ],
    }


# --------------------------------------------------------------------------- upload


def upload(repo, user: User, item: Upload) -> tuple[int, dict]:
    """One file or pasted text into the store as a *new* document (waiting for review).
    Duplicates (the same bytes) are reported as such, with the document they are."""
    status, body = documents.create(repo, user, item)
    outcome = "added" if body.get("created") else "duplicate"
    body = {
        "outcome": outcome,
        "doc_id": body["doc_id"],
        "state": body["state"],
        "records": len(body.get("projects", [])) + len(body.get("batches", [])),
        "warnings": body.get("warnings", []),
        "message": body.get("message")
        or f"已上传，待审核 uploaded, waiting for review: {body['doc_id']}",
        "links": {"review": f"/review/{body['doc_id']}"},
    }
    return status, body


# --------------------------------------------------------------------------- records


def _zone_id(repo, value, place, new_zone: bool, actor: str) -> str | None:
    """A zone field's value (an id, a name or an alias) as a zone id; "new zone" adds it."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    zones = {z["zone_id"]: z for z in repo.zones()}
    if value in zones:
        return value
    for z in zones.values():
        if z["name"] == value:
            return z["zone_id"]
    match = repo.gazetteer().match(value)
    if match is not None:
        return match.zone_id
    if not new_zone:
        raise InputError(
            f"zone: {value[:40]!r} is not in the gazetteer; tick 'new zone' to add it "
            "(开发区名录中没有，勾选“新开发区”即可添加)"
        )
    fields = {"name": value}
    if place:
        fields["place"] = place
    return repo.add_zone(fields, actor, note="added while reviewing a record")["zone_id"]


def changed_fields(kind: str, data: Mapping, row: Mapping) -> dict:
    """The fields of an edit form that differ from what the form showed: an unchanged
    place stays as the extractor placed it, an unchanged amount keeps its wording."""
    allowed = edits.PROJECT_FIELDS if kind == "project" else edits.BATCH_FIELDS
    shown = {
        "place": present.place_value(
            (row.get("county_adcode") or row.get("city_adcode"))
            if kind == "project"
            else row.get("adcode")
        ),
        "amount": present.yi_input(row.get("investment_cny")),
        "investment_cny": row.get("investment_cny"),
    }
    out = {}
    for name in allowed:
        if name not in data or name == "zone_id":
            continue
        value = _get(data, name)
        if name in ("amount", "investment_cny"):
            cny = edits.amount_cny(name, value) if value not in (None, "") else None
            if cny == row.get("investment_cny"):
                continue
        elif _same(value, shown.get(name, row.get(name))):
            continue
        out[name] = value
    return out


def _same(value, current) -> bool:
    """A form's text equals the stored value it showed (numbers compared as text)."""
    shown = "" if current is None else str(present.plain(current))
    return str(value or "") == shown


def correct(repo, user: User, doc_id: str, key: str, data: Mapping) -> dict:
    kind, mention_id = parse_key(key)
    row = repo.mention(kind, mention_id)
    if row["doc_id"] != doc_id:
        raise NotFoundError(f"no record {key} in {doc_id!r}")
    changes = changed_fields(kind, data, row)
    if "zone" in data:
        place = changes.get("place") or data.get("place")
        zone_id = _zone_id(repo, _get(data, "zone"), place, bool(data.get("new_zone")), user.name)
        if zone_id != row.get("zone_id"):
            changes["zone_id"] = zone_id
    if not changes:
        raise InputError("nothing changed: edit a field first (没有修改任何字段)")
    updated = repo.correct_mention(
        kind, mention_id, changes, user.name, _get(data, "note") or None, doc_id=doc_id
    )
    return {"key": key, "review_state": updated["review_state"], "changed": sorted(changes)}


def review(repo, user: User, doc_id: str, keys: list[str], action: str, note) -> dict:
    items = [parse_key(k) for k in keys]
    changed = repo.review_mentions(items, action, user.name, note or None, doc_id=doc_id)
    return {"changed": changed, "action": action, "keys": keys}


def accept_all(repo, user: User, doc_id: str, note) -> dict:
    doc = repo.document(doc_id)
    keys = [f"p{r['id']}" for r in doc["projects"] if r["review_state"] == "extracted"]
    keys += [f"b{r['id']}" for r in doc["batches"] if r["review_state"] == "extracted"]
    if not keys:
        return {"changed": 0, "action": "accept", "keys": []}
    return review(repo, user, doc_id, keys, "accept", note)


def span_of(text: str, data: Mapping) -> tuple[int, int]:
    """The span of a new record: ``span_start``/``span_end`` (a selection), else the one
    place the typed ``quote`` occurs in the text."""
    start, end = _get(data, "span_start"), _get(data, "span_end")
    if start not in (None, "") and end not in (None, ""):
        try:
            return int(start), int(end)
        except (TypeError, ValueError):
            raise InputError("span_start and span_end: character offsets") from None
    quote = _get(data, "quote")
    if not quote:
        raise InputError("select the words in the article, or type them in 'quote' (选中原文)")
    hits = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not hits:
        raise InputError(f"quote: {quote[:40]!r} is not in the article")
    if len(hits) > 1:
        raise InputError(f"quote: {quote[:40]!r} occurs {len(hits)} times: select the one you mean")
    return hits[0], hits[0] + len(quote)


def add(repo, user: User, doc_id: str, data: Mapping) -> dict:
    doc = repo.document(doc_id)
    kind = _get(data, "kind") or "project"
    if kind not in ("project", "batch"):
        raise InputError("kind: project or batch")
    span = span_of(doc.get("text") or "", data)
    if kind == "batch":  # the add form names a figure's fields b_place, b_kind …
        source = {k[2:]: v for k, v in data.items() if k.startswith("b_")} or dict(data)
        if source.get("kind") in (None, "", "batch", "project"):
            source.pop("kind", None)
            if data.get("figure_kind"):  # JSON clients: {"kind": "batch", "figure_kind": …}
                source["kind"] = data["figure_kind"]
    else:
        source = dict(data)
        source.pop("kind", None)
    allowed = edits.PROJECT_FIELDS if kind == "project" else edits.BATCH_FIELDS
    fields = {k: _get(source, k) for k in allowed if k in source and k != "zone_id"}
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    zone = _zone_id(
        repo, _get(source, "zone"), fields.get("place"), bool(source.get("new_zone")), user.name
    )
    if zone:
        fields["zone_id"] = zone
    row = repo.add_mention(doc_id, kind, span, fields, user.name, _get(data, "note") or None)
    key = ("p" if kind == "project" else "b") + str(row["id"])
    return {"key": key, "span": [row["span_start"], row["span_end"]], "quote": row["quote"]}


def set_state(repo, user: User, doc_id: str, state, note) -> dict:
    if state not in ("published", "retracted", "in_review"):
        raise InputError("state: published, retracted or in_review")
    before = repo.set_document_state(doc_id, state, user.name, note or None)
    return {"doc_id": doc_id, "state": state, "previous_state": before}


def resolve(repo, user: User, batch_id: str, data: Mapping) -> dict:
    choice = _get(data, "choice") or None
    if choice == "undo":
        choice = None
    mention = _get(data, "mention_id")
    try:
        mention_id = int(mention) if mention not in (None, "") else None
    except (TypeError, ValueError):
        raise InputError("mention_id: a report's id") from None
    row = repo.resolve_conflict(batch_id, choice, user.name, mention_id, _get(data, "note"))
    return {"batch_id": batch_id, "status": (row or {}).get("status")}


# --------------------------------------------------------------------------- zones


def zone_fields(data: Mapping) -> dict:
    return {k: _get(data, k) for k in edits.ZONE_FIELDS if k in data}


def zone_location(repo, user: User, zone_id: str, data: Mapping) -> dict:
    if data.get("clear"):
        zone = repo.set_zone_location(zone_id, None, None, user.name, None)
    else:
        zone = repo.set_zone_location(
            zone_id,
            _get(data, "lon"),
            _get(data, "lat"),
            user.name,
            _get(data, "note"),
            _get(data, "datum") or "wgs84",
        )
    return {k: present.plain(v) for k, v in zone.items()}


# --------------------------------------------------------------------------- accounts


def change_password(repo, user: User, data: Mapping, keep_session: str | None) -> dict:
    current, new, again = (data.get(k) or "" for k in ("current", "password", "again"))
    if repo.check_password(user.name, current) is None:
        raise Forbidden("当前密码不对 the current password is wrong")
    if new != again:
        raise InputError("两次输入的新密码不一致 the new passwords differ")
    repo.set_password(user, new, actor=user.name)
    ended = repo.end_sessions(user, keep=keep_session)
    return {"changed": True, "other_sessions_ended": ended}


def create_user(repo, admin: User, data: Mapping) -> dict:
    from geo.store.passwords import MIN_LENGTH

    name, role = _get(data, "name"), _get(data, "role")
    password = data.get("password") or None  # as typed: spaces count
    if password and len(password) < MIN_LENGTH:
        raise InputError(f"password: at least {MIN_LENGTH} characters")
    new = repo.add_user(name or "", role or "", actor=admin.name)
    if password:
        repo.set_password(new, password, actor=admin.name)
    return {"name": new.name, "role": new.role, "password": bool(password)}


def update_user(repo, admin: User, name: str, data: Mapping) -> dict:
    action = _get(data, "action")
    if name == admin.name and action in ("disable", "role"):
        raise Forbidden("change another admin's account, not your own")
    if action == "role":
        repo.set_role(name, _get(data, "role") or "", admin.name)
    elif action in ("disable", "enable"):
        repo.set_disabled(name, action == "disable", admin.name)
    elif action == "unlock":
        repo.unlock(name, admin.name)
    else:
        raise InputError("action: role, disable, enable or unlock")
    return {"name": name, "action": action}
