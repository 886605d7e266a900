"""Extraction throughput (articles of ~5 KB per second through the whole pipeline) and
extraction quality (``sxmap evaluate`` on the shared corpus and on the seeds).

Method: the five seeds are cut at line breaks into ~5 KB articles (UTF-8 bytes); each
repeat runs decode → normalise → extract → geocode over all of them. We report the
median of the repeats and, as a noise reference measured in the same process, the median
time of a fixed pure-Python baseline loop: compare ratios across machines, not seconds.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from geo.gazetteer import Gazetteer
from geo.pipeline import process_bytes

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
TESTS = Path(__file__).resolve().parents[1] / "tests" / "geo"
ARTICLE_BYTES = 5 * 1024


def articles(seeds: Path = SEEDS, size: int = ARTICLE_BYTES) -> list[bytes]:
    """Seeds cut at line breaks into chunks of about ``size`` bytes."""
    chunks = []
    for path in sorted(seeds.glob("*.txt")):
        current = b""
        for line in path.read_bytes().splitlines(keepends=True):
            current += line
            if len(current) >= size:
                chunks.append(current)
                current = b""
        if len(current) > size // 2:
            chunks.append(current)
    return chunks


def _baseline() -> None:
    total = 0
    for i in range(200_000):
        total += i * i % 7


def _timed(func, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def run(repeats: int = 7) -> dict:
    docs = articles()
    gazetteer = Gazetteer.from_csv()

    def extract_all():
        for i, raw in enumerate(docs):
            process_bytes(raw, f"bench-{i}", gazetteer)

    extract_all()  # warm caches (OpenCC, boundary index) outside the timing
    runs = _timed(extract_all, repeats)
    baseline = _timed(_baseline, repeats)
    median = statistics.median(runs)
    return {
        "articles": len(docs),
        "mean_article_bytes": round(sum(map(len, docs)) / len(docs)),
        "median_s": round(median, 4),
        "articles_per_s": round(len(docs) / median, 1),
        "baseline_median_s": round(statistics.median(baseline), 4),
        "ratio_to_baseline": round(median / statistics.median(baseline), 2),
        "target_articles_per_s": 200,
        **quality(gazetteer),
    }


def quality(gazetteer) -> dict:
    """The evaluation's summary lines (as the gold says and with our corrections)."""
    from geo import evaluate

    out = {}
    corpus = SHARED / "corpus" / "gold.json"
    if corpus.exists():
        result = evaluate.run(corpus, None, TESTS / "gold_corrections.json", gazetteer)
        out["corpus_as_gold"] = evaluate.summary_line(result["as_gold"])
        out["corpus_corrected"] = evaluate.summary_line(result["corrected"])
    if SEEDS.exists():
        result = evaluate.run(TESTS / "seeds_gold.json", [SEEDS], None, gazetteer)
        out["seeds"] = evaluate.summary_line(result["as_gold"])
    return out


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
