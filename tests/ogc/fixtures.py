"""A small dataset with hostile text, written into a temporary data folder."""

import shutil
from pathlib import Path

from geo.dataset import DATA_DIR

HOSTILE = "<img src=x onerror=alert(1)>"


def write_hostile_dataset(folder: Path) -> Path:
    for name in ("sources.csv", "projects.csv", "batches.csv"):
        shutil.copy(DATA_DIR / name, folder / name)
    zones = (DATA_DIR / "zones.csv").read_text(encoding="utf-8").splitlines()
    zones.append(f'evil-zone,"{HOSTILE}",,etdz,,140100,,,test row')
    (folder / "zones.csv").write_text("\n".join(zones) + "\n", encoding="utf-8")
    return folder
