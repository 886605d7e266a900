"""``make bench``: every benchmark of the Atlas, one section each, printed and saved.

Sections are modules beside this file with a ``run() -> dict``: ``extraction`` (articles
per second, and the evaluation), ``store`` (ingest throughput, POST to visible), ``web``
(page weight and page/GeoJSON latency), ``ogc`` (the OGC API against pygeoapi) and
``scale`` (S/M/L datasets through gunicorn, Chromium and wrk; issue 12).
Results go to stdout and ``bench/out/results.json``.
Timings are medians with a baseline or a peer measured in the same process: compare
ratios between machines, not raw milliseconds.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTIONS = ("extraction", "store", "web", "ogc", "scale")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    wanted = argv or list(SECTIONS)
    results = {"machine": {"python": platform.python_version(), "cpus": _cpus()}}
    for name in wanted:
        if not (HERE / f"{name}.py").exists():
            continue
        print(f"== {name}", flush=True)
        section = importlib.import_module(name).run()
        for key, value in section.items():
            print(f"{key}: {value}", flush=True)
        results[name] = section
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
