"""``sxmap extract --dataset``: one atomic write, one writer at a time, nothing left over.

Writers are real subprocesses; ``SXMAP_TEST_PAUSE_DIR`` stops one at a chosen point of
the write window so it can be killed (SIGKILL) or raced there deterministically.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo import curate
from geo.dataset import DATA_DIR, load_dataset
from geo.store.files import DatasetDir

ROUND = (
    "2月6日，吕梁市举行2025年第一次“三个一批”活动，“签约一批”项目共{n}个，签约投资{m}亿元；"
    "“开工一批”项目共{n}个，计划总投资{m}亿元。\n"
)
PROJECT = "本报讯 2月6日，晋城经济技术开发区举行项目集中签约仪式。总投资{m}亿元的{name}签约落地。\n"


def write_articles(folder: Path, tag: str, n: int) -> Path:
    """One article; runs "old" and "new" are the same file name with other figures, so a
    rebuild from either keeps every record (a rebuild that would drop one is refused)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article_1.txt").write_text(
        PROJECT.format(m=n, name=f"{tag}光电产业园项目") + ROUND.format(n=n, m=n + 0.5),
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def world(tmp_path):
    """A dataset folder written once from run "old", and the articles of run "new"."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("zones.csv", "sources.csv", "overrides.csv"):
        shutil.copy(DATA_DIR / name, data / name)
    old = write_articles(tmp_path / "old", "old", 11)
    new = write_articles(tmp_path / "new", "new", 22)
    assert sxmap(old, data).returncode == 0
    return tmp_path, data, old, new


def sxmap(articles: Path, data: Path, pause: Path | None = None, wait=True, umask=None):
    env = {k: v for k, v in os.environ.items() if k != "SXMAP_TEST_PAUSE_DIR"}
    if pause is not None:
        env["SXMAP_TEST_PAUSE_DIR"] = str(pause)
    args = [sys.executable, "-m", "webmap.cli", "extract", str(articles), "--dataset", str(data)]
    args += ["--reference-date", "2025-02-10"]
    kwargs = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}
    if umask is not None:
        kwargs["preexec_fn"] = lambda: os.umask(umask)
    proc = subprocess.Popen(args, **kwargs)
    if not wait:
        return proc
    proc.stderr_text = proc.communicate(timeout=120)[1]
    return proc


POINTS = ("first-table", "staged", "swapped")


def pause_at(tmp: Path, point: str) -> Path:
    """A pause folder that lets the writer through every point but ``point``."""
    pause = tmp / "pause"
    pause.mkdir()
    for other in POINTS:
        if other != point:
            (pause / f"{other}.go").touch()
    return pause


def wait_for(path: Path, proc=None, timeout=120.0) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"writer exited {proc.returncode}: {proc.stderr.read()}")
        assert time.monotonic() < end, f"{path.name} never reached"
        time.sleep(0.01)


RUNS = {1_150_000_000: "old", 2_250_000_000: "new"}  # the round's amounts: n + 0.5 亿元


def run_of(data: Path) -> str:
    """Which run the dataset came from: both tables must agree."""
    dataset = load_dataset(data)
    project_runs = {name[:3] for name in dataset.projects["name"]}
    batch_runs = {RUNS[v] for v in dataset.batches["investment_cny"]}
    assert project_runs == batch_runs and len(project_runs) == 1, (project_runs, batch_runs)
    return project_runs.pop()


def leftovers(tmp: Path, data: Path) -> list[str]:
    extra = [p.name for p in tmp.iterdir() if p.name not in ("data", "old", "new", "pause")]
    inside = sorted(p.name for p in data.iterdir())
    expected = ["batches.csv", "overrides.csv", "projects.csv", "sources.csv", "zones.csv"]
    return extra + ([] if inside == expected else inside)


@pytest.mark.parametrize(
    ("point", "survivor"), [("first-table", "old"), ("staged", "old"), ("swapped", "new")]
)
def test_kill_9_inside_the_write_window_leaves_one_whole_dataset(world, point, survivor):
    tmp, data, old, new = world
    pause = pause_at(tmp, point)
    writer = sxmap(new, data, pause=pause, wait=False)
    wait_for(pause / f"{point}.reached", writer)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stderr.close()
    assert run_of(data) == survivor  # projects and batches of the same run, never a mix
    # The next writer removes whatever the killed one left, and nothing remains after it.
    assert sxmap(old, data).returncode == 0
    assert run_of(data) == "old"
    assert leftovers(tmp, data) == []


@pytest.mark.parametrize("point", ["staged", "swapped"])
def test_a_second_writer_is_refused_while_one_writes(world, point):
    tmp, data, old, new = world
    pause = pause_at(tmp, point)
    first = sxmap(new, data, pause=pause, wait=False)
    wait_for(pause / f"{point}.reached", first)
    second = sxmap(old, data)
    assert second.returncode == 2
    assert "another sxmap is writing this dataset" in second.stderr_text
    assert (
        len(second.stderr_text.strip().splitlines()) == 1 and "Traceback" not in second.stderr_text
    )
    (pause / f"{point}.go").touch()
    assert first.wait(timeout=120) == 0
    first.stderr.close()
    assert run_of(data) == "new"
    assert leftovers(tmp, data) == []


def test_files_get_the_umask_permissions(world):
    tmp, data, old, new = world
    assert sxmap(new, data, umask=0o027).returncode == 0
    for name in ("projects.csv", "batches.csv"):
        assert (data / name).stat().st_mode & 0o777 == 0o640, name
    assert sxmap(old, data, umask=0o002).returncode == 0
    for name in ("projects.csv", "batches.csv"):
        assert (data / name).stat().st_mode & 0o777 == 0o664, name


def test_the_folder_keeps_its_mode_and_other_files(world):
    tmp, data, old, new = world
    data.chmod(0o755)
    (data / "notes.txt").write_text("kept", encoding="utf-8")
    assert sxmap(new, data).returncode == 0
    assert data.stat().st_mode & 0o777 == 0o755
    assert (data / "notes.txt").read_text(encoding="utf-8") == "kept"


def test_a_failing_write_leaves_the_old_dataset_and_no_temp_files(world, monkeypatch):
    tmp, data, old, new = world
    real = curate._write_new
    calls = []

    def failing(path, payload, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return real(path, payload, **kwargs)

    monkeypatch.setattr(curate, "_write_new", failing)
    with pytest.raises(OSError):
        curate.write_dataset_files(data, {"projects.csv": b"x", "batches.csv": b"y"})
    assert run_of(data) == "old"
    assert leftovers(tmp, data) == []


def test_readers_of_an_opened_folder_see_one_dataset(world):
    """A loader that opened the folder keeps reading it while a writer swaps a new one in."""
    tmp, data, old, new = world
    with DatasetDir(data) as folder:
        projects = folder.read("projects.csv")
        assert sxmap(new, data).returncode == 0  # the whole write happens in between
        batches = folder.read("batches.csv")
    assert {name[:3] for name in projects["name"]} == {"old"}
    assert {RUNS[int(v)] for v in batches["investment_cny"]} == {"old"}
    assert run_of(data) == "new"


def test_a_missing_dataset_folder_is_a_clear_error(tmp_path):
    articles = write_articles(tmp_path / "a", "x", 3)
    proc = sxmap(articles, tmp_path / "nope")
    assert proc.returncode == 2 and "no such folder" in proc.stderr_text


def test_a_rebuild_that_would_drop_records_is_refused_unless_allowed(world):
    tmp, data, old, new = world
    other = tmp / "other"
    other.mkdir()
    (other / "article_2.txt").write_text(PROJECT.format(m=5, name="储能项目"), encoding="utf-8")
    before = (data / "projects.csv").read_bytes()
    refused = sxmap(other, data)
    assert refused.returncode == 2 and "would drop" in refused.stderr_text
    assert "article_1.txt@" in refused.stderr_text  # the records are named
    assert (data / "projects.csv").read_bytes() == before
    args = [sys.executable, "-m", "webmap.cli", "extract", str(other), "--dataset", str(data),
            "--reference-date", "2025-02-10", "--allow-drop"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "dropped projects.csv: article_1.txt@" in done.stderr
    assert set(load_dataset(data).projects["doc_id"]) == {"article_2.txt"}
