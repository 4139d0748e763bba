"""The portal's own OpenAPI 3.1 document: valid (openapi-spec-validator), served where the root
says, and a bounded schemathesis run against it finds no server error and no answer outside it."""

import json

import pytest
from django.test import Client

from .conftest import API, get_json

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 8  # bounded: about a hundred requests in all, well under a minute


def test_the_root_advertises_a_valid_openapi_31_document(directory_data):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    client = Client()
    root = get_json(client, f"{API}/")
    document = get_json(client, root["openapi_url"].removeprefix("http://testserver"))
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://testserver/api/hsds/v3"}]
    validate(document)  # raises on an invalid document
    official = {
        "/",
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
    }
    assert official | {"/tombstones"} == set(document["paths"])
    broken = json.loads(json.dumps(document))
    broken["paths"]["/services"]["get"]["responses"] = "nothing"
    with pytest.raises(OpenAPIValidationError):
        validate(broken)  # the validator does reject a broken document


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(directory_data):
    import schemathesis
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: requests must not close the test's database connection
    # (on PostgreSQL it is inside the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        calls = _run_schemathesis(
            schemathesis.openapi.from_wsgi(f"{API}/openapi.json", get_wsgi_application())
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert calls and max(calls) < 500
    assert 200 in calls and 400 in calls


def _run_schemathesis(schema):
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12
    calls = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            # The WSGI test client does not undo the portal's gzip: ask for the plain bytes.
            response = case.call(headers={"Accept-Encoding": "identity"})
            calls.append(response.status_code)
            case.validate_response(response, checks=checks)

        call()
    return calls
