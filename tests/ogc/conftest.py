"""A live Atlas server on loopback for GIS-client tests, with a request log."""

import threading

import pytest
from werkzeug.serving import make_server

from webmap import create_app


@pytest.fixture(scope="session")
def ogc_app():
    return create_app({"TESTING": True})


@pytest.fixture(scope="session")
def live_server(ogc_app):
    """(base URL, request log): every request's path and query string, in order."""
    log: list[tuple[str, str]] = []
    inner = ogc_app.wsgi_app

    def logged(environ, start_response):
        log.append((environ["PATH_INFO"], environ.get("QUERY_STRING", "")))
        return inner(environ, start_response)

    server = make_server("127.0.0.1", 0, logged, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", log
    server.shutdown()
    thread.join(timeout=5)
