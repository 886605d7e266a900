"""Where the data comes from, for every download: source, as-of date, CRS and licence."""

from __future__ import annotations

from flask import current_app

from geo import formats
from webmap import live


def provenance() -> formats.Provenance:
    return formats.Provenance(
        source=current_app.config["DATA_SOURCE"],
        as_of=live.store().as_of,
        crs=formats.CRS_TEXT,
        licence=current_app.config["DATA_LICENCE"],
    )


def headers() -> list[tuple[str, str]]:
    """Provenance as X-Data-* headers, for formats with no place for it (CSV).

    HTTP headers are Latin-1: non-ASCII text is replaced here and kept whole in the files.
    """
    prov = provenance()
    items = [
        ("X-Data-Source", prov.source),
        ("X-Data-As-Of", prov.as_of or ""),
        ("X-Data-CRS", prov.crs),
        ("X-Data-Licence", prov.licence),
    ]
    return [(k, v.encode("ascii", "replace").decode()) for k, v in items]
