"""Through a real server (gunicorn), a large download goes out in HTTP/1.1 chunks,
compressed on the fly, and decodes to the bytes of the whole body."""

from __future__ import annotations

import gzip
import socket

import brotli
import pytest

from tests.webmap.conftest import FIXTURE_DATA, get, gunicorn_app
from webmap import create_app


@pytest.fixture(scope="module")
def streaming_port():
    """gunicorn (1 worker) where every download streams (DOWNLOAD_STREAM_BYTES=0)."""
    with gunicorn_app(ATLAS_DOWNLOAD_STREAM_BYTES="0") as port:
        yield port


def request(port: int, path: str, encoding: str) -> tuple[bytes, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(
            f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: {encoding}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def dechunk(body: bytes) -> tuple[bytes, int]:
    out, chunks = b"", 0
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out, chunks
        out, body, chunks = out + body[:size], body[size + 2 :], chunks + 1


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_streamed_download_is_chunked_compressed_and_whole(streaming_port, encoding):
    head, body = request(streaming_port, "/api/projects.geojson", encoding)
    headers = head.decode("latin-1").lower()
    assert " 200 " in headers.splitlines()[0]
    assert "transfer-encoding: chunked" in headers and "content-length" not in headers
    assert f"content-encoding: {encoding}" in headers and "vary: accept-encoding" in headers
    data, chunks = dechunk(body)
    assert chunks >= 1
    plain = gzip.decompress(data) if encoding == "gzip" else brotli.decompress(data)
    whole = create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA}).test_client()
    assert plain == get(whole, "/api/projects.geojson", headers={"Accept-Encoding": ""}).body
