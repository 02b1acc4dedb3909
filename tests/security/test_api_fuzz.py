"""Schemathesis against the published OpenAPI schema: no 500s, no response that breaks the schema.

Each operation's generated requests (valid and invalid) are driven by Hypothesis here
(schemathesis's own pytest fixture integration does not run on pytest 9), with
schemathesis's checks on every response.
"""

import pytest
import schemathesis
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 60


@pytest.fixture
def api_schema(catalog, trained_models):
    caches["throttle"].clear()
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def test_every_api_operation_answers_generated_requests_within_its_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/category-prediction",
        "/api/v1/products/{dataset_id}/similar",
        "/api/v1/recommendations",
        "/api/v1/search",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.headers = {**(case.headers or {}), "Host": "127.0.0.1"}
            # Every check but "schema-valid input must be accepted": a name of punctuation only is
            # a string to the schema, and a 400 with its reason to us (semantics no schema states).
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
