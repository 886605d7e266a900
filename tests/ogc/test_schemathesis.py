"""Schemathesis against our own OpenAPI document: no 5xx, no response violating it."""

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from webmap import create_app  # noqa: E402

APP = create_app({"TESTING": True})
schema = schemathesis.openapi.from_wsgi("/ogcapi/api", APP)
schema.config.base_url = "http://localhost/ogcapi"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case):
    case.call_and_validate(checks=CHECKS)
