"""The extractor's version: a hash of the code and rule files that decide what it finds.

Stored with every document's records, so one can tell which records an older extractor
made (and re-extract them) without anyone remembering to bump a number.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
_PATTERNS = (
    "extract*.py",
    "text.py",
    "money.py",
    "dates.py",
    "pipeline.py",
    "gazetteer.py",
    "geocode.py",
    "rules/*",
)


@functools.cache
def extractor_version() -> str:
    digest = hashlib.sha256()
    for pattern in _PATTERNS:
        for path in sorted(HERE.glob(pattern)):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
