"""Preparing one document for the store: read, date, extract, geocode, build rows.

Pure apart from the extractor: nothing here touches the database, so the slow part of an
ingest happens outside the write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from geo.dates import detect_published
from geo.documents import read_document
from geo.errors import InputError
from geo.pipeline import process_text
from geo.store import records
from geo.store.repository import NewDocument, doc_id_for
from geo.version import extractor_version

TITLE_CHARS = 80


@dataclass
class Prepared:
    doc_id: str
    document: dict
    projects: list[dict]
    batches: list[dict]
    annotations: list[dict]
    warnings: list[str] = field(default_factory=list)

    def set_doc_id(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.document["doc_id"] = doc_id
        for row in (*self.projects, *self.batches, *self.annotations):
            row["doc_id"] = doc_id

    def summary(self) -> dict:
        return {
            "title": self.document.get("title"),
            "state": self.document.get("state"),
            "sha256": self.document.get("sha256"),
            "projects": len(self.projects),
            "batches": len(self.batches),
            "extractor_version": self.document.get("extractor_version"),
        }


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def headline(text: str) -> str | None:
    """The first short line of the text: how most articles start (their headline)."""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            return line if len(line) <= TITLE_CHARS else None
    return None


def prepare(item: NewDocument, digest: str, gazetteer) -> Prepared:
    if item.state not in ("new", "in_review", "published"):
        raise InputError("a new document is new, in_review or published")
    read = read_document(item.content, item.filename, item.media_type)
    published, basis = item.published, "given"
    if published is None and _date(read.meta.get("published")):
        published, basis = _date(read.meta["published"]), "page metadata"
    reference = None
    if published is None:
        reference = detect_published(read.text)
        basis = "detected in the text" if reference else "unknown: relative dates unresolved"
    doc_id = doc_id_for(item.filename, digest)
    result = process_text(read.text, doc_id, gazetteer, published or reference)
    document = {
        "doc_id": doc_id,
        "title": item.title or read.meta.get("title") or headline(read.text),
        "publisher": item.publisher or read.meta.get("publisher"),
        "published": published,
        "reference_date": reference,
        "date_basis": basis,
        "url": item.url or read.meta.get("url"),
        "note": item.note,
        "filename": item.filename,
        "media_type": read.media_type,
        "sha256": digest,
        "state": item.state,
        "extractor_version": extractor_version(),
        "added_at": datetime.now(UTC),
        "content": item.content,
        "text": read.text,
        "text_map": read.text_map_json(),
    }
    projects, batches, notes = records.mention_rows(doc_id, read.text, result)
    return Prepared(doc_id, document, projects, batches, notes, list(result.warnings))
