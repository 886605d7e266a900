"""Where the store lives: one rule for the app and the command line."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def instance_dir(config: Mapping) -> Path:
    """``INSTANCE_DIR``, else Flask's instance folder for this package (instance/ beside it
    in a checkout; ``<prefix>/var/webmap-instance`` when installed)."""
    if config.get("INSTANCE_DIR"):
        return Path(config["INSTANCE_DIR"])
    from flask import Flask

    return Path(Flask("webmap").instance_path)


def database_url(config: Mapping) -> str:
    """``DATABASE_URL`` (any SQLAlchemy URL), else the SQLite file in the instance folder."""
    from geo.store import default_url

    return config.get("DATABASE_URL") or default_url(instance_dir(config))
