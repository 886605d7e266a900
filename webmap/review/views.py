"""HTTP adapter of the review pages: parse, check the session, call a handler, answer.

Every page has a JSON twin (``?f=json``, or ``.json`` on the main routes). Writes answer
JSON to ``fetch`` calls (``Accept: application/json``) and redirect forms back to the page
they came from (303), so the pages work without JavaScript too.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, jsonify, redirect, render_template, request

from geo.errors import InputError
from geo.store.common import NotFoundError
from geo.text import MAX_BYTES
from webmap import assets, pages
from webmap.documents import Upload
from webmap.elements import BASEMAPS, json_for_html
from webmap.review import auth, handlers, present

bp = Blueprint("review", __name__, template_folder="../templates")
RESERVED = {"upload", "zones", "account", "admin", "export", "conflicts"}


def repo():
    return current_app.extensions["atlas_repo"]


def user():
    return auth.current_user()


# --------------------------------------------------------------------------- responses


def _html(html: str, status: int = 200, img_src: tuple = ()) -> Response:
    """A review page: its own CSP (no inline script), never cached (it is per user)."""
    page = pages.Page.of(html, img_src=img_src)
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = pages.csp(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie"
    return response


def _json(body, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def render(template: str, status: int = 200, img_src: tuple = (), **context) -> Response:
    html = render_template(
        f"review/{template}",
        me=user(),
        csrf=auth.csrf_token(),
        css=assets.static_url("review.css"),
        js=assets.static_url("review.js"),
        t=present.both,
        **context,
    )
    return _html(html, status, img_src)


def done(result: dict, back: str, status: int = 200) -> Response:
    """A write's answer: JSON for scripts, a redirect back for forms."""
    if auth.wants_json():
        return _json({"ok": True, **result, "redirect": back}, status)
    return redirect(back, code=303)


