"""One app over the fixture dataset for the whole web-map test package."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webmap import create_app

FIXTURE_DATA = Path(__file__).resolve().parent.parent / "fixtures" / "dataset"


@pytest.fixture(scope="package")
def app():
    return create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA, "MAP_APPROVAL": "审图号：测试"})


@pytest.fixture
def client(app):
    return app.test_client()


def get(client, url, **kwargs):
    """GET and read the body, closing file responses (pytest turns ResourceWarning into errors)."""
    with client.get(url, **kwargs) as response:
        response.body = response.get_data()
        return response


@contextlib.contextmanager
def gunicorn_app(**env):
    """The app (fixture data, ``ATLAS_*`` settings in ``env``) under gunicorn, 1 worker,
    on a free loopback port: yields the port once the worker answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:0", "webmap:create_app()"],
        env={**os.environ, "ATLAS_DATA_DIR": str(FIXTURE_DATA), **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port, log = None, []
        deadline = time.monotonic() + 120
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            log.append(line)
            if m := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                port = int(m.group(1))
        assert port, "".join(log)
        while time.monotonic() < deadline:  # the worker boots after the master listens
            address = ("127.0.0.1", port)
            with contextlib.suppress(OSError), socket.create_connection(address, timeout=10) as s:
                s.sendall(b"GET /embed.js HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if b" 200 " in s.recv(64):
                    break
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()
