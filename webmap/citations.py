"""Source citations a reader can follow, and quotes as a reader expects them.

A citation names the document (title, publisher, date), links it when its URL is http(s),
says when the Atlas's text is a faithful rewording of the cited article (``text_form``
``rewording``), and gives the quoted span. Nothing here prints ``None``: a missing title
reads "untitled document (file …)", a missing date "date unknown".
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from geo.aggregate import per_frame
from webmap import i18n

# Han ideographs, CJK punctuation, full-width forms and Chinese quotation marks: a run of
# spaces beside one of these is the newspaper's character spacing, never a word break.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019"
_SPACING = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def clean_quote(text) -> str:
    """A quote without the newspaper's character spacing: "5 亿 元 的 华 润" -> "5亿元的华润".

    Spaces between two Latin letters or digits ("5 GW", "Phase 2") stay; line breaks fold.
    """
    if not _known(text):
        return ""
    return _SPACING.sub("", " ".join(str(text).split()))


def _known(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() not in ("", "None", "nan")


def _text(value) -> str:
    return str(value).strip() if _known(value) else ""


def http_url(value) -> str:
    """The URL when it is http(s) (the only kind a page links), else ''."""
    url = _text(value)
    return url if url.lower().startswith(("http://", "https://")) else ""


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str  # never empty: "untitled document (file …)" when the source has none
    titled: bool
    publisher: str
    date: str  # ISO date, or ''
    date_inferred: bool  # the reference date, not a stated publication date
    url: str  # http(s) or ''
    rewording: bool  # the stored text is a faithful rewording of the article at ``url``
    span: tuple[int, int] | None
    quote: str

    def as_json(self) -> dict:
        out = asdict(self)
        out["span"] = list(self.span) if self.span else None
        return out


def citation(source: dict | None, doc_id: str, lang: str, span=None, quote=None) -> Citation:
    """A citation of ``doc_id`` from its sources row (``None`` when unknown)."""
    source = source or {}
    title = _text(source.get("title"))
    published, reference = _text(source.get("published")), _text(source.get("reference_date"))
    start, end = span if span else (None, None)
    return Citation(
        doc_id=doc_id,
        title=title or i18n.t("untitled", lang).format(doc=doc_id),
        titled=bool(title),
        publisher=_text(source.get("publisher")),
        date=(published or reference)[:10],
        date_inferred=not published and bool(reference),
        url=http_url(source.get("url")),
        rewording=_text(source.get("text_form")) == "rewording",
        span=(int(start), int(end)) if _known(start) and _known(end) else None,
        quote=clean_quote(quote),
    )


class Sources:
    """Citations of one dataset's documents (``data.sources``), by doc_id."""

    def __init__(self, sources_frame, lang: str):
        self.lang = lang
        # once per read model: popups and pages cite a few documents out of thousands
        self.rows = per_frame(
            sources_frame,
            "sources_by_doc",
            lambda f: {r["doc_id"]: r for r in f.to_dict("records")},
        )

    def cite(self, doc_id, span=None, quote=None) -> Citation:
        return citation(self.rows.get(doc_id), str(doc_id), self.lang, span, quote)

    def of_row(self, row: dict) -> Citation:
        """The citation of a project or figure row (its doc_id, span and quote)."""
        return self.cite(
            row.get("doc_id"), (row.get("span_start"), row.get("span_end")), row.get("quote")
        )

    def documents(self, doc_ids) -> list[Citation]:
        """One citation per document (no span), newest first."""
        cites = [self.cite(d) for d in sorted({str(d) for d in doc_ids if _known(d)})]
        return sorted(cites, key=lambda c: c.date, reverse=True)
