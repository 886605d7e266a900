"""Reading a document of any accepted kind into the text the extractor works on.

Accepted: plain text (``.txt``, every encoding :func:`geo.text.decode_bytes` handles),
HTML (``.html``/``.htm``: the article's main text, found by trafilatura, with a map from
each text character back to its offset in the page), Word (``.docx``) and PDF with a
text layer. Anything else, an empty or oversized file, or a scanned PDF without text is
refused with an :class:`~geo.errors.InputError` saying why; nothing is half-read.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

from geo.errors import InputError
from geo.text import MAX_BYTES, decode_bytes

TEXT, HTML, DOCX, PDF = (
    "text/plain",
    "text/html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/pdf",
)
EXTENSIONS = {".txt": TEXT, ".text": TEXT, ".html": HTML, ".htm": HTML, ".docx": DOCX, ".pdf": PDF}
MIN_TEXT_CHARS = 20  # less from a PDF: a scan without a text layer; from HTML: no article


class UnsupportedDocument(InputError):
    status = 415


class DocumentTooLarge(InputError):
    status = 413


class NoTextLayer(InputError):
    status = 422


@dataclass
class ReadDocument:
    text: str
    media_type: str
    # [text_start, source_start, length] runs: text offsets → offsets in the decoded
    # original (HTML only; None where the text *is* the original).
    text_map: list[list[int]] | None = None
    meta: dict = field(default_factory=dict)  # title, published, publisher, url found inside

    def text_map_json(self) -> str | None:
        return None if self.text_map is None else json.dumps(self.text_map)


def media_type_of(raw: bytes, filename: str | None, declared: str | None = None) -> str:
    """The document's kind from its name (or declared type), checked against its bytes."""
    suffix = PurePath(filename or "").suffix.lower()
    kind = EXTENSIONS.get(suffix)
    if kind is None and declared:
        base = declared.split(";")[0].strip().lower()
        kind = base if base in (TEXT, HTML, DOCX, PDF) else None
    if kind is None and not suffix and not declared:
        kind = TEXT
    if kind is None:
        allowed = ", ".join(sorted(EXTENSIONS))
        shown = suffix or (declared or "").split(";")[0] or "no extension"
        raise UnsupportedDocument(f"unsupported document type {shown!r}; accepted: {allowed}")
    if kind == PDF and not raw.startswith(b"%PDF-"):
        raise UnsupportedDocument("file is named .pdf but is not a PDF")
    if kind == DOCX and not raw.startswith(b"PK"):
        raise UnsupportedDocument("file is named .docx but is not a Word document")
    if kind == TEXT and (raw.startswith(b"%PDF-") or raw.startswith(b"PK\x03\x04")):
        raise UnsupportedDocument("file is a PDF or a zip archive, not text")
    return kind


def read_document(
    raw: bytes, filename: str | None = None, declared_type: str | None = None
) -> ReadDocument:
    if len(raw) > MAX_BYTES:
        raise DocumentTooLarge(
            f"document is {len(raw) / 2**20:.1f} MB, larger than the "
            f"{MAX_BYTES // 2**20} MB limit for one article"
        )
    if not raw.strip():
        raise InputError("document is empty (no text)")
    kind = media_type_of(raw, filename, declared_type)
    if kind == HTML:
        return _read_html(raw)
    if kind == DOCX:
        return ReadDocument(_checked(_docx_text(raw), "Word document"), DOCX)
    if kind == PDF:
        return ReadDocument(_pdf_text(raw), PDF)
    return ReadDocument(decode_bytes(raw), TEXT)


def _checked(text: str, what: str) -> str:
    if not text.strip():
        raise InputError(f"{what} has no text")
    return text


# --------------------------------------------------------------------------- Word, PDF


def _docx_text(raw: bytes) -> str:
    import docx  # python-docx: only when a Word file arrives

    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnsupportedDocument(f"not a readable Word document: {exc}") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf_text(raw: bytes) -> str:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnsupportedDocument(f"not a readable PDF: {exc}") from None
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
        raise NoTextLayer(
            "PDF has no text layer (a scan?): run OCR first or paste the text instead"
        )
    return text


# --------------------------------------------------------------------------- HTML


class _VisibleText(HTMLParser):
    """Visible characters of a page with their offsets in the source (linear time)."""

    _SKIP = {"script", "style", "noscript", "template", "head", "title"}

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self._skipping = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if self._skipping:
            return
        start = self._offset()
        raw = self.source[start : start + len(data)]
        exact = raw == data  # else entities were decoded: map the run to its start
        for i, ch in enumerate(data):
            if not ch.isspace():
                self.chars.append(ch)
                self.offsets.append(start + i if exact else start)


def align(text: str, source: str) -> list[list[int]]:
    """Runs ``[text_start, source_start, length]`` locating ``text``'s lines in ``source``.

    Each line's non-space characters are searched in the page's visible characters from
    where the previous line matched; lines the extractor rewrote stay unmapped.
    """
    parser = _VisibleText(source)
    parser.feed(source)
    parser.close()
    stream = "".join(parser.chars)
    runs: list[list[int]] = []
    cursor, pos = 0, 0
    for line in text.split("\n"):
        kept = [(pos + i, ch) for i, ch in enumerate(line) if not ch.isspace()]
        pos += len(line) + 1
        if not kept:
            continue
        found = stream.find("".join(ch for _, ch in kept), cursor)
        if found < 0:
            continue
        for k, (text_i, _) in enumerate(kept):
            src = parser.offsets[found + k]
            last = runs[-1] if runs else None
            if last and text_i == last[0] + last[2] and src == last[1] + last[2]:
                last[2] += 1
            else:
                runs.append([text_i, src, 1])
        cursor = found + len(kept)
    return runs


def _read_html(raw: bytes) -> ReadDocument:
    import trafilatura  # heavy import: only when a page arrives

    source = decode_bytes(raw)
    extracted = trafilatura.bare_extraction(
        source,
        output_format="python",
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        favor_recall=True,
    )
    doc = extracted.as_dict() if hasattr(extracted, "as_dict") else (extracted or {})
    text = (doc.get("text") or "").strip()
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
        raise InputError("no article text found in the HTML page (only menus or chrome?)")
    meta = {
        "title": doc.get("title"),
        "publisher": doc.get("sitename"),
        "url": doc.get("url"),
        "published": doc.get("date"),
    }
    return ReadDocument(text, HTML, align(text, source), {k: v for k, v in meta.items() if v})