def data() -> dict:
    """The request's fields: a JSON object, or the form (files aside)."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise InputError("send a JSON object")
        return body
    return request.form.to_dict()


def _html_errors() -> None:
    g.atlas_html_errors = not auth.wants_json()


# --------------------------------------------------------------------------- login


@bp.route("/login", methods=["GET", "POST"])
def login():
    _html_errors()
    message, status, headers = None, 200, {}
    name = ""
    if request.method == "POST":
        auth.check_login_csrf()
        name = request.form.get("name", "")
        try:
            found, message = auth.log_in(name, request.form.get("password", ""))
        except auth.LockedOut as exc:
            found, message, status, headers = None, str(exc), 429, exc.headers
        if found is not None:
            token = repo().open_session(
                found, timedelta(hours=float(current_app.config["SESSION_HOURS"]))
            )
            response = redirect(auth.safe_next(request.form.get("next")), code=303)
            repo().end_session(auth.session_token())  # never reuse a session id
            auth.set_session(response, token)
            return response
        status = status if status != 200 else 401
    token = auth.login_csrf()
    response = render(
        "login.html",
        status=status,
        message=message,
        name=name,
        next=auth.safe_next(request.values.get("next")),
        login_csrf=token,
    )
    response.headers.extend(headers)
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        secure=auth.secure_cookie(),
        httponly=True,
        samesite="Strict",
    )
    return response


@bp.post("/logout")
def logout():
    _html_errors()
    if user() is not None:
        auth.check_csrf()
        repo().end_session(auth.session_token())
    response = redirect("/login?" + urlencode({"msg": "logged_out"}), code=303)
    auth.clear_session(response)
    return response


# --------------------------------------------------------------------------- queue


def _queue_body():
    filters = handlers.queue_filters(request.args)
    page, size = handlers.page_args(request.args, int(current_app.config["REVIEW_PAGE_SIZE"]))
    body = handlers.queue(repo(), filters, page, size)
    args = {k: v for k, v in request.args.items() if k not in ("page", "f")}
    for rel, number in (("prev", page - 1), ("next", page + 1)):
        if 1 <= number <= body["pages"]:
            body.setdefault("links", {})[rel] = "/review?" + urlencode({**args, "page": number})
    return body


@bp.get("/review.json")
@auth.require("editor")
def queue_json():
    return _json(_queue_body())


@bp.get("/review")
@auth.require("editor")
def queue():
    body = _queue_body()
    if auth.wants_json():
        return _json(body)
    import boundaries

    return render(
        "queue.html",
        q=body,
        args=request.args,
        cities=[(u.adcode, u.name) for u in boundaries.units("city")],
        editors=repo().editors(),
        states=present.DOC_STATES,
        msg=request.args.get("msg"),
    )


@bp.post("/review/upload")
@auth.require("editor")
def upload():
    """One request per file (the page sends them one by one for per-file progress) or a
    form with several files and/or pasted text."""
    form = request.form
    meta = {k: (form.get(k) or None) for k in ("title", "publisher", "url", "published")}
    items = []
    for file in request.files.getlist("file"):
        if file and file.filename:
            content = file.read(MAX_BYTES + 1)
            items.append(Upload(content, file.filename, file.mimetype, state="new", **meta))
    if (form.get("text") or "").strip():
        items.append(Upload(form["text"].encode("utf-8"), None, None, state="new", **meta))
    if not items:
        raise InputError("choose a file or paste the article's text (选择文件或粘贴正文)")
    limiter = current_app.extensions["atlas_write_limiter"]
    results = []
    for item in items:
        limiter.take(f"user:{user().name}")
        try:
            status, body = handlers.upload(repo(), user(), item)
        except InputError as exc:
            if len(items) == 1:
                raise
            status, body = exc.status, {"outcome": "failed", "message": str(exc)}
        results.append({"file": item.filename or "pasted text", "status": status, **body})
    if auth.wants_json():
        if len(results) == 1:
            return _json(results[0], results[0]["status"])
        return _json({"results": results})
    return render("uploaded.html", results=results)


# --------------------------------------------------------------------------- a document


def _document_body(doc_id: str) -> dict:
    if doc_id in RESERVED:
        raise NotFoundError(f"no document {doc_id!r}")
    doc = repo().document(doc_id)
    pids = [r.get("project_id") for r in doc["projects"]]
    bids = [r.get("batch_id") for r in doc["batches"]]
    canonical = repo().canonical(pids, bids)
    peers = repo().peers(bids)
    resolutions = repo().resolutions(bids)
    history = present.history_rows(repo().document_history(doc_id))
    items = present.items_of(doc, canonical)
    records = present.record_rows(doc, canonical)
    by_entity: dict[str, list] = {}
    for h in history:
        if h["entity"] in ("project_mention", "batch_mention"):
            key = ("p" if h["entity"] == "project_mention" else "b") + h["entity_id"]
            by_entity.setdefault(key, []).append(h)
    for r in records:
        r["history"] = by_entity.get(r["key"], [])
    meta = {
        k: present.plain(v)
        for k, v in doc.items()
        if k not in ("text", "text_map", "projects", "batches", "annotations")
    }
    return {
        "document": meta,
        "text": doc.get("text") or "",
        "items": [
            {
                "key": i.key,
                "type": i.type,
                "span": [i.start, i.end],
                "record": i.record,
                "became": i.became,
                "rejected": i.rejected,
            }
            for i in items
        ],
        "records": records,
        "conflicts": present.conflicts(doc, peers, resolutions, canonical),
        "history": [h for h in history if h["entity"] == "document"],
        "_items": items,
    }


@bp.get("/review/<doc_id>.json")
@auth.require("editor")
def document_json(doc_id: str):
    body = _document_body(doc_id)
    body.pop("_items")
    return _json(body)


@bp.get("/review/<doc_id>")
@auth.require("editor")
def document(doc_id: str):
    body = _document_body(doc_id)
    items = body.pop("_items")
    if auth.wants_json():
        return _json(body)
    zones = sorted(repo().zones(), key=lambda z: z["name"])
    config = {
        "csrf": auth.csrf_token(),
        "doc_id": doc_id,
        "records": [
            {"key": r["key"], "span": [r["span_start"], r["span_end"]]} for r in body["records"]
        ],
    }
    return render(
        "document.html",
        d=body,
        doc=body["document"],
        segments=present.segments(body["text"], items),
        types=present.TYPES,
        states=present.DOC_STATES,
        units=present.unit_options(),
        zones=zones,
        zone_names={z["zone_id"]: z["name"] for z in zones},
        stages=present.STAGES_FORM,
        kinds=present.KINDS_FORM,
        scopes=present.SCOPES,
        periods=present.PERIODS,
        msg=request.args.get("msg"),
        config=json_for_html(config),
    )


def _back(doc_id: str, fragment: str = "", msg: str | None = None) -> str:
    query = "?" + urlencode({"msg": msg}) if msg else ""
    return f"/review/{doc_id}{query}" + (f"#{fragment}" if fragment else "")


@bp.post("/review/<doc_id>/records/<key>")
@auth.require("editor")
def record(doc_id: str, key: str):
    fields = data()
    action = fields.get("action") or "correct"
    if action == "correct":
        result = handlers.correct(repo(), user(), doc_id, key, fields)
    else:
        result = handlers.review(repo(), user(), doc_id, [key], action, fields.get("note"))
    return done(result, _back(doc_id, f"rec-{key}", action))


@bp.post("/review/<doc_id>/records")
@auth.require("editor")
def add_record(doc_id: str):
    result = handlers.add(repo(), user(), doc_id, data())
    return done(result, _back(doc_id, f"rec-{result['key']}", "added"), 201)


@bp.post("/review/<doc_id>/accept-all")
@auth.require("editor")
def accept_all(doc_id: str):
    result = handlers.accept_all(repo(), user(), doc_id, data().get("note"))
    return done(result, _back(doc_id, "records", "accepted_all"))


@bp.post("/review/<doc_id>/state")
@auth.require("editor")
def state(doc_id: str):
    fields = data()
    result = handlers.set_state(repo(), user(), doc_id, fields.get("state"), fields.get("note"))
    return done(result, _back(doc_id, "", result["state"]))


@bp.post("/review/conflicts/<batch_id>")
@auth.require("editor")
def conflict(batch_id: str):
    fields = data()
    result = handlers.resolve(repo(), user(), batch_id, fields)
    back = auth.safe_next(fields.get("back")) if fields.get("back") else "/review"
    return done(result, back)


# --------------------------------------------------------------------------- zones


def _zone_rows(query: str | None) -> list[dict]:
    zones = repo().zones()
    if query:
        needle = query.lower()
        zones = [
            z
            for z in zones
            if needle in (z["name"] or "").lower()
            or needle in (z["aliases"] or "").lower()
            or needle == (z["zone_id"] or "").lower()
        ]
    out = []
    for z in sorted(zones, key=lambda z: z["name"]):
        row = {k: present.plain(v) for k, v in z.items() if k != "geom"}
        row["place_label"] = present.place_label(z["county_adcode"] or z["city_adcode"])
        row["located"] = z["location_lon"] is not None
        out.append(row)
    return out


@bp.get("/review/zones.json")
@auth.require("editor")
def zones_json():
    return _json({"zones": _zone_rows(request.args.get("q"))})


@bp.route("/review/zones", methods=["GET", "POST"])
@auth.require("editor")
def zones():
    if request.method == "POST":
        fields = data()
        zone = repo().add_zone(handlers.zone_fields(fields), user().name, fields.get("note"))
        return done({"zone_id": zone["zone_id"]}, f"/review/zones/{zone['zone_id']}", 201)
    rows = _zone_rows(request.args.get("q"))
    if auth.wants_json():
        return _json({"zones": rows})
    from geo.store import schema as s

    return render(
        "zones.html",
        zones=rows,
        q=request.args.get("q") or "",
        types=s.ZONE_TYPES,
        units=present.unit_options(),
    )


def _zone_body(zone_id: str) -> dict:
    zone = {k: present.plain(v) for k, v in repo().zone(zone_id).items()}
    zone["place_input"] = present.place_value(zone["county_adcode"] or zone["city_adcode"])
    history = present.history_rows(repo().audit_trail("zone", zone_id))
    return {"zone": zone, "history": history}


@bp.get("/review/zones/<zone_id>.json")
@auth.require("editor")
def zone_json(zone_id: str):
    return _json(_zone_body(zone_id))


@bp.route("/review/zones/<zone_id>", methods=["GET", "POST"])
@auth.require("editor")
def zone(zone_id: str):
    if request.method == "POST":
        fields = data()
        repo().update_zone(zone_id, handlers.zone_fields(fields), user().name, fields.get("note"))
        return done({"zone_id": zone_id}, f"/review/zones/{zone_id}?msg=saved")
    body = _zone_body(zone_id)
    if auth.wants_json():
        return _json(body)
    from geo.store import schema as s

    available = [b for b in ("osm", "gaode", "none") if b in BASEMAPS]
    basemap = request.args.get("basemap") or current_app.config["DEFAULT_BASEMAP"]
    if basemap not in available:
        basemap = "none"
    url, subdomains, attribution, datum, host = BASEMAPS[basemap]
    seat = _seat(body["zone"])
    config = {
        "csrf": auth.csrf_token(),
        "zone_id": zone_id,
        "basemap": basemap,
        "datum": datum,
        "tiles": url,
        "subdomains": subdomains,
        "attribution": attribution,
        "layer": f"/geo/county.{datum}.json",
        "location": [body["zone"]["location_lon"], body["zone"]["location_lat"]]
        if body["zone"]["location_lon"] is not None
        else None,
        "seat": seat,
    }
    return render(
        "zone.html",
        img_src=(host,) if host else (),
        z=body["zone"],
        history=body["history"],
        types=s.ZONE_TYPES,
        levels=s.ZONE_LEVELS,
        units=present.unit_options(),
        basemaps=available,
        basemap=basemap,
        msg=request.args.get("msg"),
        config=json_for_html(config),
        leaflet_js=assets.vendor_url("leaflet", "leaflet.js"),
        leaflet_css=assets.vendor_url("leaflet", "leaflet.css"),
        zone_js=assets.static_url("review_zone.js"),
    )


def _seat(zone: dict) -> list[float]:
    """Where the map opens: the zone's host seat (WGS-84), else the province's."""
    import boundaries

    code = zone.get("county_adcode") or zone.get("city_adcode") or "140000"
    return list(boundaries.unit(code).seat_point)


@bp.post("/review/zones/<zone_id>/location")
@auth.require("editor")
def zone_location(zone_id: str):
    result = handlers.zone_location(repo(), user(), zone_id, data())
    return done(result, f"/review/zones/{zone_id}?msg=located#location")


# --------------------------------------------------------------------------- account


def _account_body() -> dict:
    tokens = [{k: present.plain(v) for k, v in t.items()} for t in repo().tokens(user())]
    return {"user": {"name": user().name, "role": user().role}, "tokens": tokens}


@bp.get("/review/account")
@auth.require("reader")
def account():
    body = _account_body()
    if auth.wants_json():
        return _json(body)
    return render("account.html", tokens=body["tokens"], msg=request.args.get("msg"))


@bp.post("/review/account/password")
@auth.require("reader")
def password():
    result = handlers.change_password(repo(), user(), data(), auth.session_token())
    return done(result, "/review/account?msg=password")


@bp.post("/review/account/tokens")
@auth.require("editor")
def new_token():
    label = (data().get("label") or "").strip()[:100] or None
    token = repo().issue_token(user(), label=label)
    if auth.wants_json():
        return _json({"token": token, "label": label}, 201)
    return render("token.html", status=201, token=token, label=label)


@bp.post("/review/account/tokens/<int:token_id>/revoke")
@auth.require("editor")
def revoke_token(token_id: int):
    repo().revoke_token(user(), token_id)
    return done({"revoked": token_id}, "/review/account?msg=revoked")


# --------------------------------------------------------------------------- admin


@bp.route("/review/admin/users", methods=["GET", "POST"])
@auth.require("admin")
def users():
    if request.method == "POST":
        result = handlers.create_user(repo(), user(), data())
        return done(result, "/review/admin/users?msg=created", 201)
    rows = [{k: present.plain(v) for k, v in u.items()} for u in repo().users()]
    if auth.wants_json():
        return _json({"users": rows})
    from geo.store import schema as s

    return render("users.html", users=rows, roles=s.ROLES, msg=request.args.get("msg"))


@bp.get("/review/admin/users.json")
@auth.require("admin")
def users_json():
    return _json({"users": [{k: present.plain(v) for k, v in u.items()} for u in repo().users()]})


@bp.post("/review/admin/users/<name>")
@auth.require("admin")
def user_update(name: str):
    result = handlers.update_user(repo(), user(), name, data())
    return done(result, "/review/admin/users?msg=" + result["action"])


# --------------------------------------------------------------------------- export


@bp.get("/review/export")
@auth.require("editor")
def export():
    from geo.store import gold

    ids = gold.reviewed_ids(repo())
    if auth.wants_json():
        return _json({"reviewed": ids, "links": {"zip": "/review/export/gold.zip"}})
    return render("export.html", ids=ids)


@bp.get("/review/export/gold.zip")
@auth.require("editor")
def export_zip():
    """Reviewed documents as text files plus gold.json, zipped (the evaluation's input)."""
    from geo.store import gold

    entries, texts = gold.build(repo())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("gold/gold.json", gold.gold_json(entries))
        for name, text in texts.items():
            z.writestr(f"gold/{name}", text.encode("utf-8"))
    response = Response(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="atlas-gold.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response
