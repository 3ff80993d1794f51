"""The JSON API against its own description (issue 21, item 6), checked by schemathesis.

Schemathesis reads /api/openapi.json as the app serves it (with the zone, pillar and
field-of-reform enums filled in from the index) and generates requests from it, sent to the
app through WSGI. A schema-valid request must be accepted (2xx, or a 404 for an id that
matches the pattern but names no measure or batch) and answered as described: a status,
content type and body the document declares, never a 5xx. Requests the schema does not
allow must get no 5xx either, and their errors must be the declared JSON.

Derandomised and bounded (50 requests per operation and mode), so a run takes seconds and a
failure is found again on the next run. The operations are driven one by one through
schemathesis' Python API: its pytest decorator (`from_fixture`) fails on pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection

from tests.helpers import examples
from tests.webhelpers import api_document

OPENAPI = api_document()  # the API blueprint's document

# every operation but the one serving the document, which schemathesis leaves out of the
# schema it reads from it (tests/test_no_server_error.py requests that one)
SCHEMA_ITSELF = "GET /api/openapi.json"
OPERATIONS = [f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
              for method in item if f"{method.upper()} {path}" != SCHEMA_ITSELF]
TAKES_PARAMETERS = [f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items()
                    for method, operation in item.items() if operation.get("parameters")]
# The profile in force (conftest.py) decides the seed: repeatable under "ci", new under "explore".
SETTINGS = settings(max_examples=examples(50), suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_the_operations_are_those_the_app_serves(api_schema):
    assert SCHEMA_ITSELF.split()[1] in OPENAPI["paths"]
    assert sorted(op.ok().label for op in api_schema.get_all_operations()) == sorted(OPERATIONS)


def _drive(operation, mode: GenerationMode, **validate) -> None:
    @SETTINGS
    @given(case=operation.as_strategy(mode))
    def check(case):
        case.call_and_validate(**validate)

    check()


@pytest.mark.property  # Hypothesis runs inside (schemathesis), so conftest cannot see it
@pytest.mark.parametrize("label", OPERATIONS)
def test_every_schema_valid_request_is_accepted_and_answered_as_described(api_schema, label):
    # every check of schemathesis, positive_data_acceptance among them
    _drive(api_schema.find_operation_by_label(label), GenerationMode.POSITIVE)


@pytest.mark.property
@pytest.mark.parametrize("label", TAKES_PARAMETERS)
def test_no_schema_invalid_request_is_a_server_error(api_schema, label):
    # Not negative_data_rejection: the API reads more than the document's enums allow (a
    # zone's name in either language, blank values dropped; the parameters' descriptions say
    # so), so some schema-invalid requests are rightly answered 200.
    _drive(api_schema.find_operation_by_label(label), GenerationMode.NEGATIVE,
           excluded_checks=[negative_data_rejection])
