"""Schemathesis, a tool nobody here wrote, calls every operation of the OpenAPI description
with inputs it generates from it: no answer is a 500, every answer conforms to the description."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kkkregistry.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_every_operation_answers_without_500_and_as_described(builtin_registry):
    # Each operation's strategy is driven by hand: Schemathesis' pytest plugin does not
    # run under this pytest, its generated cases and checks do.
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_as_described(case):
            case.call_and_validate(headers={"Accept": "application/json"}, checks=CHECKS)

        answers_as_described()
