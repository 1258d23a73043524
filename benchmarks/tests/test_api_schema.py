"""Every response of the open data API matches the OpenAPI document the API serves (schemathesis).

Two layers: real responses of every endpoint on known data (200 and 404) are validated against the
served /api/v1/openapi.json, then schemathesis generates requests from that document (a few examples
per operation) and checks status codes, content types and response bodies.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from benchmarks.tests.test_api import published  # noqa: F401  (the shared data fixture)

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def api_schema(db):
    # Schemathesis calls the WSGI application directly: keep Django from closing the test's database
    # connection (and its transaction) at the end of each request, as Django's own test client does.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(OPENAPI, get_wsgi_application())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


KNOWN = [
    ("/api/v1/frameworks", {}, {"limit": 1}, 200),
    ("/api/v1/frameworks/{key}/editions/{revision}", {"key": "ucc", "revision": "2023"}, {}, 200),
    ("/api/v1/frameworks/{key}/editions/{revision}", {"key": "ucc", "revision": "1999"}, {}, 404),
    ("/api/v1/authorities", {}, {"country": "FI", "limit": 1}, 200),
    ("/api/v1/authorities/{slug}", {"slug": "espoo"}, {}, 200),
    ("/api/v1/authorities/{slug}", {"slug": "atlantis"}, {}, 404),
    ("/api/v1/editions/{framework}/{revision}/ranking", {"framework": "ucc", "revision": "2023"}, {}, 200),
    ("/api/v1/editions/{framework}/{revision}/ranking", {"framework": "x", "revision": "2023"}, {}, 404),
    (
        "/api/v1/editions/{framework}/{revision}/scores/{authority_slug}",
        {"framework": "ucc", "revision": "2023", "authority_slug": "espoo"},
        {},
        200,
    ),
    (
        "/api/v1/editions/{framework}/{revision}/scores/{authority_slug}",
        {"framework": "ucc", "revision": "2023", "authority_slug": "oulu"},
        {},
        404,
    ),
    (
        "/api/v1/editions/{framework}/{revision}/answers",
        {"framework": "ucc", "revision": "2023"},
        {"authority": "milan", "limit": 5, "offset": 5},
        200,
    ),
    (
        "/api/v1/editions/{framework}/{revision}/peers/{authority_slug}",
        {"framework": "ucc", "revision": "2023", "authority_slug": "espoo"},
        {"k": 3},
        200,
    ),
    (
        "/api/v1/editions/{framework}/{revision}/peers/{authority_slug}",
        {"framework": "ucc", "revision": "2023", "authority_slug": "espoo"},
        {"mode": "scores"},
        200,
    ),
]


def test_every_operation_is_covered(api_schema):
    operations = {op.ok().path for op in api_schema.get_all_operations()}
    assert operations == {path for path, *_ in KNOWN}


@pytest.mark.parametrize("path,path_parameters,query,status", KNOWN)
def test_real_responses_match_the_served_schema(api_schema, published, path, path_parameters, query, status):  # noqa: F811
    case = api_schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
    response = case.call()
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["licence"]["name"] == "CC BY 4.0"
    case.validate_response(response)  # raises when the body, status or content type is off the schema


# Generated requests: schemathesis' strategies driven by Hypothesis directly (its pytest plugin does not
# run under pytest 9's node API), a few examples per operation to keep the file well under a minute.
EXAMPLES_PER_OPERATION = 15


def test_generated_requests_conform(api_schema, published):  # noqa: F811
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            case.call_and_validate()

        conforms()
