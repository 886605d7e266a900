"""ruff (configured in pyproject.toml) keeps every package and test clean and formatted."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")
PATHS = ["geo", "webmap", "boundaries", "tests", "bench"]


@pytest.mark.skipif(not RUFF.exists(), reason="ruff not installed beside this python")
@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    proc = subprocess.run([str(RUFF), *args, *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
