"""Schemathesis, a tool nobody here wrote, calls every operation of the OpenAPI description
with inputs it generates from it: no answer is a 500, every answer conforms to the description."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
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


@pytest.fixture
def connection_kept_open():
    """Requests go straight to the WSGI application, which closes the database connection
    after each one: the test's transaction would go with it. Django's test client keeps
    it open the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_every_operation_answers_without_500_and_as_described(
    builtin_registry, connection_kept_open
):
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
