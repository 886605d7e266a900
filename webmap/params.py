"""Query parameters: one table of allowed values, one parser, errors that teach.

Every route declares the parameters it accepts; anything else is a 400 naming the
parameter and what is allowed. Parsed parameters are normalised (defaults filled in,
sorted) so they can key the page cache.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import boundaries
from boundaries.errors import AtlasError
from geo import aggregate
from geo.aggregate import Filters

BASEMAPS = ("osm", "gaode", "tianditu", "none")
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
CHOICES = {
    "lang": ("zh", "en"),
    "basemap": BASEMAPS,
    "level": aggregate.LEVELS,
    "metric": aggregate.METRICS,
    "scheme": SCHEMES,
    "k": ("3", "4", "5", "6", "7"),
    "stage": aggregate.STAGES,
    "zone_type": aggregate.ZONE_TYPES,
    "kind": aggregate.BATCH_KINDS,
    "download": ("0", "1"),
    "map": ("overview", "choropleth"),
    # the zones directory (webmap.directory)
    "zone_level": ("national", "provincial", "none"),
    "projects": ("with", "without"),
    "sort": ("name", "type", "level", "city", "approval", "projects", "investment"),
    "order": ("asc", "desc"),
}
FORMATS = {
    "year": "a year such as 2025",
    "round": "a round date such as 2025-02-06 (YYYY-MM-DD)",
    "city": "a Shanxi city adcode such as 140400",
    "county": "a Shanxi county adcode such as 140403",
    "bbox": "min_lon,min_lat,max_lon,max_lat in WGS-84 degrees",
    "zone": "a zone id such as Z001 (letters, digits, - and _)",
    "page": "a page number such as 2 (1 to 1000000)",
    "per_page": "rows per page, 1 to 100",
    "place": "a Shanxi adcode (province, city or county) such as 140100",
    "q": "search text of at most 100 characters",
}
# Page numbers of the long tables on zone and place pages (one per table).
PAGE_PARAMS = ("projects_page", "batches_page", "zones_page")
DEFAULTS = {"lang": "zh", "level": "city", "metric": "investment", "scheme": "quantiles", "k": "5"}

_MAP = ("lang", "basemap")
_FILTERS = ("city", "county", "zone_type", "stage", "year")
ROUTES = {
    "overview": (*_MAP, *_FILTERS),
    "choropleth": (
        *_MAP,
        "level",
        "metric",
        "scheme",
        "k",
        "stage",
        "zone_type",
        "year",
        "round",
        "kind",
        "city",
    ),
    "page": (*_MAP, *PAGE_PARAMS),  # place pages: zones, projects and figures
    "zone_page": (*_MAP, "projects_page", "batches_page"),
    "zone_projects": ("lang", "page", "per_page"),
    "zones": ("city", "county", "zone_type", "zone", "bbox", "download"),
    "projects": (*_FILTERS, "zone", "bbox", "download"),
    "batches": ("city", "county", "zone", "year", "round", "kind", "bbox", "download"),
    "boundaries": ("city", "stage", "zone_type", "year", "round", "kind", "bbox", "download"),
    "builder": ("map", "lang"),
    "plain": ("lang",),
    "directory": ("lang", "zone_type", "zone_level", "city", "year", "projects", "sort", "order"),
    "search": ("lang", "q"),
    "rounds": ("lang", "place", "zone"),
}


class ParamError(AtlasError):
    """A query parameter that is unknown, repeated or has a value outside its domain."""

    status = 400

    def __init__(self, param: str, message: str, allowed: list[str]):
        self.param, self.allowed = param, allowed
        super().__init__(message)


def _unit_codes(level: str) -> set[str]:
    return {u.adcode for u in boundaries.units(level)}


def _page_number(value: str, highest: int):
    return int(value) if re.fullmatch(r"[1-9][0-9]{0,6}", value) and int(value) <= highest else None


def _check(name: str, value: str, basemaps: tuple[str, ...]):
    """The parsed value of one parameter, or a :class:`ParamError`."""
    if name in PAGE_PARAMS or name == "page":
        number = _page_number(value, 1_000_000)
        if number is None:
            raise ParamError(
                name, f"parameter {name!r}: {value!r} is not {FORMATS['page']}", [FORMATS["page"]]
            )
        return number
    if name == "per_page":
        number = _page_number(value, 100)
        if number is None:
            raise ParamError(
                name, f"parameter {name!r}: {value!r} is not {FORMATS[name]}", [FORMATS[name]]
            )
        return number
    allowed = basemaps if name == "basemap" else CHOICES.get(name)
    if allowed is not None:
        if value not in allowed:
            hint = " (tianditu needs TIANDITU_KEY)" if value == "tianditu" else ""
            raise ParamError(
                name,
                f"parameter {name!r}: {value!r} is not allowed{hint}; "
                f"allowed values: {', '.join(allowed)}",
                list(allowed),
            )
        return int(value) if name == "k" else value
    ok = {
        "year": lambda v: re.fullmatch(r"(19|20)\d\d", v),
        "round": lambda v: re.fullmatch(r"\d{4}-\d\d-\d\d", v),
        "city": lambda v: v in _unit_codes("city"),
        "county": lambda v: v in _unit_codes("county"),
        "bbox": _bbox,
        "zone": lambda v: re.fullmatch(r"[A-Za-z0-9_-]{1,40}", v),
        "place": lambda v: v == "140000" or v in _unit_codes("city") | _unit_codes("county"),
        "q": lambda v: len(v) <= 100 and "\x00" not in v,
    }[name](value)
    if not ok:
        raise ParamError(
            name, f"parameter {name!r}: {value!r} is not {FORMATS[name]}", [FORMATS[name]]
        )
    if name == "year":
        return int(value)
    return ok if name == "bbox" else value


def _bbox(value: str):
    try:
        box = tuple(float(v) for v in value.split(","))
    except ValueError:
        return None
    if len(box) != 4 or not all(math.isfinite(v) for v in box):
        return None
    x0, y0, x1, y1 = box
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        return None
    return box


def parse(args, route: str, *, basemaps=BASEMAPS, default_basemap: str = "osm") -> dict:
    """Validated, normalised parameters of ``route`` from a werkzeug MultiDict (or dict)."""
    accepted = ROUTES[route]
    lists = (
        args.to_dict(flat=False) if hasattr(args, "to_dict") else {k: [v] for k, v in args.items()}
    )
    out = {}
    for name, values in lists.items():
        if name not in accepted:
            raise ParamError(
                name,
                f"unknown parameter {name!r}; allowed parameters: {', '.join(accepted)}",
                list(accepted),
            )
        if len(values) > 1:
            raise ParamError(name, f"parameter {name!r} is given more than once", [name])
        if values[0] != "":
            out[name] = _check(name, values[0], tuple(basemaps))
    for name in accepted:
        if name not in out and name in DEFAULTS:
            out[name] = _check(name, DEFAULTS[name], tuple(basemaps))
        if name == "basemap" and name not in out:
            out[name] = default_basemap
    county, city = out.get("county"), out.get("city")
    if county and city and boundaries.unit(county).parent_adcode != city:
        raise ParamError(
            "county",
            f"county {county} is not in city {city}",
            [u.adcode for u in boundaries.units("county") if u.parent_adcode == city],
        )
    return dict(sorted(out.items()))


def filters(params: Mapping) -> Filters:
    """The :class:`geo.aggregate.Filters` part of parsed parameters."""
    return Filters(**{k: params.get(k) for k in Filters.__dataclass_fields__})


def query(params: Mapping, drop=("download",), **changes) -> str:
    """A query string for ``params`` with ``changes`` (``None`` removes), defaults left out."""
    from urllib.parse import urlencode

    merged = {**params, **changes}
    items = [
        (k, ",".join(map(str, v)) if isinstance(v, tuple) else str(v))
        for k, v in merged.items()
        if v is not None and k not in drop and DEFAULTS.get(k) != str(v)
    ]
    return urlencode(sorted(items))
