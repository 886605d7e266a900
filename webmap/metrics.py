"""``/metrics``: the app's counters in Prometheus text format (exposition format 0.0.4).

Per response cache (pages, downloads, OGC answers, OGC selections): hits, misses,
evictions, values too large to keep, bytes held, its byte limit and entries. Per
process: the data version served, read models built and how long the last one took,
rows of each table, resident memory. Each gunicorn worker answers with its own numbers
(scrape them through the port each worker is on, or sum what you get). Nothing here
is secret; restrict it at the proxy if you would rather not publish it.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from webmap import live
from webmap.cache import ByteCache

bp = Blueprint("metrics", __name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

CACHE_METRICS = (  # (stats key, metric name, type, help)
    ("hits", "atlas_cache_hits_total", "counter", "Answers served from the cache."),
    ("misses", "atlas_cache_misses_total", "counter", "Answers built because not cached."),
    ("evictions", "atlas_cache_evictions_total", "counter", "Entries dropped to stay in bytes."),
    ("oversized", "atlas_cache_oversized_total", "counter", "Values larger than the cache."),
    ("bytes", "atlas_cache_bytes", "gauge", "Bytes the cache holds."),
    ("max_bytes", "atlas_cache_max_bytes", "gauge", "The cache's byte limit."),
    ("entries", "atlas_cache_entries", "gauge", "Entries the cache holds."),
)


def _caches() -> list[ByteCache]:
    return [v for v in current_app.extensions.values() if isinstance(v, ByteCache)]


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def exposition() -> str:
    lines: list[str] = []

    def metric(name: str, kind: str, help_: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP {name} {help_}")
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(f"{name}{labels} {_number(value)}" for labels, value in samples)

    caches = [c.stats() for c in _caches()]
    for key, name, kind, help_ in CACHE_METRICS:
        metric(name, kind, help_, [(f'{{cache="{c["name"]}"}}', c[key]) for c in caches])
    state = current_app.extensions["atlas_live"]
    store = live.store()
    metric("atlas_data_version", "gauge", "The data version served.", [("", store.version)])
    metric("atlas_read_model_builds_total", "counter", "Read models built.", [("", state.builds)])
    metric(
        "atlas_read_model_build_seconds",
        "gauge",
        "Seconds the last read model took to build.",
        [("", round(state.build_seconds, 4))],
    )
    metric(
        "atlas_read_model_building",
        "gauge",
        "1 while a new version's read model is being built.",
        [("", int(state.building))],
    )
    metric(
        "atlas_rows",
        "gauge",
        "Rows of each table in the data version served.",
        [(f'{{table="{name}"}}', len(t)) for name, t in store.tables.items()],
    )
    rss = _resident_bytes()
    if rss is not None:
        metric(
            "atlas_resident_memory_bytes", "gauge", "Resident memory of this process.", [("", rss)]
        )
    return "\n".join(lines) + "\n"


@bp.route("/metrics")
def metrics():
    response = Response(exposition(), content_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
