"""The app's read-only store: everything views need, loaded once at start-up."""

from __future__ import annotations

import json
from dataclasses import dataclass

import boundaries


@dataclass(frozen=True)
class Store:
    """Boundary layers as parsed GeoJSON dicts and as serialised bytes, by level."""

    layers: dict[str, dict]
    layer_bytes: dict[str, bytes]

    @classmethod
    def load(cls) -> Store:
        layers, layer_bytes = {}, {}
        for level in boundaries.LEVELS:
            raw = boundaries.layer_path(level, "web").read_bytes()
            layers[level] = json.loads(raw)
            layer_bytes[level] = raw
        return cls(layers, layer_bytes)
